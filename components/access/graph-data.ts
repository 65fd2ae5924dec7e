import type { AccessLevel, PathStep } from "@/lib/access/types";

// What the server hands the access graph: every distinct step once, and each grant's path as
// indexes into that list. ARM ids make steps long and the same role or binding recurs in many paths;
// sending each once keeps the page light on a busy cluster.

export type GraphData = {
  steps: PathStep[];
  /**
   * strongest principal first; `potential` marks a level the principal can become through an attack
   * path but does not hold (drawn dashed)
   */
  entries: { grants: { level: AccessLevel; path: number[]; potential?: true }[] }[];
};

export function encodeGraph(
  entries: readonly {
    grants: readonly { level: AccessLevel; path: readonly PathStep[]; potential?: boolean }[];
  }[],
): GraphData {
  const steps: PathStep[] = [];
  const indexOf = new Map<string, number>();
  const encoded = entries.map((entry) => ({
    grants: entry.grants.map((grant) => ({
      ...(grant.potential ? { potential: true as const } : {}),
      level: grant.level,
      path: grant.path.map((step) => {
        const key = `${step.kind}\u0000${step.id}\u0000${step.label}`;
        let index = indexOf.get(key);
        if (index === undefined) {
          index = steps.length;
          steps.push({ kind: step.kind, id: step.id, label: step.label });
          indexOf.set(key, index);
        }
        return index;
      }),
    })),
  }));
  return { steps, entries: encoded };
}

export function decodePaths(data: GraphData, grants: GraphData["entries"][number]["grants"]): PathStep[][] {
  return grants.map((grant) => grant.path.map((index) => data.steps[index]));
}
