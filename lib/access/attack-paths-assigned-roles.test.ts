import { describe, expect, it } from "vitest";
import type { AttackPath } from "@/lib/access/attack-paths";
import {
  AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  ROLE,
  roleEligibility,
  serviceAccountSubject,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import { checkedPathsInto, pathSummary } from "@/lib/access/fixtures/checked-attack-paths";
import { CLUSTER2, MI, RG2, twoClusterTenant } from "@/lib/access/fixtures/two-cluster-tenant";

// Three routes the search missed, each a false "nobody":
//
// 1. roleAssignments/write over a managed identity was an edge only when Managed Identity Contributor was
//    among the roles the holder may assign. A Role Based Access Control Administrator constrained to assign
//    Contributor alone ("Constrain roles": learn.microsoft.com/azure/role-based-access-control/
//    delegate-role-assignments-examples) assigns itself Contributor, whose `*` includes
//    Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write, adds a federated
//    credential and acts as the identity.
// 2. The roles a holder of roleAssignments/write could assign itself were the definitions the scan read.
//    Built-in roles exist in every tenant with the same GUID (learn.microsoft.com/azure/
//    role-based-access-control/built-in-roles), read or not: with the definitions list failed, a User
//    Access Administrator had nothing to assign and reached nothing.
// 3. Azure RBAC impersonation data actions (Microsoft.ContainerService/managedClusters/{users,groups,
//    serviceaccounts}/impersonate/action) were read from standing assignments only. Activating a PIM
//    eligibility makes the same role active at the same scope (learn.microsoft.com/entra/id-governance/
//    privileged-identity-management/pim-resource-roles-activate-your-roles), so an eligible one
//    impersonates too, after the activation.

const pathsInto = checkedPathsInto;
const summary = pathSummary;
const labels = (path: AttackPath | undefined) => path?.path.map((step) => step.label).join(" → ") ?? "";

/** The allow-list condition of delegate-role-assignments-examples ("Constrain roles"), for `roleGuids`. */
const onlyAssigns = (...roleGuids: string[]) =>
  `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR ` +
  `(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roleGuids.join(", ")}}))`;

describe("roleAssignments/write over a managed identity", () => {
  // the identity `deployer` (MI) is Contributor on rg-2, so cluster-admin on aks-2 (local accounts on)
  const dave = (condition?: string) =>
    twoClusterTenant({
      setup: (builder) =>
        builder.principal("dave").assign(ROLE.roleBasedAccessControlAdministrator, "dave", MI, { condition }),
    });

  it("constrained to Contributor: assigns itself Contributor, adds a federated credential, acts as it", () => {
    const [path, ...rest] = pathsInto(dave(onlyAssigns(ROLE.contributor)), CLUSTER2, "dave");
    expect(rest).toEqual([]);
    expect(summary([path])).toEqual(["cluster-admin in 2"]);
    expect(path.path.some((step) => step.id === `${MI}#assignRole/${ROLE.contributor}`)).toBe(true);
    expect(labels(path)).toContain("assigns itself Contributor on it and adds a federated credential");
  });

  it("unconstrained: the narrowest role that does it, Managed Identity Contributor", () => {
    const [path] = pathsInto(dave(), CLUSTER2, "dave");
    expect(labels(path)).toContain("assigns itself Managed Identity Contributor on it");
  });

  it("constrained to roles that cannot write federated credentials: nothing through the identity", () => {
    expect(pathsInto(dave(onlyAssigns(ROLE.aksRbacReader)), CLUSTER2, "dave")).toEqual([]);
  });
});

describe("roleAssignments/write when the scan read no role definitions", () => {
  // aks-2 has local accounts on: a role with listClusterAdminCredential (Azure Kubernetes Service Cluster
  // Admin Role, among others) is cluster-admin there.
  const uma = (definitionsRead: boolean) => {
    const model = twoClusterTenant({
      identityRole: null,
      setup: (builder) => builder.principal("uma").assign(ROLE.userAccessAdministrator, "uma", RG2),
    });
    if (!definitionsRead) model.roleDefinitions = [];
    return model;
  };

  it("a User Access Administrator still assigns itself a built-in role that is cluster-admin", () => {
    const unread = pathsInto(uma(false), CLUSTER2, "uma");
    expect(summary(unread)).toEqual(["cluster-admin in 1"]);
    // the same answer as with the definitions read
    expect(JSON.stringify(unread)).toBe(JSON.stringify(pathsInto(uma(true), CLUSTER2, "uma")));
  });
});

describe("Azure RBAC impersonation through a PIM eligibility", () => {
  const IMPERSONATE_ACCOUNTS = "99999999-2222-3333-4444-000000000001";
  const IMPERSONATE_GROUPS = "99999999-2222-3333-4444-000000000002";
  const ADMIN_RULES = [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }];
  const tenant = (grant: "assigned" | "eligible", guid: string, dataAction: string, objects: unknown[]) => {
    const builder = new AccessModelBuilder()
      .principal("leonard")
      .customRole(guid, [{ dataActions: [dataAction] }])
      .kubernetes(...objects);
    if (grant === "assigned") builder.assign(guid, "leonard", CLUSTER);
    const model = builder.build();
    if (grant === "eligible")
      model.roleEligibilities.push(
        roleEligibility({ name: "e-imp", scope: CLUSTER, roleDefinitionId: guid, principalId: "leonard" }),
      );
    return model;
  };
  // kube-system/ops is bound to cluster-admin on aks-1 (Azure RBAC for Kubernetes on)
  const opsAdmin = [
    clusterRole("all", ADMIN_RULES),
    clusterRoleBinding("ops-admin", "all", [serviceAccountSubject("kube-system", "ops")]),
  ];

  it("serviceaccounts/impersonate: cluster-admin through kube-system/ops, after the activation", () => {
    const action = "Microsoft.ContainerService/managedClusters/serviceaccounts/impersonate/action";
    const standing = pathsInto(
      tenant("assigned", IMPERSONATE_ACCOUNTS, action, opsAdmin),
      CLUSTER,
      "leonard",
    );
    expect(summary(standing)).toEqual(["cluster-admin in 2"]);
    const eligible = pathsInto(
      tenant("eligible", IMPERSONATE_ACCOUNTS, action, opsAdmin),
      CLUSTER,
      "leonard",
    );
    expect(summary(eligible)).toEqual(["cluster-admin in 2 (eligible)"]);
    expect(eligible[0].path.some((step) => step.kind === "roleEligibility")).toBe(true);
    expect(eligible[0].path.some((step) => step.kind === "roleAssignment")).toBe(false);
  });

  it("groups/impersonate eligible, the user part from a Kubernetes binding: eligible", () => {
    // impersonation.go authorizes the user and group parts one by one, against every grant
    const action = "Microsoft.ContainerService/managedClusters/groups/impersonate/action";
    const objects = [
      clusterRole("imp-nobody", [
        { verbs: ["impersonate"], apiGroups: [""], resources: ["users"], resourceNames: ["nobody"] },
      ]),
      clusterRoleBinding("imp-nobody", "imp-nobody", [user("leonard")]),
    ];
    expect(
      summary(pathsInto(tenant("assigned", IMPERSONATE_GROUPS, action, objects), CLUSTER, "leonard")),
    ).toEqual(["cluster-admin in 2"]);
    expect(
      summary(pathsInto(tenant("eligible", IMPERSONATE_GROUPS, action, objects), CLUSTER, "leonard")),
    ).toEqual(["cluster-admin in 2 (eligible)"]);
  });
});

describe("bind or escalate inside a namespace, then its pods", () => {
  // default/deployer on aks-1 federates to `deployer` (MI), Contributor on rg-2: cluster-admin on aks-2.
  // Eve's Role in `default` lets her give herself more there; nothing else does.
  const RBAC = "rbac.authorization.k8s.io";
  const eve = (rules: unknown[], objects: unknown[] = []) =>
    twoClusterTenant({
      objects: [
        { kind: "Role", metadata: { name: "delegate", namespace: "default" }, rules },
        {
          kind: "RoleBinding",
          metadata: { name: "eve-delegate", namespace: "default" },
          roleRef: { apiGroup: RBAC, kind: "Role", name: "delegate" },
          subjects: [user("eve")],
        },
        ...objects,
      ],
      setup: (builder) => builder.principal("eve"),
    });
  const createRoleBindings = { verbs: ["create"], apiGroups: [RBAC], resources: ["rolebindings"] };
  const bind = (resource: string, names?: string[]) => ({
    verbs: ["bind"],
    apiGroups: [RBAC],
    resources: [resource],
    ...(names ? { resourceNames: names } : {}),
  });
  const podRunner = clusterRole("pod-runner", [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }]);

  it("bind on ClusterRole cluster-admin and create rolebindings: runs a pod as default/deployer, on to aks-2 in 3 hops", () => {
    const [path, ...rest] = pathsInto(
      eve([createRoleBindings, bind("clusterroles", ["cluster-admin"])]),
      CLUSTER2,
      "eve",
    );
    expect(rest).toEqual([]);
    expect(summary([path])).toEqual(["cluster-admin in 3"]);
    expect(labels(path)).toContain(
      "can bind clusterroles cluster-admin and create rolebindings (binds it to itself in the namespace), then create pods in namespace default",
    );
  });

  it("bind on a ClusterRole that runs pods", () => {
    const paths = pathsInto(
      eve([createRoleBindings, bind("clusterroles", ["pod-runner"])], [podRunner]),
      CLUSTER2,
      "eve",
    );
    expect(summary(paths)).toEqual(["cluster-admin in 3"]);
    expect(labels(paths[0])).toContain("bind clusterroles pod-runner and create rolebindings");
  });

  it("escalate and update on the Role it holds", () => {
    const rules = [
      { verbs: ["escalate", "update"], apiGroups: [RBAC], resources: ["roles"], resourceNames: ["delegate"] },
    ];
    const paths = pathsInto(eve(rules), CLUSTER2, "eve");
    expect(summary(paths)).toEqual(["cluster-admin in 3"]);
    expect(labels(paths[0])).toContain(
      "escalate and update roles delegate (adds every permission to the Role it holds)",
    );
  });

  it("none without writing the binding, or with a role that runs nothing", () => {
    expect(pathsInto(eve([bind("clusterroles", ["cluster-admin"])]), CLUSTER2, "eve")).toEqual([]);
    const view = clusterRole("view", [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }]);
    expect(
      pathsInto(eve([createRoleBindings, bind("clusterroles", ["view"])], [view]), CLUSTER2, "eve"),
    ).toEqual([]);
  });

  // "You can only create/update a role binding if … you have been authorized to perform the bind verb on the
  // referenced role" (rbac#restrictions-on-role-binding-creation-or-update); a binding's roleRef is immutable,
  // its subjects are not: Eve adds herself to an existing binding of a role she may bind.
  describe("update or patch of an existing RoleBinding", () => {
    const operators = {
      kind: "RoleBinding",
      metadata: { name: "operators", namespace: "default" },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "pod-runner" },
      subjects: [user("someone-else")],
    };
    const patchOperators = (names = ["operators"]) => ({
      verbs: ["patch"],
      apiGroups: [RBAC],
      resources: ["rolebindings"],
      resourceNames: names,
    });

    it("patch of a binding of a pod-running ClusterRole, with bind on it: on to aks-2 in 3 hops", () => {
      const paths = pathsInto(
        eve([patchOperators(), bind("clusterroles", ["pod-runner"])], [podRunner, operators]),
        CLUSTER2,
        "eve",
      );
      expect(summary(paths)).toEqual(["cluster-admin in 3"]);
      expect(labels(paths[0])).toContain(
        "can patch rolebindings operators and bind clusterroles pod-runner (adds itself to the binding's subjects), then create pods in namespace default",
      );
    });

    it("none without bind on the role it references, or when resourceNames name another binding", () => {
      expect(pathsInto(eve([patchOperators()], [podRunner, operators]), CLUSTER2, "eve")).toEqual([]);
      expect(
        pathsInto(
          eve([patchOperators(["Operators"]), bind("clusterroles", ["pod-runner"])], [podRunner, operators]),
          CLUSTER2,
          "eve",
        ),
      ).toEqual([]);
    });
  });

  it("resourceNames compare case-sensitively: bind on `Pod-Runner` is not bind on `pod-runner`", () => {
    // RBAC object names are path segments, case kept (kubernetes pkg/apis/rbac/validation ValidateRBACName)
    const model = eve([createRoleBindings, bind("clusterroles", ["Pod-Runner"])], [podRunner]);
    expect(pathsInto(model, CLUSTER2, "eve")).toEqual([]);
  });
});
