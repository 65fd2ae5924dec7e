import { z } from "zod";
import {
  type AccessPrincipal,
  accessPrincipalSchema,
  type PathStep,
  pathStepSchema,
} from "@/lib/access/types";
import type { SnapshotRecordInput } from "@/lib/model/records";
import { ANALYSIS_SOURCE } from "@/lib/model/sources";
import { GUID_PATTERN } from "@/lib/model/wire/common";

// Group-level storage (docs/scanner.md, "Group-level storage"). Access reached through a group is
// stored once, on the group, and each transitive membership is a record of its own; readers expand a
// member's rows from the group's row and the membership (lib/queries/expanded-access.ts does it in SQL,
// `deriveMemberRecord` below in TS — both produce the same JSON). A member's row is left out of storage
// only when that expansion reproduces it exactly; otherwise it is stored and, being stored, wins over the
// expansion. Where the expansion would invent a row the engine did not produce (a deny assignment that
// excludes one member, say), an `access.absent` record says so.

export const MEMBERSHIP_KIND = "access.membership";
export const ABSENT_KIND = "access.absent";
/** The access kinds a group's row expands into its members' rows. */
export const EXPANDED_KINDS = ["access.grant", "access.escalation"] as const;
export type ExpandedKind = (typeof EXPANDED_KINDS)[number];

/** A transitive membership as the scan resolved it: who the member is, and the steps its paths start with. */
export const accessMembershipDataSchema = z.object({
  group: accessPrincipalSchema,
  member: accessPrincipalSchema,
  /** replaces the first step (the group itself) of each of the group's paths */
  prefix: z.array(pathStepSchema),
});
export type AccessMembershipData = z.infer<typeof accessMembershipDataSchema>;

/** "The expansion of a group's row would give this member a row the engine did not produce." */
export const accessAbsentDataSchema = z.object({ kind: z.enum(EXPANDED_KINDS), naturalKey: z.string() });
export type AccessAbsentData = z.infer<typeof accessAbsentDataSchema>;

export function membershipKey(groupId: string, memberId: string): string {
  return `${groupId}|${memberId}`;
}

export function absentKey(kind: ExpandedKind, naturalKey: string): string {
  return `${kind}|${naturalKey}`;
}

export type Member = { principal: AccessPrincipal; prefix: PathStep[] };

type AccessRecordData = {
  cluster: { id: string };
  principal: AccessPrincipal;
  paths: PathStep[][];
  hops?: number;
};

/**
 * The natural key a group's row gives a member: `<cluster>|<principal>|…` with the member in place of the
 * group (accessGrantKey in lib/access/records.ts).
 */
export function memberNaturalKey(groupKey: string, clusterId: string, groupId: string, memberId: string) {
  return `${clusterId}|${memberId}${groupKey.slice(clusterId.length + 1 + groupId.length)}`;
}

/** The member's record as the readers expand it from the group's record. */
export function deriveMemberRecord(group: SnapshotRecordInput, member: Member): SnapshotRecordInput {
  const data = group.data as AccessRecordData;
  return {
    ...group,
    naturalKey: memberNaturalKey(group.naturalKey, data.cluster.id, data.principal.id, member.principal.id),
    data: {
      ...data,
      principal: member.principal,
      paths: data.paths.map((path) => [...member.prefix, ...path.slice(1)]),
    },
  };
}

const isExpandedKind = (kind: string): kind is ExpandedKind =>
  (EXPANDED_KINDS as readonly string[]).includes(kind);

export interface CollapsedRecords {
  /** what to store: group rows, members' rows the expansion does not reproduce, absent markers */
  records: SnapshotRecordInput[];
  /** members' rows left out because the expansion reproduces them */
  dropped: number;
  /** of those, attack paths several group rows expand to (the preferred one reproduces them) */
  preferred: number;
  /** the groups whose rows are stored (their memberships must be stored too) */
  groups: Set<string>;
}

/**
 * An attack path (route `attack-path`) is one path, the shortest: where several of a member's groups have a
 * row of the same key, the member's is the expansion of the one with the fewest hops, the lower group id
 * (bytewise) between equals — the rule readers apply (the `DISTINCT ON` of lib/queries/expanded-access.ts)
 * and the writer checks. Every account is in the tenant's sign-in group and many in a team group with a
 * longer path to the same level: 225 thousand of 580 thousand members' rows on bench/pages' 500-cluster
 * tenant were stored only because a second group expanded to them. Other rows hold every path of every
 * group, which no single expansion gives, and stay stored when two groups expand to them.
 */
export const ATTACK_PATH_KEY_SUFFIX = "|attack-path";

export function isRankedDerivation(kind: string, naturalKey: string): boolean {
  return kind === "access.escalation" && naturalKey.endsWith(ATTACK_PATH_KEY_SUFFIX);
}

/** The rank of a group's row among those expanding to the same member key: fewer hops, then group id. */
function precedes(a: AccessRecordData, b: AccessRecordData): boolean {
  const hopsA = a.hops ?? 0;
  const hopsB = b.hops ?? 0;
  return hopsA < hopsB || (hopsA === hopsB && a.principal.id < b.principal.id);
}

/**
 * One batch's access records in group-level storage. `membersOf` gives a group's transitive members with
 * their path prefix (reachThroughGroups without the group itself). Rows of groups are always kept, so the
 * readers' expansion has a single level; a member's row is dropped only when the expansion readers take
 * is the same JSON: the one stored group row that expands to it, or, for an attack path, the preferred of
 * several (isRankedDerivation).
 */
export function collapseGroupRecords(
  records: readonly SnapshotRecordInput[],
  membersOf: (group: AccessPrincipal) => readonly Member[],
): CollapsedRecords {
  // A group's row and the rows it expands to differ only in the principal: keyed by the rest of the
  // natural key ("shape") and then by principal, a member is one lookup by its id, a string whose hash is
  // computed once, instead of a natural key built and hashed per member (the tenant's sign-in group has
  // every account as a member). The same rows match as comparing whole natural keys would: principal ids
  // hold no "|".
  const byShape = new Map<string, Map<string, SnapshotRecordInput>>();
  /** each expanded record's shape (undefined: its key is not `<cluster>|<principal>…`, no expansion gives it) */
  const shapeOfRecord: (string | undefined)[] = [];
  const shapes = new Map<string, { kind: ExpandedKind; clusterId: string; rest: string }>();
  const shapeKey = (kind: ExpandedKind, clusterId: string, rest: string) => {
    const key = `${kind}\u0000${clusterId}\u0000${rest}`;
    if (!shapes.has(key)) shapes.set(key, { kind, clusterId, rest });
    return key;
  };
  for (const record of records) {
    let shape: string | undefined;
    if (isExpandedKind(record.kind)) {
      const { cluster, principal } = record.data as AccessRecordData;
      const key = record.naturalKey;
      const at = cluster.id.length + 1;
      if (key.startsWith(cluster.id) && key[at - 1] === "|" && key.startsWith(principal.id, at)) {
        shape = shapeKey(record.kind, cluster.id, key.slice(at + principal.id.length));
        let rows = byShape.get(shape);
        if (!rows) {
          rows = new Map();
          byShape.set(shape, rows);
        }
        rows.set(principal.id, record);
      }
    }
    shapeOfRecord.push(shape);
  }
  type Derivation = {
    shape: string;
    memberId: string;
    count: number;
    /** several derivations may stand: readers take the preferred one */
    ranked: boolean;
    /** the group row and membership readers expand this member's row from */
    group: AccessRecordData;
    member: Member;
    clusterId: string | null;
  };
  const derivations = new Map<string, Map<string, Derivation>>();
  /** in the order first derived (the order the absent markers are written in) */
  const derived: Derivation[] = [];
  const groups = new Set<string>();
  for (const record of records) {
    if (!isExpandedKind(record.kind)) continue;
    const data = record.data as AccessRecordData;
    const principal = data.principal;
    // Readers find a group's rows by the 36 characters of a GUID after the cluster id (expanded-access.ts): a
    // group whose id is anything else (no Entra group — object ids are GUIDs — but a model built by hand)
    // keeps its members' rows, or they would be dropped here and never expanded there.
    if (principal.kind !== "Group" || !GUID_PATTERN.test(principal.id)) continue;
    const members = membersOf(principal);
    if (members.length === 0) continue;
    groups.add(principal.id);
    // memberNaturalKey's rest: what follows the group in the group's key
    const shape = shapeKey(
      record.kind,
      data.cluster.id,
      record.naturalKey.slice(data.cluster.id.length + 1 + principal.id.length),
    );
    let ofShape = derivations.get(shape);
    if (!ofShape) {
      ofShape = new Map();
      derivations.set(shape, ofShape);
    }
    const ranked = isRankedDerivation(record.kind, record.naturalKey);
    for (const member of members) {
      const memberId = member.principal.id;
      const seen = ofShape.get(memberId);
      if (seen) {
        seen.count++;
        if (ranked && precedes(data, seen.group)) {
          seen.group = data;
          seen.member = member;
        }
        continue;
      }
      const derivation: Derivation = {
        shape,
        memberId,
        count: 1,
        ranked,
        group: data,
        member,
        clusterId: record.clusterId,
      };
      ofShape.set(memberId, derivation);
      derived.push(derivation);
    }
  }
  const kept: SnapshotRecordInput[] = [];
  let dropped = 0;
  let preferred = 0;
  records.forEach((record, index) => {
    const shape = shapeOfRecord[index];
    const principal = (record.data as AccessRecordData).principal;
    const derivation = shape === undefined ? undefined : derivations.get(shape)?.get(principal.id);
    // A group's own row stays even when a parent group's row reproduces it: the readers expand stored
    // group rows only, one level deep, and the derivations above counted it as one.
    const isGroup = principal?.kind === "Group";
    if (
      derivation &&
      (derivation.count === 1 || derivation.ranked) &&
      !isGroup &&
      // the member's row is compared with the expansion without building it
      expandsTo(record.data, derivation.group, derivation.member)
    ) {
      dropped++;
      if (derivation.count > 1) preferred++;
    } else kept.push(record);
  });
  for (const derivation of derived) {
    if (byShape.get(derivation.shape)?.has(derivation.memberId)) continue;
    const { kind, clusterId, rest } = shapes.get(derivation.shape) as NonNullable<
      ReturnType<typeof shapes.get>
    >;
    const naturalKey = `${clusterId}|${derivation.memberId}${rest}`;
    kept.push({
      kind: ABSENT_KIND,
      naturalKey: absentKey(kind, naturalKey),
      source: ANALYSIS_SOURCE,
      clusterId: derivation.clusterId,
      data: { kind, naturalKey } satisfies AccessAbsentData,
    });
  }
  return { records: kept, dropped, preferred, groups };
}

/** The membership records of `groups`, one per transitive member. */
export function membershipRecords(
  groups: Iterable<AccessPrincipal>,
  membersOf: (group: AccessPrincipal) => readonly Member[],
): SnapshotRecordInput[] {
  const records: SnapshotRecordInput[] = [];
  for (const group of groups) {
    for (const member of membersOf(group)) {
      records.push({
        kind: MEMBERSHIP_KIND,
        naturalKey: membershipKey(group.id, member.principal.id),
        source: ANALYSIS_SOURCE,
        clusterId: null,
        data: { group, member: member.principal, prefix: member.prefix } satisfies AccessMembershipData,
      });
    }
  }
  return records;
}

/**
 * Whether `stored` is the same JSON document as the member's row the group's row expands to —
 * `sameJson(stored, deriveMemberRecord(group, member).data)` — without building that row: a batch compares
 * every member of every group row (the sign-in group's are every account), and the rows built only to be
 * compared were most of the comparison's time and garbage.
 */
export function expandsTo(stored: unknown, group: AccessRecordData, member: Member): boolean {
  if (typeof stored !== "object" || stored === null || Array.isArray(stored)) return false;
  const row = stored as Record<string, unknown>;
  const groupRow = group as unknown as Record<string, unknown>;
  let storedKeys = 0;
  for (const key of Object.keys(row)) {
    const value = row[key];
    if (value === undefined) continue;
    storedKeys++;
    if (key === "principal") {
      if (!sameJson(value, member.principal)) return false;
    } else if (key === "paths") {
      if (!expandedPathsAre(value, group.paths, member.prefix)) return false;
    } else if (!Object.hasOwn(groupRow, key) || !sameJson(value, groupRow[key])) return false;
  }
  // the expansion's keys: the group row's, with the principal and the paths (never undefined) replaced
  let expandedKeys = 2;
  for (const key of Object.keys(groupRow))
    if (key !== "principal" && key !== "paths" && groupRow[key] !== undefined) expandedKeys++;
  return storedKeys === expandedKeys;
}

/** `sameJson(stored, paths.map((path) => [...prefix, ...path.slice(1)]))`, without the copies. */
function expandedPathsAre(
  stored: unknown,
  paths: readonly PathStep[][],
  prefix: readonly PathStep[],
): boolean {
  if (!Array.isArray(stored) || stored.length !== paths.length) return false;
  for (let i = 0; i < paths.length; i++) {
    const storedPath: unknown = stored[i];
    const path = paths[i];
    const tail = Math.max(path.length - 1, 0);
    if (!Array.isArray(storedPath) || storedPath.length !== prefix.length + tail) return false;
    for (let j = 0; j < prefix.length; j++) if (!sameJson(storedPath[j], prefix[j])) return false;
    for (let k = 0; k < tail; k++) if (!sameJson(storedPath[prefix.length + k], path[k + 1])) return false;
  }
  return true;
}

/**
 * Whether two values are the same JSON document (object keys in any order, as stored in jsonb). Values the
 * store would drop (undefined members) count as absent, as JSON.stringify has them.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  // (no entries arrays or maps: this compares every member's derived row with the engine's, a batch at a time)
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let leftKeys = 0;
  for (const key of Object.keys(left)) {
    const value = left[key];
    if (value === undefined) continue;
    leftKeys++;
    if (!Object.hasOwn(right, key) || !sameJson(value, right[key])) return false;
  }
  let rightKeys = 0;
  for (const key of Object.keys(right)) if (right[key] !== undefined) rightKeys++;
  return leftKeys === rightKeys;
}
