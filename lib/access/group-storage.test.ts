import { describe, expect, it } from "vitest";
import {
  ABSENT_KIND,
  collapseGroupRecords,
  deriveMemberRecord,
  expandsTo,
  MEMBERSHIP_KIND,
  type Member,
  membershipRecords,
  sameJson,
} from "@/lib/access/group-storage";
import { groupStep, principalStep } from "@/lib/access/paths";
import { accessGrantKey } from "@/lib/access/records";
import type { AccessPrincipal, PathStep } from "@/lib/access/types";
import type { SnapshotRecordInput } from "@/lib/model/records";
import { ANALYSIS_SOURCE } from "@/lib/model/sources";

const cluster = {
  id: "/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-1",
  name: "aks-1",
};
const group: AccessPrincipal = {
  id: "00000000-0000-0000-0000-0000000000a1",
  kind: "Group",
  displayName: "platform-admins",
};
const other: AccessPrincipal = {
  id: "00000000-0000-0000-0000-0000000000a2",
  kind: "Group",
  displayName: "oncall",
};
const howard: AccessPrincipal = {
  id: "00000000-0000-0000-0000-0000000000f9",
  kind: "User",
  displayName: "Howard",
};
const penny: AccessPrincipal = {
  id: "00000000-0000-0000-0000-0000000000f8",
  kind: "User",
  displayName: "Penny",
};
const tail: PathStep[] = [
  {
    kind: "k8s.clusterRoleBinding",
    id: `${cluster.id}|ClusterRoleBinding||admins`,
    label: "ClusterRoleBinding admins",
  },
  { kind: "cluster", id: cluster.id, label: "aks-1" },
];

const member = (principal: AccessPrincipal, of: AccessPrincipal = group): Member => ({
  principal,
  prefix: [principalStep(principal), groupStep(of)],
});

function grant(
  principal: AccessPrincipal,
  paths: PathStep[][],
  level = "cluster-admin",
): SnapshotRecordInput {
  return {
    kind: "access.grant",
    naturalKey: accessGrantKey(cluster.id, principal.id, level, null, "kubernetes-rbac"),
    source: ANALYSIS_SOURCE,
    clusterId: cluster.id,
    data: { cluster, principal, level, namespace: null, route: "kubernetes-rbac", conditional: false, paths },
  };
}

const viaGroup = (principal: AccessPrincipal, of: AccessPrincipal = group) => [
  principalStep(principal),
  groupStep(of),
  ...tail,
];

describe("group-level storage of access records", () => {
  it("derives a member's record from the group's: the member in place of the group, the prefix in place of the first step", () => {
    const derived = deriveMemberRecord(grant(group, [[principalStep(group), ...tail]]), member(howard));
    expect(derived).toEqual(grant(howard, [viaGroup(howard)]));
  });

  it("leaves out a member's record only when the expansion reproduces it exactly", () => {
    const groupRow = grant(group, [[principalStep(group), ...tail]]);
    const exact = grant(howard, [viaGroup(howard)]);
    // Penny also holds it directly: two paths, which the group's row alone does not give
    const direct = grant(penny, [[principalStep(penny), ...tail], viaGroup(penny)]);
    const { records, dropped, groups } = collapseGroupRecords([groupRow, exact, direct], () => [
      member(howard),
      member(penny),
    ]);
    expect(records).toEqual([groupRow, direct]);
    expect(dropped).toBe(1);
    expect([...groups]).toEqual([group.id]);
  });

  it("keeps a member's record two groups expand to, and every group's own record", () => {
    const first = grant(group, [[principalStep(group), ...tail]]);
    // `other` is itself a member of `group`, and Howard of both
    const second = grant(other, [[principalStep(other), ...tail]]);
    const howardRow = grant(howard, [viaGroup(howard)]);
    const members = (of: AccessPrincipal) =>
      of.id === group.id ? [member(other), member(howard)] : [member(howard, other)];
    const { records, dropped } = collapseGroupRecords([first, second, howardRow], members);
    expect(records).toEqual([first, second, howardRow]);
    expect(dropped).toBe(0);
  });

  // An attack path is one path, the shortest (lib/access/attack-paths.ts): of the groups that expand to a
  // member's attack path, readers take the row with the fewest hops, then the lower group id (expanded-access.ts).
  describe("attack paths two groups expand to", () => {
    const attackPath = (principal: AccessPrincipal, path: PathStep[], hops: number): SnapshotRecordInput => ({
      kind: "access.escalation",
      naturalKey: accessGrantKey(cluster.id, principal.id, "cluster-admin", null, "attack-path"),
      source: ANALYSIS_SOURCE,
      clusterId: cluster.id,
      data: {
        cluster,
        principal,
        to: "cluster-admin",
        route: "attack-path",
        paths: [path],
        hops,
        conditional: false,
        namespace: null,
      },
    });
    const longerTail: PathStep[] = [
      { kind: "identity", id: "/subscriptions/s/id-1", label: "managed identity id-1" },
      ...tail,
    ];
    // Howard is in both groups; neither contains the other
    const members = (of: AccessPrincipal) => [member(howard, of)];

    it("leaves out the member's row the shorter one gives", () => {
      const short = attackPath(group, [principalStep(group), ...tail], 1);
      const long = attackPath(other, [principalStep(other), ...longerTail], 2);
      const howardRow = attackPath(howard, viaGroup(howard, group), 1);
      const { records, dropped } = collapseGroupRecords([long, short, howardRow], members);
      expect(records).toEqual([long, short]);
      expect(dropped).toBe(1);
    });

    it("between equally short ones, leaves out the row the lower group id gives, and only that one", () => {
      const first = attackPath(group, [principalStep(group), ...tail], 1);
      const second = attackPath(other, [principalStep(other), ...tail], 1);
      expect(group.id < other.id).toBe(true);
      const viaFirst = attackPath(howard, viaGroup(howard, group), 1);
      expect(collapseGroupRecords([second, first, viaFirst], members).dropped).toBe(1);
      // the engine chose the other group's: readers would not reproduce it, so it is stored
      const viaSecond = attackPath(howard, viaGroup(howard, other), 1);
      const { records, dropped } = collapseGroupRecords([first, second, viaSecond], members);
      expect(records).toEqual([first, second, viaSecond]);
      expect(dropped).toBe(0);
    });

    it("keeps the member's row a longer group path does not reproduce (a shorter path of its own)", () => {
      const long = attackPath(other, [principalStep(other), ...longerTail], 2);
      const direct = attackPath(howard, [principalStep(howard), ...tail], 1);
      expect(collapseGroupRecords([long, direct], members).records).toEqual([long, direct]);
    });
  });

  it("marks a key the expansion would invent (a member the engine gave nothing) as absent", () => {
    const groupRow = grant(group, [[principalStep(group), ...tail]]);
    const { records } = collapseGroupRecords([groupRow], () => [member(howard)]);
    const key = accessGrantKey(cluster.id, howard.id, "cluster-admin", null, "kubernetes-rbac");
    expect(records).toEqual([
      groupRow,
      {
        kind: ABSENT_KIND,
        naturalKey: `access.grant|${key}`,
        source: ANALYSIS_SOURCE,
        clusterId: cluster.id,
        data: { kind: "access.grant", naturalKey: key },
      },
    ]);
  });

  it("stores one membership record per group and member, tenant-wide", () => {
    expect(membershipRecords([group], () => [member(howard)])).toEqual([
      {
        kind: MEMBERSHIP_KIND,
        naturalKey: `${group.id}|${howard.id}`,
        source: ANALYSIS_SOURCE,
        clusterId: null,
        data: { group, member: howard, prefix: [principalStep(howard), groupStep(group)] },
      },
    ]);
  });

  it("compares documents as jsonb does: keys in any order, undefined members absent", () => {
    expect(sameJson({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: "1" }, { a: 1 })).toBe(false);
  });

  // collapseGroupRecords asks expandsTo instead of building each member's row to compare: the two must agree on
  // every document, equal or not, whatever differs.
  it("tells whether a stored row is the member's expansion exactly as comparing the expansion would", () => {
    const groupRow = grant(group, [
      [principalStep(group), ...tail],
      [principalStep(group), tail[1]],
    ]);
    const pennyMember = member(penny);
    const expanded = deriveMemberRecord(groupRow, pennyMember).data as Record<string, unknown>;
    const paths = expanded.paths as PathStep[][];
    const variants: unknown[] = [
      expanded,
      { ...expanded }, // another object, same document
      JSON.parse(JSON.stringify(expanded)), // no object shared
      { ...expanded, principal: howard },
      { ...expanded, level: "admin" },
      { ...expanded, extra: true },
      { ...expanded, extra: undefined }, // absent, as jsonb has it
      { ...expanded, conditional: undefined }, // a key the expansion has, missing
      { ...expanded, paths: paths.slice(1) },
      { ...expanded, paths: [paths[1], paths[0]] },
      { ...expanded, paths: [paths[0], [...paths[1], tail[1]]] },
      { ...expanded, paths: [paths[0], paths[1].slice(1)] },
      { ...expanded, paths: [[principalStep(penny), groupStep(other), ...tail], paths[1]] },
      { ...expanded, paths: [paths[0], { ...paths[1] }] },
      { ...expanded, paths: "none" },
      [expanded],
      null,
      "row",
    ];
    const agreed = variants.map((stored) => {
      const answer = expandsTo(stored, groupRow.data as never, pennyMember);
      expect(answer).toBe(sameJson(stored, expanded));
      return answer;
    });
    expect(agreed.filter(Boolean)).toHaveLength(4);
    // and a group row whose own document has an undefined member
    const sparse = { ...groupRow, data: { ...(groupRow.data as object), expires: undefined } };
    expect(expandsTo(expanded, sparse.data as never, pennyMember)).toBe(
      sameJson(expanded, deriveMemberRecord(sparse, pennyMember).data),
    );
  });
});
