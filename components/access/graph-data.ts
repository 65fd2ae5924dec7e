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

// ---------------------------------------------------------------------------------------------
// What the graph shows: the paths at or above a level, narrowed to the ones through a focused node,
// with principals folded into one node per group (or kind) when there are too many to read.

/** One path as drawn: its steps, its level, and whether it is can-become (an attack path, not held). */
export type ViewPath = { steps: PathStep[]; level: AccessLevel; potential: boolean };

/** A graph node's id: one per step kind and id (also the layout's node id). */
export const stepKey = (step: PathStep) => `${step.kind}:${step.id}`;

/** The kind of step that stands for several principals folded together. */
export const BUCKET_KIND = "principalBucket";

/** More principals than this and they are folded by group or kind (an expanded fold stays open). */
export const GROUP_THRESHOLD = 25;

const LEVEL_RANK: Record<AccessLevel, number> = {
  "cluster-admin": 4,
  admin: 3,
  write: 2,
  read: 1,
  "credentials-only": 0,
};

/** Paths of every grant at `minimum` or above (`all`: every grant), in the server's order. */
export function pathsAtLevel(data: GraphData, minimum: AccessLevel | "all"): ViewPath[] {
  return data.entries.flatMap((entry) =>
    entry.grants
      .filter((grant) => minimum === "all" || LEVEL_RANK[grant.level] >= LEVEL_RANK[minimum])
      .map((grant) => ({
        steps: grant.path.map((index) => data.steps[index]),
        level: grant.level,
        potential: grant.potential === true,
      })),
  );
}

/** The principal a path starts from (the engine's paths always begin with one). */
export const principalOf = (path: ViewPath): PathStep | undefined =>
  path.steps[0]?.kind === "principal" ? path.steps[0] : undefined;

/** A principal step's kind, from the label the engine gives it ("Penny (User)"). */
export function principalKind(step: PathStep): string {
  return /\(([A-Za-z]+)\)$/.exec(step.label)?.[1] ?? "Principal";
}

/** The principal's name without the kind the engine appends. */
export function principalName(step: PathStep): string {
  return step.label.replace(/\s*\([A-Za-z]+\)$/, "");
}

/** Distinct principals of the paths, in order of first appearance. */
export function principalsOf(paths: readonly ViewPath[]): PathStep[] {
  const seen = new Map<string, PathStep>();
  for (const path of paths) {
    const principal = principalOf(path);
    if (principal && !seen.has(stepKey(principal))) seen.set(stepKey(principal), principal);
  }
  return [...seen.values()];
}

/**
 * The fold a path's principal goes into: the group the path passes first ("via team-web"), or the
 * principal's kind when it holds the access itself. A principal reaching the cluster through two
 * groups is in both folds: each fold says who gets in through it.
 */
export function bucketOf(path: ViewPath): { id: string; kind: string; via: PathStep | null } | undefined {
  const principal = principalOf(path);
  if (!principal) return undefined;
  const kind = principalKind(principal);
  const via = path.steps[1];
  if (via && (via.kind === "groupMembership" || via.kind === "k8s.group")) {
    return { id: `${kind}|via|${stepKey(via)}`, kind, via };
  }
  return { id: `${kind}|direct`, kind, via: null };
}

const KIND_PLURAL: Record<string, [string, string]> = {
  User: ["user", "users"],
  Group: ["group", "groups"],
  ServicePrincipal: ["service principal", "service principals"],
  ManagedIdentity: ["managed identity", "managed identities"],
  ServiceAccount: ["service account", "service accounts"],
  KubernetesUser: ["Kubernetes user", "Kubernetes users"],
  KubernetesGroup: ["Kubernetes group", "Kubernetes groups"],
};

/** "14 users via team-web", "3 service accounts" */
export function bucketLabel(count: number, kind: string, via: PathStep | null): string {
  const [one, many] = KIND_PLURAL[kind] ?? ["principal", "principals"];
  const who = `${count} ${count === 1 ? one : many}`;
  if (!via) return `${who} holding it directly`;
  return `${who} via ${via.label.replace(/^.*member of /, "").replace(/\s*\(PIM for Groups.*\)$/, "")}`;
}

/**
 * The paths through one node (a step key, or a fold's key): a principal's own paths, everyone
 * through a group, a role or a binding. Undefined focus keeps every path.
 */
export function focusPaths(paths: readonly ViewPath[], focus: string | undefined): ViewPath[] {
  if (!focus) return [...paths];
  if (focus.startsWith(`${BUCKET_KIND}:`)) {
    const id = focus.slice(BUCKET_KIND.length + 1);
    return paths.filter((path) => bucketOf(path)?.id === id);
  }
  return paths.filter((path) => path.steps.some((step) => stepKey(step) === focus));
}

export type Folded = {
  paths: ViewPath[];
  /** every fold of this view with its member count, open or not (to expand and collapse it) */
  buckets: { key: string; label: string; members: number; expanded: boolean }[];
};

/**
 * Folds principals when there are more than `threshold`: each fold of two or more principals
 * becomes one step (kind BUCKET_KIND) and the paths that then coincide are drawn once (held wins
 * over can-become, as on a shared edge). Folds named in `expanded` stay as their principals.
 */
export function foldPrincipals(
  paths: readonly ViewPath[],
  expanded: ReadonlySet<string> = new Set(),
  threshold = GROUP_THRESHOLD,
): Folded {
  if (principalsOf(paths).length <= threshold) return { paths: [...paths], buckets: [] };
  const members = new Map<string, { kind: string; via: PathStep | null; principals: Set<string> }>();
  for (const path of paths) {
    const bucket = bucketOf(path);
    const principal = principalOf(path);
    if (!bucket || !principal) continue;
    const entry = members.get(bucket.id) ?? { kind: bucket.kind, via: bucket.via, principals: new Set() };
    entry.principals.add(stepKey(principal));
    members.set(bucket.id, entry);
  }
  const buckets: Folded["buckets"] = [];
  const stepOf = new Map<string, PathStep>();
  for (const [id, entry] of members) {
    if (entry.principals.size < 2) continue;
    const key = `${BUCKET_KIND}:${id}`;
    const label = bucketLabel(entry.principals.size, entry.kind, entry.via);
    const isExpanded = expanded.has(key);
    buckets.push({ key, label, members: entry.principals.size, expanded: isExpanded });
    if (!isExpanded) stepOf.set(id, { kind: BUCKET_KIND, id, label });
  }
  const folded = new Map<string, ViewPath>();
  for (const path of paths) {
    const bucket = bucketOf(path);
    const replacement = bucket ? stepOf.get(bucket.id) : undefined;
    const steps = replacement ? [replacement, ...path.steps.slice(1)] : path.steps;
    const key = steps.map(stepKey).join("\u0000");
    const existing = folded.get(key);
    if (!existing) folded.set(key, { ...path, steps });
    else {
      if (!path.potential) existing.potential = false;
      if (LEVEL_RANK[path.level] > LEVEL_RANK[existing.level]) existing.level = path.level;
    }
  }
  return { paths: [...folded.values()], buckets };
}

export type FocusChoice = { key: string; label: string };

/** What the focus control offers: principals, groups, and roles or bindings of the paths. */
export function focusChoices(paths: readonly ViewPath[]): {
  principals: FocusChoice[];
  groups: FocusChoice[];
  grants: FocusChoice[];
} {
  const principals = principalsOf(paths)
    .map((step) => ({ key: stepKey(step), label: step.label }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const groups = new Map<string, FocusChoice>();
  const grants = new Map<string, FocusChoice>();
  for (const path of paths) {
    for (const step of path.steps.slice(1)) {
      const key = stepKey(step);
      if (step.kind === "groupMembership" || step.kind === "k8s.group") {
        groups.set(key, { key, label: step.label.replace(/^member of /, "") });
      } else if (
        step.kind === "roleAssignment" ||
        step.kind === "k8s.roleBinding" ||
        step.kind === "k8s.clusterRoleBinding"
      ) {
        grants.set(key, { key, label: step.label });
      }
    }
  }
  const sorted = (map: Map<string, FocusChoice>) =>
    [...map.values()].sort((a, b) => a.label.localeCompare(b.label));
  return { principals, groups: sorted(groups), grants: sorted(grants) };
}
