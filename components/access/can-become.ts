import { BESIDE_SHORTEST, ESCALATION_LABEL, hopsText } from "@/lib/access/labels";
import {
  ACCESS_LEVEL_RANK,
  type AccessLevel,
  type AttackPathLevel,
  accessLevelSchema,
  type EscalationRoute,
  type EscalationTarget,
} from "@/lib/access/types";

// "Can become" beside "is": what a principal could reach on a cluster (attack paths, and the one
// one-step escalation that always ends at cluster-admin), ordered so that nobody who can make
// themselves cluster-admin looks clean. Pure view-model code shared by the cluster and principal pages.

/**
 * "Can become cluster-admin": paths shown open, and the only ones rendered with the page; the rest stay one
 * click away (loaded when opened), so a busy cluster's list stays scannable and its page light.
 */
export const OPEN_PATHS = 5;

/** A level a principal can reach but does not hold, from an attack-path escalation. */
export type Reach = {
  level: AttackPathLevel;
  /** null when the stored record predates hop counts */
  hops: number | null;
  namespace: string | null;
  conditional: boolean;
  /** the route listed beside a shorter one that needs a PIM activation or a condition (lib/access/attack-paths.ts) */
  alternative?: boolean;
};

/**
 * The escalation target `to` is a level only on attack paths; one-step escalations name a capability.
 * Returns the reach an escalation stands for, or null for a one-step escalation.
 */
export function reachOf(escalation: {
  to: EscalationTarget;
  route: EscalationRoute;
  hops?: number | null;
  namespace?: string | null;
  conditional?: boolean;
  alternative?: boolean;
}): Reach | null {
  if (escalation.route !== "attack-path") return null;
  const level = accessLevelSchema.safeParse(escalation.to);
  if (!level.success || level.data === "credentials-only") return null;
  return {
    level: level.data,
    hops: escalation.hops ?? null,
    namespace: escalation.namespace ?? null,
    conditional: escalation.conditional === true,
    ...(escalation.alternative ? { alternative: true } : {}),
  };
}

/** Strongest level first, then the shortest, unconditional before conditional. */
export function compareReaches(a: Reach, b: Reach): number {
  return (
    ACCESS_LEVEL_RANK[b.level] - ACCESS_LEVEL_RANK[a.level] ||
    (a.namespace === null ? 0 : 1) - (b.namespace === null ? 0 : 1) ||
    (a.hops ?? Number.POSITIVE_INFINITY) - (b.hops ?? Number.POSITIVE_INFINITY) ||
    Number(a.conditional) - Number(b.conditional) ||
    (a.namespace ?? "").localeCompare(b.namespace ?? "")
  );
}

/** A grant as the pages hold it: eligible (PIM) and conditional ones are flagged. */
type HeldGrant = { level: AccessLevel; eligible?: boolean; conditional?: boolean };

/**
 * What a principal holds outright: a level that needs a PIM activation first, or that holds only under a
 * condition, is not held. The attack-path search reports a standing (or unconditional) route to such a
 * level (lib/access/attack-paths.ts forCluster), and hiding it behind the eligible badge would say "only
 * after an activation" of someone who can take the cluster now.
 */
function standingRank(held: readonly HeldGrant[]): number {
  return Math.max(
    -1,
    ...held
      .filter((grant) => !grant.eligible && !grant.conditional)
      .map((grant) => ACCESS_LEVEL_RANK[grant.level]),
  );
}

/**
 * Reaches worth showing beside what is held: stronger than the strongest level held outright, strongest
 * first. (The engine reports only levels not held; a weaker or equal one is noise next to the badge.)
 */
export function reachesBeyond(held: readonly HeldGrant[], reaches: readonly Reach[]): Reach[] {
  const strongest = standingRank(held);
  return reaches.filter((reach) => ACCESS_LEVEL_RANK[reach.level] > strongest).sort(compareReaches);
}

export type BecomeClusterAdmin = {
  hops: number | null;
  conditional: boolean;
  /** `attack-path`, or the one-step escalation it rests on (scans stored before attack paths) */
  via: "attack-path" | "cluster-write";
};

/**
 * How a principal that does not hold cluster-admin outright can become it, the shortest way; null when
 * it holds it already (standing and unconditional) or cannot. An attack path to cluster-wide cluster-admin counts; so does
 * `cluster-write` (managedClusters/write: add a group of one's own to adminGroupObjectIDs), which
 * always ends there and which scans stored before attack paths carry alone. The other one-step
 * escalations (run command, bind, escalate, impersonate, identity operator) lead there only under
 * conditions the engine checks; when they do, it reports them as one-hop attack paths.
 */
export function becomeClusterAdmin(entry: {
  grants: readonly HeldGrant[];
  reaches: readonly Reach[];
  oneStep: readonly EscalationTarget[];
}): BecomeClusterAdmin | null {
  if (standingRank(entry.grants) >= ACCESS_LEVEL_RANK["cluster-admin"]) return null;
  const best = entry.reaches
    .filter((reach) => reach.level === "cluster-admin" && reach.namespace === null && !reach.alternative)
    .sort(compareReaches)[0];
  if (best) return { hops: best.hops, conditional: best.conditional, via: "attack-path" };
  if (entry.oneStep.includes("cluster-write")) return { hops: 1, conditional: false, via: "cluster-write" };
  return null;
}

/**
 * The route to cluster-admin listed beside the shortest when that one needs a PIM activation or a condition
 * (lib/access/attack-paths.ts, ALTERNATIVE_LEVEL); null when there is none or the level is held outright.
 */
export function clusterAdminBeside(entry: {
  grants: readonly HeldGrant[];
  reaches: readonly Reach[];
}): Reach | null {
  if (standingRank(entry.grants) >= ACCESS_LEVEL_RANK["cluster-admin"]) return null;
  return (
    entry.reaches.find(
      (reach) => reach.level === "cluster-admin" && reach.namespace === null && reach.alternative === true,
    ) ?? null
  );
}

export type OrderableEntry = {
  principal: { id: string; displayName: string };
  grants: readonly { level: AccessLevel }[];
  reaches: readonly Reach[];
  oneStep: readonly EscalationTarget[];
};

/** localeCompare's order (the default locale), without building a collator on every comparison */
const byName = new Intl.Collator();

/**
 * Cluster-admin holders first, then who can become cluster-admin (fewest hops first), then everyone
 * else in the order given (strongest access first). Stable within each group.
 */
export function orderByClusterAdmin<T extends OrderableEntry>(entries: readonly T[]): T[] {
  // each entry's group and hops worked out once, not in every comparison: a busy cluster has thousands
  return entries
    .map((entry, index) => {
      const become = becomeClusterAdmin(entry);
      const group = entry.grants.some((grant) => grant.level === "cluster-admin") ? 0 : become ? 1 : 2;
      return { entry, index, group, hops: become?.hops ?? Number.POSITIVE_INFINITY };
    })
    .sort(
      (a, b) =>
        a.group - b.group ||
        (a.group === 1 ? a.hops - b.hops : 0) ||
        (a.group === 1 ? byName.compare(a.entry.principal.displayName, b.entry.principal.displayName) : 0) ||
        a.index - b.index,
    )
    .map(({ entry }) => entry);
}

/** Chip text for a reach: "can become cluster-admin (3 hops)", "can become admin in default (2 hops)". */
export function reachChipText(reach: Reach): string {
  const where = reach.namespace ? ` in ${reach.namespace}` : "";
  const without = reach.alternative ? BESIDE_SHORTEST : "";
  const detail = [reach.hops === null ? "" : hopsText(reach.hops), without].filter(Boolean).join(", ");
  return `${ESCALATION_LABEL[reach.level]}${where}${detail ? ` (${detail})` : ""}`;
}

/**
 * The chips shown beside what a principal holds on a cluster: every reach beyond it, strongest first, and
 * cluster-admin whenever `becomeClusterAdmin` says it can become it — also when no cluster-wide attack path
 * to it is stored (cluster-write alone, scans before attack paths: one hop), so that a principal who can
 * take the cluster never shows only a weaker chip.
 */
export function reachChipsBeyond(entry: {
  grants: readonly HeldGrant[];
  reaches: readonly Reach[];
  oneStep: readonly EscalationTarget[];
}): { text: string; conditional: boolean }[] {
  const reaches = reachesBeyond(entry.grants, entry.reaches);
  const become = becomeClusterAdmin(entry);
  if (become && !reaches.some((reach) => reach.level === "cluster-admin" && reach.namespace === null))
    reaches.unshift({ level: "cluster-admin", hops: become.hops, namespace: null, conditional: false });
  return reaches.map((reach) => ({ text: reachChipText(reach), conditional: reach.conditional }));
}

/**
 * The path that proves `becomeClusterAdmin`: among one principal's escalations on a cluster, the
 * shortest cluster-wide attack path to cluster-admin, else the cluster-write escalation's first path.
 */
export function shortestClusterAdminPath<Step>(
  escalations: readonly {
    to: EscalationTarget;
    route: EscalationRoute;
    paths: readonly (readonly Step[])[];
    hops?: number;
    namespace?: string | null;
    alternative?: boolean;
  }[],
  /** the route listed beside the shortest instead (null when there is none) */
  beside = false,
): readonly Step[] | null {
  const attack = escalations
    .filter(
      (escalation) =>
        escalation.route === "attack-path" &&
        escalation.to === "cluster-admin" &&
        (escalation.namespace ?? null) === null &&
        (escalation.alternative === true) === beside &&
        escalation.paths.length > 0,
    )
    .sort((a, b) => (a.hops ?? Number.POSITIVE_INFINITY) - (b.hops ?? Number.POSITIVE_INFINITY))[0];
  if (attack) return [...attack.paths].sort((a, b) => a.length - b.length)[0];
  if (beside) return null;
  const write = escalations.find(
    (escalation) => escalation.to === "cluster-write" && escalation.paths.length > 0,
  );
  return write ? write.paths[0] : null;
}
