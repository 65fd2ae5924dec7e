import { z } from "zod";
import {
  type AccessLevel,
  accessLevelSchema,
  accessPrincipalSchema,
  type PathStep,
  pathStepSchema,
} from "@/lib/access/types";
import { groupMembershipSchema } from "@/lib/model/directory";
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

const accessEndSchema = z.object({
  principal: accessPrincipalSchema,
  cluster: z.object({ id: z.string(), name: z.string() }),
  level: accessLevelSchema.optional(),
  to: z.string().optional(),
  paths: z.array(z.array(pathStepSchema)),
});

type Direction = "joined" | "left";
type Fold = {
  direction: Direction;
  groupId: string;
  member: z.infer<typeof accessPrincipalSchema>;
  events: DriftEvent[];
  clusters: Set<string>;
  levels: AccessLevel[];
};

const throughGroup = (paths: readonly PathStep[][], groupId: string) =>
  paths.length > 0 && paths.every((path) => path[1]?.kind === "groupMembership" && path[1].id === groupId);

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
  for (const change of changes) {
    if (change.kind !== "groupMembership") continue;
    const before = groupMembershipSchema.safeParse(change.before?.data);
    const after = groupMembershipSchema.safeParse(change.after?.data);
    const was = new Set(before.success ? before.data.memberIds : []);
    const is = new Set(after.success ? after.data.memberIds : []);
    for (const id of is) if (!was.has(id)) moved.set(`${change.naturalKey}|${id}`, "joined");
    for (const id of was) if (!is.has(id)) moved.set(`${change.naturalKey}|${id}`, "left");
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
    const id = `${fold.direction}|${fold.groupId}|${fold.member.id}`;
    let entry = folds.get(id);
    if (!entry) {
      entry = { ...fold, events: [], clusters: new Set(), levels: [] };
      folds.set(id, entry);
    }
    entry.events.push(event);
    entry.clusters.add(fold.clusterName);
    if (fold.level) entry.levels.push(fold.level);
  }
  for (const fold of folds.values()) kept.push(membershipEvent(fold, ctx));
  return kept;

  function foldOf(change: ChangedRecord) {
    if (change.kind !== "access.grant" && change.kind !== "access.escalation") return null;
    if ((change.before === null) === (change.after === null)) return null;
    const end = accessEndSchema.safeParse((change.after ?? change.before)?.data);
    if (!end.success) return null;
    const { principal, cluster, paths } = end.data;
    const groupId = paths[0]?.[1]?.id;
    if (!groupId || !throughGroup(paths, groupId)) return null;
    const direction: Direction = change.after ? "joined" : "left";
    if (moved.get(`${groupId}|${principal.id}`) !== direction) return null;
    const ownKey = groupKey(change.naturalKey, cluster.id, principal.id, groupId);
    if (changedKeys.has(`${change.kind}\u0000${ownKey}`)) return null;
    return {
      direction,
      groupId,
      member: principal,
      clusterName: cluster.name,
      level: change.kind === "access.grant" ? end.data.level : undefined,
    };
  }
}

function membershipEvent(fold: Fold, ctx: { from: bigint; to: bigint; labels: LabelBook }): DriftEvent {
  const who = principalLabel(fold.member);
  const group = ctx.labels.principalName(fold.groupId) ?? fold.groupId;
  const clusters = [...fold.clusters].sort();
  const where = clusters.length === 1 ? clusters[0] : `${clusters.length} clusters`;
  const strongest = [...fold.levels].sort((a, b) => levelRank(b) - levelRank(a))[0];
  const joined = fold.direction === "joined";
  const what = strongest
    ? `${joined ? "gained" : "lost"} ${strongest} on ${where}`
    : `${joined ? "can now escalate" : "can no longer escalate"} on ${where}`;
  const severity = fold.events.reduce<DriftEvent["severity"]>(
    (worst, event) => (SEVERITY_RANK[event.severity] > SEVERITY_RANK[worst] ? event.severity : worst),
    "info",
  );
  const membership = {
    group: { id: fold.groupId, displayName: group },
    member: fold.member,
    /** the grants and escalations the membership brings (or took away) */
    access: fold.events.map((event) => event.subject),
  };
  const count = fold.events.length === 1 ? "" : ` (${fold.events.length} grants and escalations)`;
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
