import type { AttackPathLevel, PathStep } from "@/lib/access/types";

// The shapes every edge module of the attack graph (attack-edges.ts, impersonation-edges.ts,
// directory-edges.ts) builds and attack-paths.ts searches: one definition, so the modules cannot
// drift apart on what an edge carries.

/** A node of the attack graph; attack-edges.ts lists the kinds (`p:`, `sa:`, `pods:`, `as:`, `imp:`, …). */
export type NodeId = string;

export type ReverseEdge = {
  from: NodeId;
  /** 1 = a hop an attacker takes; 0 = bookkeeping (a pod creator choosing the account it runs as) */
  weight: 0 | 1;
  /** the steps from `from` (excluded) to the edge's head (included) */
  steps: PathStep[];
  conditional: boolean;
  /** a step needs a PIM activation (eligible role or group membership) */
  eligible?: boolean;
};

/** A one-hop edge into a cluster level. */
export type TargetEdge = ReverseEdge & {
  level: AttackPathLevel;
  namespace: string | null;
  /** a grant its principal holds today (the engine's), rather than something it can take */
  held: boolean;
};

/** An edge's traits as the search reads them, one small integer each (FlatPart). */
export const EDGE_WEIGHT_ONE = 1;
export const EDGE_CONDITIONAL = 2;
export const EDGE_ELIGIBLE = 4;

/**
 * A list of reverse edges as the search reads it: each edge's source and its traits (EDGE_WEIGHT_ONE,
 * EDGE_CONDITIONAL, EDGE_ELIGIBLE) in flat arrays, beside the edges. The edges are of several classes
 * whose getters made every read in the search's inner loop megamorphic.
 */
export type FlatPart = { edges: readonly ReverseEdge[]; sources: NodeId[]; traits: number[] };

/**
 * Flattened once per list: the lists are the edge caches' own arrays (attack-edges.ts), so a flat copy
 * lives as long as the list it was made from, and goes with it when a cache is dropped.
 */
const flatParts = new WeakMap<readonly ReverseEdge[], FlatPart>();

export function flatPart(edges: readonly ReverseEdge[]): FlatPart {
  let flat = flatParts.get(edges);
  // (a list is never appended to once a cache hands it out; were it, its length would show it)
  if (flat === undefined || flat.sources.length !== edges.length) {
    const sources: NodeId[] = [];
    const traits: number[] = [];
    for (const edge of edges) {
      sources.push(edge.from);
      traits.push(
        (edge.weight === 1 ? EDGE_WEIGHT_ONE : 0) |
          (edge.conditional ? EDGE_CONDITIONAL : 0) |
          (edge.eligible === true ? EDGE_ELIGIBLE : 0),
      );
    }
    flat = { edges, sources, traits };
    flatParts.set(edges, flat);
  }
  return flat;
}
