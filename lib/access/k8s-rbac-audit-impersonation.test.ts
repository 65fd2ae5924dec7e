import { describe, expect, it } from "vitest";
import { type AttackPath, iterateAttackPaths } from "@/lib/access/attack-paths";
import {
  AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  group,
  role,
  roleBinding,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import type { TenantModel } from "@/lib/model/tenant-model";

// Kubernetes user impersonation, audited against the API server's filter
// (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go
// WithImpersonation and buildImpersonationRequests) and
// kubernetes.io/docs/reference/access-authn-authz/user-impersonation/:
// - buildImpersonationRequests turns the headers into one request per identity part (the user or
//   service account, each group, each extra) and refuses groups without a user;
// - WithImpersonation authorizes each part on its own (`a.Authorize(ctx, actingAsAttributes)`), with
//   the whole authorizer chain: nothing ties the user part and the group parts to one binding;
// - a service account user (`system:serviceaccount:<ns>:<name>`, SplitUsername) is authorized on
//   `serviceaccounts` in <ns> with name <name>, never on `users`, and without Impersonate-Group gets
//   serviceaccount.MakeGroupNames(<ns>) = system:serviceaccounts, system:serviceaccounts:<ns>.
//   Nothing looks the account up: it need not exist.

const impersonate = (resources: string[], resourceNames?: string[]) => ({
  verbs: ["impersonate"],
  apiGroups: [""],
  resources,
  ...(resourceNames ? { resourceNames } : {}),
});
const ADMIN_RULES = [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }];
const VIEW_RULES = [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }];

function tenant(objects: unknown[], setup?: (builder: AccessModelBuilder) => void): TenantModel {
  const builder = new AccessModelBuilder();
  builder.principal("leonard").principal("penny");
  builder.kubernetes(...objects);
  setup?.(builder);
  return builder.build();
}

function pathsOf(model: TenantModel, principalId: string): AttackPath[] {
  for (const { access, paths } of iterateAttackPaths(model, { maxHops: 5 })) {
    if (access.cluster.id === CLUSTER) return paths.filter((path) => path.principal.id === principalId);
  }
  throw new Error("no cluster");
}
const summary = (paths: AttackPath[]) =>
  paths.map((path) => `${path.level}${path.namespace ? `@${path.namespace}` : ""} in ${path.hops}`);

/** A ClusterRole and ClusterRoleBinding giving `subjects` the `rules`. */
const clusterGrant = (name: string, rules: unknown[], subjects: unknown[]) => [
  clusterRole(name, rules),
  clusterRoleBinding(name, name, subjects),
];

describe("Impersonate-User and Impersonate-Group are authorized one by one", () => {
  it("a user impersonation from one binding and a group impersonation from another reach system:masters", () => {
    const model = tenant([
      ...clusterGrant("imp-masters", [impersonate(["groups"], ["system:masters"])], [user("leonard")]),
      ...clusterGrant("imp-nobody", [impersonate(["users"], ["nobody"])], [user("leonard")]),
    ]);
    const [path] = pathsOf(model, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 2"]);
    expect(path.path.map((step) => step.label)).toContain(
      "can impersonate groups system:masters (with a user another of its grants lets it impersonate)",
    );
  });

  // On an Entra-integrated cluster `system:authenticated` is every account of the tenant, one holder in the
  // graph (lib/access/system-authenticated.test.ts): each part may come through it, the other from a grant
  // of the account's own.
  it("either part may come from a grant to system:authenticated, the other from the account's own", () => {
    const everyoneMasters = clusterGrant(
      "imp-masters",
      [impersonate(["groups"], ["system:masters"])],
      [group("system:authenticated")],
    );
    const leonardNobody = clusterGrant("imp-nobody", [impersonate(["users"], ["nobody"])], [user("leonard")]);
    for (const objects of [
      [...everyoneMasters, ...leonardNobody],
      [
        ...clusterGrant("imp-masters", [impersonate(["groups"], ["system:masters"])], [user("leonard")]),
        ...clusterGrant("imp-nobody", [impersonate(["users"], ["nobody"])], [group("system:authenticated")]),
      ],
    ]) {
      expect(summary(pathsOf(tenant(objects), "leonard"))).toEqual(["cluster-admin in 2"]);
      // Penny has neither part of her own: the group part alone (or the user part alone) is not enough
      expect(pathsOf(tenant(objects), "penny")).toEqual([]);
    }
    // both parts through system:authenticated: every account, Penny too
    expect(
      summary(
        pathsOf(
          tenant([
            ...everyoneMasters,
            ...clusterGrant(
              "imp-nobody",
              [impersonate(["users"], ["nobody"])],
              [group("system:authenticated")],
            ),
          ]),
          "penny",
        ),
      ),
    ).toEqual(["cluster-admin in 2"]);
  });

  it("the parts may come from Azure RBAC and Kubernetes RBAC alike (the authorizer chain answers each)", () => {
    const GROUPS_ONLY = "99999999-2222-3333-4444-555555555555";
    const model = tenant(
      [...clusterGrant("imp-nobody", [impersonate(["users"], ["nobody"])], [user("leonard")])],
      (builder) =>
        builder
          .customRole(GROUPS_ONLY, [
            { dataActions: ["Microsoft.ContainerService/managedClusters/groups/impersonate/action"] },
          ])
          .assign(GROUPS_ONLY, "leonard", CLUSTER),
    );
    expect(summary(pathsOf(model, "leonard"))).toEqual(["cluster-admin in 2"]);
  });

  it("the user part may be a service account a RoleBinding lets it impersonate", () => {
    const model = tenant([
      ...clusterGrant("imp-ops", [impersonate(["groups"], ["ops"])], [user("leonard")]),
      role("ci", "imp-sa", [impersonate(["serviceaccounts"], ["builder"])]),
      roleBinding("ci", "leonard-imp-sa", { kind: "Role", name: "imp-sa" }, [user("leonard")]),
      ...clusterGrant("ops-admin", ADMIN_RULES, [{ kind: "Group", name: "ops" }]),
    ]);
    expect(summary(pathsOf(model, "leonard"))).toContain("cluster-admin in 2");
  });

  it("someone else's user impersonation does not help: groups alone are refused", () => {
    const model = tenant([
      ...clusterGrant("imp-masters", [impersonate(["groups"], ["system:masters"])], [user("leonard")]),
      ...clusterGrant("imp-nobody", [impersonate(["users"], ["nobody"])], [user("penny")]),
    ]);
    expect(pathsOf(model, "leonard")).toEqual([]);
  });

  it("a user name shaped like a service account is authorized on serviceaccounts, so `users` on it is no user part", () => {
    // SplitUsername succeeds → the request is a ServiceAccount one, checked on `serviceaccounts`.
    const model = tenant([
      ...clusterGrant(
        "imp",
        [
          impersonate(["groups"], ["system:masters"]),
          impersonate(["users"], ["system:serviceaccount:default:deployer"]),
        ],
        [user("leonard")],
      ),
    ]);
    expect(pathsOf(model, "leonard")).toEqual([]);
  });

  it("and `users` on that name does not impersonate the service account either", () => {
    const model = tenant([
      ...clusterGrant(
        "imp",
        [impersonate(["users"], ["system:serviceaccount:default:deployer"])],
        [user("leonard")],
      ),
      ...clusterGrant("deployer-admin", ADMIN_RULES, [
        { kind: "ServiceAccount", name: "deployer", namespace: "default" },
      ]),
      { kind: "ServiceAccount", metadata: { name: "deployer", namespace: "default" } },
    ]);
    expect(pathsOf(model, "leonard")).toEqual([]);
  });
});

describe("an impersonated service account's groups (serviceaccount.MakeGroupNames)", () => {
  it("come with any service account name it may impersonate, whether or not that account exists", () => {
    // No ServiceAccount ci/builder in the inventory: the filter never looks it up.
    const model = tenant([
      role("ci", "imp-sa", [impersonate(["serviceaccounts"], ["builder"])]),
      roleBinding("ci", "leonard-imp-sa", { kind: "Role", name: "imp-sa" }, [user("leonard")]),
      ...clusterGrant("ci-view", VIEW_RULES, [{ kind: "Group", name: "system:serviceaccounts:ci" }]),
    ]);
    expect(summary(pathsOf(model, "leonard"))).toEqual(["read in 2"]);
  });

  it("system:serviceaccounts (all namespaces) too", () => {
    const model = tenant([
      role("ci", "imp-sa", [impersonate(["serviceaccounts"], ["builder"])]),
      roleBinding("ci", "leonard-imp-sa", { kind: "Role", name: "imp-sa" }, [user("leonard")]),
      ...clusterGrant("sa-view", VIEW_RULES, [{ kind: "Group", name: "system:serviceaccounts" }]),
    ]);
    expect(summary(pathsOf(model, "leonard"))).toEqual(["read in 2"]);
  });

  it("but only in the namespace of the RoleBinding that allows it", () => {
    const model = tenant([
      role("ci", "imp-sa", [impersonate(["serviceaccounts"], ["builder"])]),
      roleBinding("ci", "leonard-imp-sa", { kind: "Role", name: "imp-sa" }, [user("leonard")]),
      ...clusterGrant("prod-view", VIEW_RULES, [{ kind: "Group", name: "system:serviceaccounts:prod" }]),
    ]);
    expect(pathsOf(model, "leonard")).toEqual([]);
  });
});
