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
