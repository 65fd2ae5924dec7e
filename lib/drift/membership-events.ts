import { type AccessLevel, type AccessPrincipal, accessLevelSchema, type PathStep } from "@/lib/access/types";
import {
  directoryOwnershipSchema,
  groupEligibilitySchema,
  groupMembershipSchema,
} from "@/lib/model/directory";
import { levelRank } from "@/lib/queries/stored-records";
import type { ChangedRecord } from "./changed-records";
import { principalLabel } from "./events";
import type { LabelBook } from "./labels";
import { driftObjectHref, principalHref } from "./links";
import { SEVERITY_RANK } from "./severity";
import { type DriftEvent, driftSubjectSchema } from "./types";

// Issue 15: a user joining a group is ONE drift event — "User Howard gained cluster-admin on 40 clusters
// through joining platform-admins" — not one per grant the group brings. Decided on what readers see (the
// expanded access, lib/drift/changed-records.ts), so it does not depend on how access was stored.
//
// A member's access change is folded into its membership event when it is explained by the membership
// alone: the member joined (left) the group between the two scans, the row appeared (disappeared), every
// one of its paths goes through that group (step 2 is "member of <group>"), and the group's own row of the
// same grant did not change (were it new too, the group's change is the news, and stays its own event).
//
// The other directory edges a path can start with are folded alike, into the edge's own event, when it began or
// ended in the range:
// - an eligible membership or ownership (PIM for Groups): Howard made an eligible member of the AKS admin group is
//   "Howard became eligible for membership of group aks-admins …: eligible for cluster-admin on 40 clusters",
//   not that plus forty `access.eligible` events. The member's eligible grants and attack paths give that step
//   as step 2 (`groupEligibility`, whose id is the eligibility record's key: lib/access/paths.ts,
//   lib/model/records.ts).
// - an ownership of a group, application or service principal: "Faye became owner of group aks-admins …: can
//   become cluster-admin on 5 clusters", not that plus five `escalation.gained` (step 2 `directoryOwnership`, id
//   the owned object's). Folded only when the ownership event names that one owner (one owner added or removed).
//
// And the converse: a group's access that changed (a binding to it, a role assignment) changes every member's
// the same way; the members' rows that only the group's change explains (every path through the group, before
// and after; the group's row of the same grant changed the same way; the member did not join or leave it) join
// the group's event — one event for a binding to a group of thousands, not thousands.

/** What the folds read of an access row's data (a grant's or an escalation's, lib/access/records.ts). */
type AccessEnd = {
  principal: AccessPrincipal;
  cluster: { id: string; name: string };
  level?: string;
  to?: string;
  paths: PathStep[][];
};

/**
 * An access row's data as the folds read it, or null for another shape. Read in place, not parsed into a copy:
 * drift compares every changed access row, hundreds of thousands after a change to a large group.
 */
function accessEnd(data: unknown): AccessEnd | null {
  if (!data || typeof data !== "object") return null;
  const end = data as Partial<AccessEnd>;
  return typeof end.principal?.id === "string" &&
    typeof end.cluster?.id === "string" &&
    typeof end.cluster.name === "string" &&
    Array.isArray(end.paths)
    ? (end as AccessEnd)
    : null;
}

const levelOf = (value: string | undefined): AccessLevel | undefined => {
  const level = accessLevelSchema.safeParse(value);
  return level.success ? level.data : undefined;
};

type Direction = "joined" | "left";
/** the directory edge a member's access starts with (its step 2) */
type Via = "membership" | "eligibility" | "ownership";
/** a member's edge that began or ended: its access is folded into one event (`into`: the edge's own event) */
type Move = { direction: Direction; via: Via; groupId: string; into?: number };
type Fold = Move & {
  member: AccessPrincipal;
  events: DriftEvent[];
  clusters: Set<string>;
  levels: AccessLevel[];
  /** what the folded attack paths and escalations reach, when it is a level */
  reaches: AccessLevel[];
};

const STEP_KINDS: Record<Via, PathStep["kind"]> = {
  membership: "groupMembership",
  eligibility: "groupEligibility",
  ownership: "directoryOwnership",
};
const VIA_OF_STEP = new Map(Object.entries(STEP_KINDS).map(([via, kind]) => [kind, via as Via]));

const throughStep = (paths: readonly PathStep[][], step: PathStep) =>
  paths.length > 0 && paths.every((path) => path[1]?.kind === step.kind && path[1].id === step.id);

/** A member's move, keyed as its path's step 2 names it: the step's kind and id, and the member. */
const moveKey = (via: Via, stepId: string, memberId: string) => `${via}|${stepId}|${memberId}`;

/** The group's own key for a member's access key `<cluster>|<member>|<rest>`. */
const groupKey = (key: string, clusterId: string, memberId: string, groupId: string) =>
  `${clusterId}|${groupId}${key.slice(clusterId.length + 1 + memberId.length)}`;

/** The directory edges that began or ended between the two scans, by moveKey. */
function directoryMoves(changes: readonly ChangedRecord[]): Map<string, Move> {
  const moved = new Map<string, Move>();
  const listed = (data: unknown, schema: typeof groupMembershipSchema | typeof directoryOwnershipSchema) => {
    const parsed = schema.safeParse(data);
    if (!parsed.success) return new Set<string>();
    return new Set("memberIds" in parsed.data ? parsed.data.memberIds : parsed.data.ownerIds);
  };
  for (const [index, change] of changes.entries()) {
    if (change.kind === "groupMembership") {
      const was = listed(change.before?.data, groupMembershipSchema);
      const is = listed(change.after?.data, groupMembershipSchema);
      const groupId = change.naturalKey;
      for (const id of is)
        if (!was.has(id))
          moved.set(moveKey("membership", groupId, id), { direction: "joined", via: "membership", groupId });
      for (const id of was)
        if (!is.has(id))
          moved.set(moveKey("membership", groupId, id), { direction: "left", via: "membership", groupId });
    } else if (change.kind === "groupEligibility") {
      // Only an eligibility that began or ended moves anyone (a changed end date does not).
      if ((change.before === null) === (change.after === null)) continue;
      const eligibility = groupEligibilitySchema.safeParse((change.after ?? change.before)?.data);
      if (!eligibility.success) continue;
      moved.set(moveKey("eligibility", change.naturalKey, eligibility.data.principalId), {
        direction: change.after ? "joined" : "left",
        via: "eligibility",
        groupId: eligibility.data.groupId,
        into: index,
      });
    } else if (change.kind === "directoryOwnership") {
      const was = listed(change.before?.data, directoryOwnershipSchema);
      const is = listed(change.after?.data, directoryOwnershipSchema);
      const added = [...is].filter((id) => !was.has(id));
      const removed = [...was].filter((id) => !is.has(id));
      // The ownership event names every owner it adds and removes: fold into it only when it names one.
      if (added.length + removed.length !== 1) continue;
      const [ownerId, direction]: [string, Direction] =
        added.length === 1 ? [added[0], "joined"] : [removed[0], "left"];
      moved.set(moveKey("ownership", change.naturalKey, ownerId), {
        direction,
        via: "ownership",
        groupId: change.naturalKey,
        into: index,
      });
    }
  }
  return moved;
}

/**
 * `changes[i]` made `events[i]`; returns the events with the access changes that directory edges beginning or
 * ending explain folded: one event per member and group joined or left, and into the eligibility's or
 * ownership's own event; and members' access that their group's same change explains, into the group's event.
 */
export function foldMembershipEvents(
  changes: readonly ChangedRecord[],
  events: readonly DriftEvent[],
  ctx: { from: bigint; to: bigint; labels: LabelBook },
): DriftEvent[] {
  const moved = directoryMoves(changes);
  const changeIndex = new Map(
    changes.map((change, index) => [`${change.kind}\u0000${change.naturalKey}`, index]),
  );

  const folds = new Map<string, Fold>();
  const folded = new Set<number>();
  for (const [index, change] of changes.entries()) {
    const fold = foldOf(change);
    if (!fold) continue;
    folded.add(index);
    let entry = folds.get(fold.id);
    if (!entry) {
      entry = { ...fold.move, member: fold.member, events: [], clusters: new Set(), levels: [], reaches: [] };
      folds.set(fold.id, entry);
    }
    entry.events.push(events[index]);
    entry.clusters.add(fold.clusterName);
    if (fold.level) entry.levels.push(fold.level);
    if (fold.reaches) entry.reaches.push(fold.reaches);
  }
  // What is left of members' access that only their group's same change explains joins the group's event.
  const byGroupEvent = new Map<number, { members: DriftEvent[]; names: string[] }>();
  for (const [index, change] of changes.entries()) {
    if (folded.has(index)) continue;
    const target = groupChangeOf(change);
    if (target === null || folded.has(target)) continue;
    folded.add(index);
    const entry = byGroupEvent.get(target) ?? { members: [], names: [] };
    entry.members.push(events[index]);
    entry.names.push(memberName(change));
    byGroupEvent.set(target, entry);
  }

  const replaced = new Map<number, DriftEvent>();
  for (const [index, { members, names }] of byGroupEvent)
    replaced.set(index, withMembers(events[index], members, names));
  for (const fold of folds.values())
    if (fold.into !== undefined)
      replaced.set(fold.into, edgeEvent(replaced.get(fold.into) ?? events[fold.into], fold));
  const kept: DriftEvent[] = [];
  for (const [index, event] of events.entries())
    if (!folded.has(index)) kept.push(replaced.get(index) ?? event);
  for (const fold of folds.values()) if (fold.into === undefined) kept.push(membershipEvent(fold, ctx));
  return kept;

  /**
   * The index of the group's own change that explains a member's access change: every path (before and after)
   * goes through one group as step 2, the member's place in it did not change, and the group's row of the same
   * grant changed the same way (appeared, went, or changed) in the same range.
   */
  function groupChangeOf(change: ChangedRecord): number | null {
    if (change.kind !== "access.grant" && change.kind !== "access.escalation") return null;
    const ends = [change.before, change.after].flatMap((end) => (end ? [accessEnd(end.data)] : []));
    const [first] = ends;
    if (!first || ends.some((end) => end === null)) return null;
    const step = first.paths[0]?.[1];
    if (step?.kind !== "groupMembership") return null;
    if (!ends.every((end) => end && throughStep(end.paths, step))) return null;
    if (moved.has(moveKey("membership", step.id, first.principal.id))) return null;
    const ownKey = groupKey(change.naturalKey, first.cluster.id, first.principal.id, step.id);
    const index = changeIndex.get(`${change.kind}\u0000${ownKey}`);
    if (index === undefined) return null;
    const own = changes[index];
    return (own.before === null) === (change.before === null) &&
      (own.after === null) === (change.after === null)
      ? index
      : null;
  }

  function memberName(change: ChangedRecord): string {
    return accessEnd((change.after ?? change.before)?.data)?.principal.displayName ?? change.naturalKey;
  }

  function foldOf(change: ChangedRecord) {
    if (moved.size === 0) return null;
    if (change.kind !== "access.grant" && change.kind !== "access.escalation") return null;
    if ((change.before === null) === (change.after === null)) return null;
    const end = accessEnd((change.after ?? change.before)?.data);
    if (!end) return null;
    const { principal, cluster, paths } = end;
    const step = paths[0]?.[1];
    const via = step && VIA_OF_STEP.get(step.kind);
    if (!step || !via || !throughStep(paths, step)) return null;
    const id = moveKey(via, step.id, principal.id);
    const move = moved.get(id);
    const direction: Direction = change.after ? "joined" : "left";
    if (move?.direction !== direction) return null;
    const ownKey = groupKey(change.naturalKey, cluster.id, principal.id, move.groupId);
    if (changeIndex.has(`${change.kind}\u0000${ownKey}`)) return null;
    return {
      id,
      move,
      member: principal,
      clusterName: cluster.name,
      level: change.kind === "access.grant" ? levelOf(end.level) : undefined,
      reaches: change.kind === "access.escalation" ? levelOf(end.to) : undefined,
    };
  }
}

/**
 * A folded event's subject, its label naming the cluster: a membership or an eligibility folds access on many
 * clusters, whose subjects' labels ("User Howard: cluster-admin via entra-admin-group") would read alike.
 */
const subjectWithCluster = (event: DriftEvent): DriftEvent["subject"] =>
  event.cluster
    ? { ...event.subject, label: `${event.subject.label} on ${event.cluster.name}` }
    : event.subject;

/** The worst of `start` and the events' severities. */
const worstSeverity = (start: DriftEvent["severity"], events: readonly DriftEvent[]) =>
  events.reduce(
    (worst, event) => (SEVERITY_RANK[event.severity] > SEVERITY_RANK[worst] ? event.severity : worst),
    start,
  );

/** A record's data with the subjects an event folds beside its fields (`foldedSubjects` reads them back). */
const withFolded = (data: unknown, field: "members" | "access", subjects: DriftEvent["subject"][]) =>
  data && typeof data === "object" ? { ...(data as Record<string, unknown>), [field]: subjects } : data;

const strongestOf = (levels: readonly AccessLevel[]): AccessLevel | undefined =>
  [...levels].sort((a, b) => levelRank(b) - levelRank(a))[0];

/** Where the folded access is, its strongest level, and the worst severity of the events it replaces. */
function foldSummary(fold: Fold, start: DriftEvent["severity"]) {
  const clusters = [...fold.clusters].sort();
  return {
    where: clusters.length === 1 ? clusters[0] : `${clusters.length} clusters`,
    strongest: strongestOf(fold.levels),
    strongestReach: strongestOf(fold.reaches),
    severity: worstSeverity(start, fold.events),
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
    access: fold.events.map(subjectWithCluster),
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
 * The eligibility's or ownership's own event with the member's access it explains: what it gives (or gave) on
 * which clusters, the worst severity of all, and the access listed beside the record's data.
 */
function edgeEvent(event: DriftEvent, fold: Fold): DriftEvent {
  const { where, strongest, strongestReach, severity, count } = foldSummary(fold, event.severity);
  const joined = fold.direction === "joined";
  const activated = fold.via === "eligibility" ? " once it is activated" : "";
  const what = strongest
    ? `${joined ? "eligible" : "no longer eligible"} for ${strongest} on ${where}`
    : strongestReach
      ? `${joined ? "can become" : "can no longer become"} ${strongestReach} on ${where}${activated}`
      : `${joined ? "can escalate" : "can no longer escalate"} on ${where}${activated}`;
  const access = fold.events.map(subjectWithCluster);
  return {
    ...event,
    severity,
    message: `${event.message}: ${what}${count}`,
    before: joined ? event.before : withFolded(event.before, "access", access),
    after: joined ? withFolded(event.after, "access", access) : event.after,
  };
}

/**
 * A group's access event with its members' same change: "Group platform-admins gained cluster-admin on aks-1
 * through kubernetes-rbac; the same for 40 of its members (Ann, Bob, Carol and 37 more)", the worst severity of
 * all, and the members' access listed beside the group's record (`members`).
 */
function withMembers(
  event: DriftEvent,
  members: readonly DriftEvent[],
  names: readonly string[],
): DriftEvent {
  const sorted = [...names].sort((a, b) => a.localeCompare(b));
  const shown = sorted.slice(0, 3).join(", ");
  const who = sorted.length > 3 ? `${shown} and ${sorted.length - 3} more` : shown;
  const subjects = members.map((member) => member.subject);
  return {
    ...event,
    severity: worstSeverity(event.severity, members),
    message: `${event.message}; the same for ${members.length === 1 ? "1 of its members" : `${members.length} of its members`} (${who})`,
    before: withFolded(event.before, "members", subjects),
    after: withFolded(event.after, "members", subjects),
  };
}

/**
 * The changes an event reports inside it: its members' same change (a group's event, `members`) or the access a
 * membership, eligibility or ownership gave or took (`access`). Empty for an event that folds nothing.
 */
export function foldedSubjects(event: DriftEvent): {
  via: "members" | "access";
  subjects: DriftEvent["subject"][];
} {
  const end = event.after ?? event.before;
  if (!end || typeof end !== "object") return { via: "access", subjects: [] };
  const { members, access } = end as { members?: unknown; access?: unknown };
  const subjects = (list: unknown) =>
    Array.isArray(list)
      ? list.filter(
          (subject): subject is DriftEvent["subject"] => driftSubjectSchema.safeParse(subject).success,
        )
      : [];
  if (Array.isArray(members)) return { via: "members", subjects: subjects(members) };
  return { via: "access", subjects: subjects(access) };
}
