import { z } from "zod";
import {
  type AccessLevel,
  accessLevelSchema,
  accessPrincipalSchema,
  type PathStep,
  pathStepSchema,
} from "@/lib/access/types";
import { groupEligibilitySchema, groupMembershipSchema } from "@/lib/model/directory";
import { levelRank } from "@/lib/queries/stored-records";
import type { ChangedRecord } from "./changed-records";
import { principalLabel } from "./events";
import type { LabelBook } from "./labels";
import { driftObjectHref, principalHref } from "./links";
import { SEVERITY_RANK } from "./severity";
import type { DriftEvent } from "./types";

// Issue 15: a user joining a group is ONE drift event — "User Howard gained cluster-admin on 40 clusters
// through joining platform-admins" — not one per grant the group brings. Decided on what readers see (the
// expanded access, lib/drift/changed-records.ts), so it does not depend on how access was stored.
//
// A member's access change is folded into its membership event when it is explained by the membership
// alone: the member joined (left) the group between the two scans, the row appeared (disappeared), every
// one of its paths goes through that group (step 2 is "member of <group>"), and the group's own row of the
// same grant did not change (were it new too, the group's change is the news, and stays its own event).
//
// An eligible membership (PIM for Groups) is folded alike, into the eligibility's own event: Howard made
// eligible for the AKS admin group is "Howard became eligible for membership of group aks-admins … : eligible
// for cluster-admin on 40 clusters", not that plus forty `access.eligible` events. The member's eligible grants
// give that step as step 2 (`groupEligibility`, whose id is the eligibility record's key: lib/access/paths.ts,
// lib/model/records.ts), so the same test applies.

const accessEndSchema = z.object({
  principal: accessPrincipalSchema,
  cluster: z.object({ id: z.string(), name: z.string() }),
  level: accessLevelSchema.optional(),
  to: z.string().optional(),
  paths: z.array(z.array(pathStepSchema)),
});

type Direction = "joined" | "left";
/** how the member is in the group: a membership, or an eligible membership (PIM for Groups) */
type Via = "membership" | "eligibility";
type Fold = {
  direction: Direction;
  via: Via;
  groupId: string;
  member: z.infer<typeof accessPrincipalSchema>;
  events: DriftEvent[];
  clusters: Set<string>;
  levels: AccessLevel[];
};

const throughStep = (paths: readonly PathStep[][], step: PathStep) =>
  paths.length > 0 && paths.every((path) => path[1]?.kind === step.kind && path[1].id === step.id);

/** The key of a member's move into or out of a group, as the scans' records say and as a path's step 2 says. */
const moveKey = (via: Via, groupId: string, memberId: string) =>
  via === "membership" ? `${groupId}|${memberId}` : eligibilityKey(groupId, memberId);

/** An eligible membership's record key and its path step's id (both `<group>:member:<principal>`). */
const eligibilityKey = (groupId: string, memberId: string) => `${groupId}:member:${memberId}`;

/** The group and member an eligible membership's step names, or null for another step. */
function stepMove(step: PathStep | undefined, memberId: string): { via: Via; groupId: string } | null {
  if (step?.kind === "groupMembership") return { via: "membership", groupId: step.id };
  const suffix = `:member:${memberId}`;
  if (step?.kind === "groupEligibility" && step.id.endsWith(suffix))
    return { via: "eligibility", groupId: step.id.slice(0, -suffix.length) };
  return null;
}

/** The group's own key for a member's access key `<cluster>|<member>|<rest>`. */
const groupKey = (key: string, clusterId: string, memberId: string, groupId: string) =>
  `${clusterId}|${groupId}${key.slice(clusterId.length + 1 + memberId.length)}`;

/**
 * `changes[i]` made `events[i]`; returns the events with the access changes membership changes explain
 * replaced by one event per member and group.
 */
export function foldMembershipEvents(
  changes: readonly ChangedRecord[],
  events: readonly DriftEvent[],
  ctx: { from: bigint; to: bigint; labels: LabelBook },
): DriftEvent[] {
  const moved = new Map<string, Direction>();
  /** an eligible membership's event, by its record key: the one its member's access is folded into */
  const eligibilityEvents = new Map<string, number>();
  for (const [index, change] of changes.entries()) {
    if (change.kind === "groupEligibility") {
      // Only an eligibility that began or ended moves anyone (a changed end date does not).
      if ((change.before === null) === (change.after === null)) continue;
      const eligibility = groupEligibilitySchema.safeParse((change.after ?? change.before)?.data);
      if (!eligibility.success || eligibility.data.accessId !== "member") continue;
      const key = eligibilityKey(eligibility.data.groupId, eligibility.data.principalId);
      moved.set(key, change.after ? "joined" : "left");
      eligibilityEvents.set(key, index);
      continue;
    }
    if (change.kind !== "groupMembership") continue;
    const before = groupMembershipSchema.safeParse(change.before?.data);
    const after = groupMembershipSchema.safeParse(change.after?.data);
    const was = new Set(before.success ? before.data.memberIds : []);
    const is = new Set(after.success ? after.data.memberIds : []);
    for (const id of is) if (!was.has(id)) moved.set(moveKey("membership", change.naturalKey, id), "joined");
    for (const id of was) if (!is.has(id)) moved.set(moveKey("membership", change.naturalKey, id), "left");
  }
  if (moved.size === 0) return [...events];
  const changedKeys = new Set(changes.map((change) => `${change.kind}\u0000${change.naturalKey}`));

  const folds = new Map<string, Fold>();
  const kept: DriftEvent[] = [];
  for (const [index, change] of changes.entries()) {
    const event = events[index];
    const fold = foldOf(change);
    if (!fold) {
      kept.push(event);
      continue;
    }
    const id = `${fold.direction}|${fold.via}|${fold.groupId}|${fold.member.id}`;
    let entry = folds.get(id);
    if (!entry) {
      entry = { ...fold, events: [], clusters: new Set(), levels: [] };
      folds.set(id, entry);
    }
    entry.events.push(event);
    entry.clusters.add(fold.clusterName);
    if (fold.level) entry.levels.push(fold.level);
  }
  const replaced = new Map<DriftEvent, DriftEvent>();
  for (const fold of folds.values()) {
    if (fold.via === "membership") {
      kept.push(membershipEvent(fold, ctx));
      continue;
    }
    const index = eligibilityEvents.get(eligibilityKey(fold.groupId, fold.member.id));
    if (index === undefined) kept.push(...fold.events);
    else replaced.set(events[index], eligibilityEvent(events[index], fold));
  }
  return replaced.size === 0 ? kept : kept.map((event) => replaced.get(event) ?? event);

  function foldOf(change: ChangedRecord) {
    if (change.kind !== "access.grant" && change.kind !== "access.escalation") return null;
    if ((change.before === null) === (change.after === null)) return null;
    const end = accessEndSchema.safeParse((change.after ?? change.before)?.data);
    if (!end.success) return null;
    const { principal, cluster, paths } = end.data;
    const step = paths[0]?.[1];
    const move = stepMove(step, principal.id);
    if (!step || !move || !throughStep(paths, step)) return null;
    const { via, groupId } = move;
    const direction: Direction = change.after ? "joined" : "left";
    if (moved.get(moveKey(via, groupId, principal.id)) !== direction) return null;
    const ownKey = groupKey(change.naturalKey, cluster.id, principal.id, groupId);
    if (changedKeys.has(`${change.kind}\u0000${ownKey}`)) return null;
    return {
      direction,
      via,
      groupId,
      member: principal,
      clusterName: cluster.name,
      level: change.kind === "access.grant" ? end.data.level : undefined,
    };
  }
}

/** Where the folded access is, its strongest level, and the worst severity of the events it replaces. */
function foldSummary(fold: Fold, start: DriftEvent["severity"]) {
  const clusters = [...fold.clusters].sort();
  return {
    where: clusters.length === 1 ? clusters[0] : `${clusters.length} clusters`,
    strongest: [...fold.levels].sort((a, b) => levelRank(b) - levelRank(a))[0] as AccessLevel | undefined,
    severity: fold.events.reduce<DriftEvent["severity"]>(
      (worst, event) => (SEVERITY_RANK[event.severity] > SEVERITY_RANK[worst] ? event.severity : worst),
      start,
    ),
    count: fold.events.length === 1 ? "" : ` (${fold.events.length} grants and escalations)`,
  };
}

function membershipEvent(fold: Fold, ctx: { from: bigint; to: bigint; labels: LabelBook }): DriftEvent {
  const who = principalLabel(fold.member);
  const group = ctx.labels.principalName(fold.groupId) ?? fold.groupId;
  const { where, strongest, severity, count } = foldSummary(fold, "info");
  const joined = fold.direction === "joined";
  const what = strongest
    ? `${joined ? "gained" : "lost"} ${strongest} on ${where}`
    : `${joined ? "can now escalate" : "can no longer escalate"} on ${where}`;
  const membership = {
    group: { id: fold.groupId, displayName: group },
    member: fold.member,
    /** the grants and escalations the membership brings (or took away) */
    access: fold.events.map((event) => event.subject),
  };
  const single = new Set(fold.events.map((event) => event.cluster?.id ?? null));
  return {
    kind: joined ? "access.gained" : "access.lost",
    severity,
    message: `${who} ${what} through ${joined ? "joining" : "leaving"} ${group}${count}`,
    cluster: single.size === 1 ? (fold.events[0].cluster ?? null) : null,
    subject: {
      kind: "access.membership",
      key: `${fold.groupId}|${fold.member.id}`,
      label: `${who} in ${group}`,
    },
    before: joined ? null : membership,
    after: joined ? membership : null,
    changes: [],
    links: [
      { label: who, href: principalHref(fold.member.id) },
      { label: `Group ${group}`, href: principalHref(fold.groupId) },
      {
        label: "Group membership versions",
        href: driftObjectHref({ kind: "groupMembership", key: fold.groupId, from: ctx.from, to: ctx.to }),
      },
    ],
  };
}

/**
 * The eligibility's own event with the member's access it explains: the eligible levels on the clusters (or the
 * ones it no longer gives), the worst severity of both, and the access listed beside the record's data.
 */
function eligibilityEvent(event: DriftEvent, fold: Fold): DriftEvent {
  const { where, strongest, severity, count } = foldSummary(fold, event.severity);
  const joined = fold.direction === "joined";
  const what = strongest
    ? `${joined ? "eligible" : "no longer eligible"} for ${strongest} on ${where}`
    : `${joined ? "can escalate" : "can no longer escalate"} on ${where} once it is activated`;
  const access = fold.events.map((folded) => folded.subject);
  const withAccess = (data: unknown) =>
    data && typeof data === "object" ? { ...(data as Record<string, unknown>), access } : data;
  return {
    ...event,
    severity,
    message: `${event.message}: ${what}${count}`,
    before: joined ? event.before : withAccess(event.before),
    after: joined ? withAccess(event.after) : event.after,
  };
}
