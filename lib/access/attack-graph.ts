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
 * A list of reverse edges as the search reads it: each edge's source, as its node string and as its number
 * (NodeNumbering), and its traits (EDGE_WEIGHT_ONE, EDGE_CONDITIONAL, EDGE_ELIGIBLE) in flat arrays, beside
 * the edges. The edges are of several classes whose getters made every read in the search's inner loop
 * megamorphic; the numbers let the search ask "reached already, and how?" of a typed array instead of a
 * map keyed by strings (most of the tens of millions of edges it looks at end there).
 */
export type FlatPart = {
  edges: readonly ReverseEdge[];
  sources: NodeId[];
  sourceNumbers: Int32Array;
  traits: Uint8Array;
};

/**
 * Small integers for the nodes the search meets, and each edge list flattened once with them: the lists
 * are the edge caches' own arrays (attack-edges.ts), so a flat copy lives as long as the list it was made
 * from. `restart` forgets every number (and so every flat copy made with them): the edge caches call it
 * when they drop lists, so that the numbers stay bounded by what the caches hold; `epoch` tells a search
 * in progress that the numbers it holds are stale.
 */
export class NodeNumbering {
  private numbers = new Map<NodeId, number>();
  private flatParts = new WeakMap<readonly ReverseEdge[], FlatPart>();
  private restarts = 0;

  /** how many nodes are numbered: every number is below it */
  get size(): number {
    return this.numbers.size;
  }

  get epoch(): number {
    return this.restarts;
  }

  numberOf(node: NodeId): number {
    let number = this.numbers.get(node);
    if (number === undefined) {
      number = this.numbers.size;
      this.numbers.set(node, number);
    }
    return number;
  }

  restart(): void {
    if (this.numbers.size === 0) return;
    this.numbers = new Map();
    this.flatParts = new WeakMap();
    this.restarts += 1;
  }

  flatPart(edges: readonly ReverseEdge[]): FlatPart {
    let flat = this.flatParts.get(edges);
    // (a list is never appended to once a cache hands it out; were it, its length would show it)
    if (flat === undefined || flat.sources.length !== edges.length) {
      const sources: NodeId[] = new Array(edges.length);
      const sourceNumbers = new Int32Array(edges.length);
      const traits = new Uint8Array(edges.length);
      for (let k = 0; k < edges.length; k++) {
        const edge = edges[k];
        sources[k] = edge.from;
        sourceNumbers[k] = this.numberOf(edge.from);
        traits[k] =
          (edge.weight === 1 ? EDGE_WEIGHT_ONE : 0) |
          (edge.conditional ? EDGE_CONDITIONAL : 0) |
          (edge.eligible === true ? EDGE_ELIGIBLE : 0);
      }
      flat = { edges, sources, sourceNumbers, traits };
      this.flatParts.set(edges, flat);
    }
    return flat;
  }
}
