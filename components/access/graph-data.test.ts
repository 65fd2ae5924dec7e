import { describe, expect, it } from "vitest";
import {
  bucketLabel,
  decodePaths,
  encodeGraph,
  focusChoices,
  focusPaths,
  foldPrincipals,
  pathsAtLevel,
  principalKind,
  type ViewPath,
} from "@/components/access/graph-data";
import type { PathStep } from "@/lib/access/types";

const step = (kind: string, id: string): PathStep => ({ kind, id, label: `${kind} ${id}` });

describe("graph data", () => {
  it("sends each step once and decodes every path as it was", () => {
    const shared = [step("roleDefinition", "contributor"), step("cluster", "aks-2")];
    const entries = [
      { grants: [{ level: "cluster-admin" as const, path: [step("principal", "penny"), ...shared] }] },
      {
        grants: [
          { level: "cluster-admin" as const, path: [step("principal", "ci"), ...shared] },
          {
            level: "read" as const,
            path: [step("principal", "ci"), step("k8s.roleBinding", "view"), shared[1]],
          },
        ],
      },
    ];
    const data = encodeGraph(entries);
    expect(data.steps).toHaveLength(5);
    entries.forEach((entry, index) => {
      expect(decodePaths(data, data.entries[index].grants)).toEqual(entry.grants.map((grant) => grant.path));
    });
    expect(data.entries[1].grants.map((grant) => grant.level)).toEqual(["cluster-admin", "read"]);
  });

  it("keeps the can-become mark of attack paths, and only on them", () => {
    const data = encodeGraph([
      {
        grants: [
          { level: "credentials-only", path: [step("principal", "leonard"), step("cluster", "aks-2")] },
          {
            level: "cluster-admin",
            potential: true,
            path: [
              step("principal", "leonard"),
              step("identity", "id-release-automation"),
              step("cluster", "aks-2"),
            ],
          },
        ],
      },
    ]);
    expect(data.entries[0].grants.map((grant) => grant.potential)).toEqual([undefined, true]);
  });
});

describe("what the graph shows", () => {
  const user = (name: string): PathStep => ({ kind: "principal", id: name, label: `${name} (User)` });
  const group = (name: string): PathStep => ({
    kind: "groupMembership",
    id: name,
    label: `member of ${name}`,
  });
  const admins = [
    step("clusterSetting", "aks-1#adminGroupObjectIDs"),
    step("k8s.clusterRoleBinding", "aks-cluster-admin-binding-aad"),
    step("k8s.clusterRole", "cluster-admin"),
    step("cluster", "aks-1"),
  ];
  const view = [
    step("k8s.roleBinding", "dev/view"),
    step("k8s.clusterRole", "view"),
    step("cluster", "aks-1"),
  ];
  const through = (who: PathStep, ...rest: PathStep[]): ViewPath => ({
    steps: [who, ...rest],
    level: "cluster-admin",
    potential: false,
  });
  // 30 members of aks-admins, 5 of them also readers through team-web, one service account alone
  const members = Array.from({ length: 30 }, (_, index) => user(`u${index}`));
  const paths: ViewPath[] = [
    ...members.map((member) => through(member, group("aks-admins"), ...admins)),
    ...members
      .slice(0, 5)
      .map((member) => ({ ...through(member, group("team-web"), ...view), level: "read" as const })),
    through(
      { kind: "principal", id: "sa", label: "ci (ServiceAccount)" },
      step("k8s.roleBinding", "ci"),
      ...admins.slice(2),
    ),
  ];

  it("keeps the grants at or above the level, with their can-become mark", () => {
    const data = encodeGraph([
      {
        grants: [
          { level: "read", path: [user("jet"), ...view] },
          {
            level: "cluster-admin",
            potential: true,
            path: [user("jet"), step("roleAssignment", "uaa"), step("cluster", "aks-1")],
          },
        ],
      },
    ]);
    expect(pathsAtLevel(data, "cluster-admin").map((path) => [path.level, path.potential])).toEqual([
      ["cluster-admin", true],
    ]);
    expect(pathsAtLevel(data, "all")).toHaveLength(2);
    expect(pathsAtLevel(data, "admin")).toHaveLength(1);
  });

  it("focuses on a principal, a group or a binding: only the paths through it", () => {
    expect(focusPaths(paths, "principal:u3").map((path) => path.steps[1].id)).toEqual([
      "aks-admins",
      "team-web",
    ]);
    expect(focusPaths(paths, "groupMembership:team-web")).toHaveLength(5);
    expect(focusPaths(paths, "k8s.clusterRole:cluster-admin")).toHaveLength(31);
    expect(focusPaths(paths, undefined)).toHaveLength(36);
    expect(focusPaths(paths, "principal:nobody")).toEqual([]);
  });

  it("folds principals by the group they come through once there are more than 25", () => {
    const folded = foldPrincipals(paths);
    expect(folded.buckets.map((bucket) => bucket.label).sort()).toEqual([
      "30 users via aks-admins",
      "5 users via team-web",
    ]);
    const firstSteps = new Set(folded.paths.map((path) => path.steps[0].label));
    // the lone service account keeps its own node: a fold of one says nothing
    expect([...firstSteps].sort()).toEqual([
      "30 users via aks-admins",
      "5 users via team-web",
      "ci (ServiceAccount)",
    ]);
    // 31 + 5 paths collapse to one per fold
    expect(folded.paths).toHaveLength(3);
    expect(folded.paths.find((path) => path.steps[0].label.endsWith("team-web"))?.level).toBe("read");
  });

  it("leaves 25 principals or fewer unfolded, and an expanded fold open", () => {
    expect(foldPrincipals(paths.slice(0, 25)).paths).toHaveLength(25);
    const bucket = foldPrincipals(paths).buckets.find((candidate) => candidate.label.endsWith("team-web"));
    const open = foldPrincipals(paths, new Set([bucket?.key ?? ""]));
    expect(open.buckets.find((candidate) => candidate.key === bucket?.key)?.expanded).toBe(true);
    expect(
      open.paths.filter((path) => path.steps[1].id === "team-web").map((path) => path.steps[0].id),
    ).toEqual(["u0", "u1", "u2", "u3", "u4"]);
    // focusing the fold keeps its paths
    expect(focusPaths(paths, bucket?.key)).toHaveLength(5);
  });

  it("draws a folded path held when one member holds it and can-become only when all can only become", () => {
    const mixed = paths.map((path, index) => ({ ...path, potential: index % 2 === 0 }));
    const folded = foldPrincipals(mixed);
    expect(folded.paths.find((path) => path.steps[0].label.endsWith("aks-admins"))?.potential).toBe(false);
    const allPotential = foldPrincipals(paths.map((path) => ({ ...path, potential: true })));
    expect(allPotential.paths.every((path) => path.potential)).toBe(true);
  });

  it("names folds by kind and group, and offers principals, groups and bindings to focus on", () => {
    expect(bucketLabel(14, "User", group("team-web"))).toBe("14 users via team-web");
    expect(bucketLabel(3, "ServiceAccount", null)).toBe("3 service accounts holding it directly");
    expect(
      bucketLabel(2, "User", {
        kind: "groupMembership",
        id: "g",
        label: "eligible member of aks-admins (PIM for Groups: activates the membership)",
      }),
    ).toBe("2 users via aks-admins");
    expect(principalKind(user("penny"))).toBe("User");
    const choices = focusChoices(paths);
    expect(choices.principals).toHaveLength(31);
    expect(choices.groups.map((choice) => choice.label)).toEqual(["aks-admins", "team-web"]);
    expect(choices.grants.map((choice) => choice.key)).toEqual([
      "k8s.clusterRoleBinding:aks-cluster-admin-binding-aad",
      "k8s.roleBinding:ci",
      "k8s.roleBinding:dev/view",
    ]);
  });
});
