import { describe, expect, it } from "vitest";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import {
  AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  group,
  KUBELET,
  MG,
  NODE_RG,
  RG,
  ROLE,
  ROOT_MG,
  role,
  roleBinding,
  SUB,
  serviceAccountSubject,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import type { ClusterAccess } from "@/lib/access/types";
import type { TenantModel } from "@/lib/model/tenant-model";

/** `level@namespace via route` for every grant of one principal, sorted. */
function grantsOf(access: ClusterAccess, principalId: string): string[] {
  const entry = access.principals.find((candidate) => candidate.principal.id === principalId);
  return (entry?.grants ?? [])
    .map((g) => `${g.level}@${g.namespace ?? "*"} via ${g.route}${g.conditional ? " (conditional)" : ""}`)
    .sort();
}

function escalationsOf(access: ClusterAccess, principalId: string): string[] {
  const entry = access.principals.find((candidate) => candidate.principal.id === principalId);
  return [...new Set((entry?.escalations ?? []).map((e) => `${e.to} via ${e.route}`))].sort();
}

const evaluate = (model: TenantModel) => evaluateClusterAccess(model, CLUSTER);

describe("Azure RBAC scope inheritance", () => {
  it.each([
    ["tenant root", "/"],
    ["root management group", ROOT_MG],
    ["management group", MG],
    ["subscription", `/subscriptions/${SUB}`],
    ["resource group", RG],
    ["cluster", CLUSTER],
  ])("an RBAC Reader assignment at the %s reaches the cluster", (_name, scope) => {
    const model = new AccessModelBuilder().principal("u").assign(ROLE.aksRbacReader, "u", scope).build();
    expect(grantsOf(evaluate(model), "u")).toEqual(["read@* via azure-rbac"]);
  });

  it.each([
    ["another resource group", `/subscriptions/${SUB}/resourcegroups/rg-2`],
    ["another subscription", "/subscriptions/00000000-0000-0000-0000-00000000bbbb"],
    ["another cluster", `${RG}/providers/microsoft.containerservice/managedclusters/aks-2`],
    ["the node resource group", NODE_RG],
  ])("an assignment at %s does not", (_name, scope) => {
    const model = new AccessModelBuilder().principal("u").assign(ROLE.aksRbacReader, "u", scope).build();
    expect(grantsOf(evaluate(model), "u")).toEqual([]);
  });

  it("a namespace-scoped assignment grants only that namespace, and never control-plane actions", () => {
    const model = new AccessModelBuilder()
      .principal("u")
      .assign(ROLE.aksRbacClusterAdmin, "u", `${CLUSTER}/namespaces/team-a`)
      .assign(ROLE.owner, "u", `${CLUSTER}/namespaces/team-b`)
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(["admin@team-a via azure-rbac"]);
  });

  it("flags assignments with an ABAC condition as conditional", () => {
    const model = new AccessModelBuilder()
      .principal("u")
      .assign(ROLE.aksRbacWriter, "u", CLUSTER, { condition: "@Resource[...] StringEquals 'x'" })
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(["write@* via azure-rbac (conditional)"]);
  });

  it("ignores assignments of unknown role definitions", () => {
    const model = new AccessModelBuilder()
      .principal("u")
      .assign("11111111-2222-3333-4444-555555555555", "u", CLUSTER)
      .build();
    expect(evaluate(model).principals).toEqual([]);
  });
});

describe("Azure RBAC for Kubernetes", () => {
  it.each([
    ["managed + Azure RBAC", { mode: "managed", azureRbac: true }, ["read@* via azure-rbac"]],
    ["managed, Azure RBAC off", { mode: "managed", azureRbac: false }, []],
    ["legacy integration", { mode: "legacy", azureRbac: false }, []],
  ] as const)("%s", (_name, entra, expected) => {
    const model = new AccessModelBuilder({ entra: { ...entra, adminGroupIds: [], tenantId: null } })
      .principal("u")
      .assign(ROLE.aksRbacReader, "u", CLUSTER)
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(expected);
  });

  it.each([
    [ROLE.aksRbacClusterAdmin, "cluster-admin"],
    [ROLE.aksRbacAdmin, "admin"],
    [ROLE.aksRbacWriter, "write"],
    [ROLE.aksRbacReader, "read"],
  ])("built-in role %s at cluster scope gives %s", (guid, level) => {
    const model = new AccessModelBuilder().principal("u").assign(guid, "u", CLUSTER).build();
    expect(grantsOf(evaluate(model), "u")).toEqual([`${level}@* via azure-rbac`]);
  });

  it.each([
    // patterns are only skipped when their literal head cannot lead to the action
    ["Microsoft.*", [], ["cluster-admin@* via azure-rbac"]],
    ["*", [], ["cluster-admin@* via azure-rbac"]],
    ["microsoft.containerservice/managedclusters/pods/read", [], ["read@* via azure-rbac"]],
    ["Microsoft.Storage/*", [], []],
    ["Microsoft.KeyVault/vaults/*", ["*"], ["cluster-admin@* via local-admin-credential"]],
  ])("custom role with data action %s and actions %j", (dataAction, actions, expected) => {
    const model = new AccessModelBuilder()
      .customRole("c3", [{ dataActions: [dataAction], actions }])
      .principal("u")
      .assign("c3", "u", CLUSTER)
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(expected);
  });

  it("custom data actions minus notDataActions", () => {
    const model = new AccessModelBuilder()
      .customRole("c1", [
        {
          dataActions: ["Microsoft.ContainerService/managedClusters/*"],
          notDataActions: ["Microsoft.ContainerService/managedClusters/rbac.authorization.k8s.io/*"],
        },
      ])
      .principal("u")
      .assign("c1", "u", CLUSTER)
      .build();
    // without RBAC writes, everything else is still write
    expect(grantsOf(evaluate(model), "u")).toEqual(["write@* via azure-rbac"]);
  });
});

describe("local admin credential and user credential", () => {
  it.each([
    ["Contributor (*)", ROLE.contributor, false, ["cluster-admin@* via local-admin-credential"]],
    ["Owner (*)", ROLE.owner, false, ["cluster-admin@* via local-admin-credential"]],
    ["AKS Cluster Admin Role", ROLE.aksClusterAdmin, false, ["cluster-admin@* via local-admin-credential"]],
    [
      "AKS Contributor (managedClusters/*)",
      ROLE.aksContributor,
      false,
      ["cluster-admin@* via local-admin-credential"],
    ],
    [
      "Contributor with local accounts disabled",
      ROLE.contributor,
      true,
      ["credentials-only@* via user-credential"],
    ],
    ["Reader", ROLE.reader, false, []],
    ["Cluster User Role", ROLE.aksClusterUser, false, ["credentials-only@* via user-credential"]],
  ] as const)("%s", (_name, guid, localAccountsDisabled, expected) => {
    const model = new AccessModelBuilder({ localAccountsDisabled })
      .principal("u")
      .assign(guid, "u", RG)
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(expected);
  });

  it.each([
    [
      "excluding both admin credential actions removes the route",
      [
        "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
        "Microsoft.ContainerService/managedClusters/accessProfiles/listCredential/action",
      ],
      ["credentials-only@* via user-credential"],
    ],
    [
      "excluding only listClusterAdminCredential leaves the legacy accessProfiles credential",
      ["Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action"],
      ["cluster-admin@* via local-admin-credential"],
    ],
  ])("custom role with notActions: %s", (_name, notActions, expected) => {
    const model = new AccessModelBuilder()
      .customRole("c2", [{ actions: ["*"], notActions }])
      .principal("u")
      .assign("c2", "u", RG)
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(expected);
  });

  it("without Entra integration and with local accounts disabled, neither credential works", () => {
    // ManagedClusterProperties.disableLocalAccounts: "If set to true, getting static credentials will
    // be disabled for this cluster" (azure-rest-api-specs, Microsoft.ContainerService
    // managedClusters.json); without Entra integration both kubeconfigs are static certificates.
    const model = new AccessModelBuilder({
      entra: { mode: "none", azureRbac: false, adminGroupIds: [], tenantId: null },
      localAccountsDisabled: true,
    })
      .principal("user")
      .assign(ROLE.aksClusterUser, "user", CLUSTER)
      .principal("admin")
      .assign(ROLE.aksClusterAdmin, "admin", CLUSTER)
      .build();
    expect(grantsOf(evaluate(model), "user")).toEqual([]);
    expect(grantsOf(evaluate(model), "admin")).toEqual([]);
  });

  it("without Entra integration the user credential is cluster-admin", () => {
    const model = new AccessModelBuilder({
      entra: { mode: "none", azureRbac: false, adminGroupIds: [], tenantId: null },
    })
      .principal("u")
      .assign(ROLE.aksClusterUser, "u", CLUSTER)
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(["cluster-admin@* via user-credential"]);
  });

  it("credentials-only is reported only for principals with nothing else", () => {
    const model = new AccessModelBuilder()
      .principal("u")
      .assign(ROLE.aksClusterUser, "u", CLUSTER)
      .assign(ROLE.aksRbacReader, "u", CLUSTER)
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(["read@* via azure-rbac"]);
  });

  it("explains the local admin route step by step", () => {
    const model = new AccessModelBuilder().principal("penny").assign(ROLE.contributor, "penny", RG).build();
    const grant = evaluate(model).principals[0].grants[0];
    expect(grant.path.map((step) => step.kind)).toEqual([
      "principal",
      "roleAssignment",
      "roleDefinition",
      "permission",
      "clusterSetting",
      "k8s.group",
      "cluster",
    ]);
    expect(grant.path[3].label).toContain('granted by "*"');
  });
});

describe("groups", () => {
  it("members (nested too) appear as themselves with the group in their path, and the group appears", () => {
    const model = new AccessModelBuilder()
      .principal("u1")
      .principal("u2")
      .principal("sp", "ServicePrincipal")
      .group("inner", ["u2", "sp"])
      .group("outer", ["u1", "inner"])
      .assign(ROLE.aksRbacWriter, "outer", CLUSTER, { principalType: "Group" })
      .build();
    const access = evaluate(model);
    for (const id of ["outer", "inner", "u1", "u2", "sp"])
      expect(grantsOf(access, id)).toEqual(["write@* via azure-rbac"]);
    const u2 = access.principals.find((p) => p.principal.id === "u2");
    expect(u2?.grants[0].path.slice(0, 2)).toEqual([
      { kind: "principal", id: "u2", label: "u2 (User)" },
      { kind: "groupMembership", id: "outer", label: "member of outer" },
    ]);
  });

  it("members of the admin groups are cluster-admin through entra-admin-group (managed Entra only)", () => {
    const build = (mode: "managed" | "legacy") =>
      new AccessModelBuilder({ entra: { mode, azureRbac: false, adminGroupIds: ["admins"], tenantId: null } })
        .principal("u")
        .group("admins", ["u"])
        .build();
    expect(grantsOf(evaluate(build("managed")), "u")).toEqual(["cluster-admin@* via entra-admin-group"]);
    expect(grantsOf(evaluate(build("legacy")), "u")).toEqual([]);
  });

  it("names principals missing from the directory and marks deleted ones", () => {
    const model = new AccessModelBuilder()
      .principal("gone", "User", { deleted: true })
      .assign(ROLE.aksRbacReader, "gone", CLUSTER)
      .assign(ROLE.aksRbacReader, "unknown", CLUSTER, { principalType: "ServicePrincipal" })
      .build();
    const names = evaluate(model).principals.map((p) => `${p.principal.kind} ${p.principal.displayName}`);
    expect(names.sort()).toEqual(["ServicePrincipal unknown (not in directory)", "User gone (deleted)"]);
  });
});

describe("Kubernetes RBAC", () => {
  const admin = clusterRole("ns-admin", [
    { verbs: ["*"], apiGroups: ["", "apps", "batch"], resources: ["*"] },
    { verbs: ["*"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"] },
  ]);

  it.each([
    [
      "ClusterRoleBinding to * on *",
      [
        clusterRole("all", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]),
        clusterRoleBinding("b", "all", [user("u")]),
      ],
      "cluster-admin@* via kubernetes-rbac",
    ],
    [
      "RoleBinding to a ClusterRole",
      [admin, roleBinding("team", "b", { kind: "ClusterRole", name: "ns-admin" }, [user("u")])],
      "admin@team via kubernetes-rbac",
    ],
    [
      "RoleBinding to a Role",
      [
        role("team", "deployer", [{ verbs: ["create"], apiGroups: ["apps"], resources: ["deployments"] }]),
        roleBinding("team", "b", { kind: "Role", name: "deployer" }, [user("u")]),
      ],
      "write@team via kubernetes-rbac",
    ],
    [
      "RoleBinding to a Role of another namespace grants nothing",
      [
        role("other", "deployer", [{ verbs: ["create"], apiGroups: ["apps"], resources: ["deployments"] }]),
        roleBinding("team", "b", { kind: "Role", name: "deployer" }, [user("u")]),
      ],
      null,
    ],
    ["binding to a missing role grants nothing", [clusterRoleBinding("b", "missing", [user("u")])], null],
    [
      "aggregated ClusterRole",
      [
        clusterRole("agg", [], {}, { clusterRoleSelectors: [{ matchLabels: { x: "true" } }] }),
        clusterRole("part", [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }], {
          x: "true",
        }),
        clusterRoleBinding("b", "agg", [user("u")]),
      ],
      "read@* via kubernetes-rbac",
    ],
  ])("%s", (_name, objects, expected) => {
    const model = new AccessModelBuilder()
      .principal("u")
      .kubernetes(...objects)
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(expected === null ? [] : [expected]);
  });

  // Kubernetes compares subject names exactly: kubernetes/kubernetes
  // pkg/registry/rbac/validation/rule.go appliesToUser (`user.GetName() == subject.Name`,
  // `has(user.GetGroups(), subject.Name)`). On AKS the user name is the token's `upn` claim (as the
  // directory spells it) or, only without one, its `oid` claim (kubeguard/guard
  // auth/providers/azure/azure.go getUserInfo), and groups are the `groups` claim: lower-case GUIDs.
  // Leonard is a member (his token carries `upn`), so his object id names nobody.
  const LEONARD = "0b1f7c1e-4a53-4f1e-9c8e-2d6a1b7f3c10";
  const ADMINS = "6f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
  it.each([
    ["the UPN as the directory spells it", "User", "Leonard@Contoso.example", true],
    ["the object id of a member", "User", LEONARD, false],
    ["the UPN in other case", "User", "leonard@contoso.example", false],
    ["the object id in upper case", "User", LEONARD.toUpperCase(), false],
    ["a group's object id", "Group", ADMINS, true],
    ["a group's object id in upper case", "Group", ADMINS.toUpperCase(), false],
  ] as const)("%s (%s %s) matches", (_what, kind, name, matches) => {
    const reader = clusterRole("reader", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]);
    const model = new AccessModelBuilder()
      .principal(LEONARD, "User", { userPrincipalName: "Leonard@Contoso.example" })
      .group(ADMINS, [LEONARD])
      .kubernetes(reader, clusterRoleBinding("b1", "reader", [kind === "User" ? user(name) : group(name)]))
      .build();
    const access = evaluate(model);
    expect(grantsOf(access, LEONARD)).toEqual(matches ? ["read@* via kubernetes-rbac"] : []);
    if (!matches) {
      // the binding names someone else, whom the cluster knows only by that name
      const other = kind === "User" ? `k8s-user:${name}` : `k8s-group:${name}`;
      expect(grantsOf(access, other)).toEqual(["read@* via kubernetes-rbac"]);
    }
  });

  it("a ServiceAccount subject without namespace means the RoleBinding's namespace, and nobody in a ClusterRoleBinding", () => {
    // pkg/registry/rbac/validation/rule.go appliesToUser, case rbacv1.ServiceAccountKind
    const reader = clusterRole("reader", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]);
    const bare = { kind: "ServiceAccount", name: "builder" };
    const model = new AccessModelBuilder()
      .kubernetes(
        reader,
        { kind: "ServiceAccount", metadata: { name: "builder", namespace: "ci" } },
        { kind: "ServiceAccount", metadata: { name: "builder", namespace: "default" } },
        roleBinding("ci", "b", { kind: "ClusterRole", name: "reader" }, [bare]),
        clusterRoleBinding("crb", "reader", [bare]),
      )
      .build();
    const access = evaluate(model);
    expect(grantsOf(access, "system:serviceaccount:ci:builder")).toEqual(["read@ci via kubernetes-rbac"]);
    expect(grantsOf(access, "system:serviceaccount:default:builder")).toEqual([]);
  });

  it("members of a group that are no principal (devices, contacts) inherit nothing", () => {
    // The scanner leaves devices and contacts out of memberships; a snapshot or tenant file that
    // still lists one names an object the directory does not know as a principal.
    const reader = clusterRole("reader", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]);
    const model = new AccessModelBuilder()
      .principal("u")
      .group("g", ["u", "device-1"])
      .kubernetes(reader, clusterRoleBinding("b", "reader", [group("g")]))
      .assign(ROLE.aksRbacReader, "g", CLUSTER, { principalType: "Group" })
      .build();
    const access = evaluate(model);
    expect(grantsOf(access, "u")).toEqual(["read@* via azure-rbac", "read@* via kubernetes-rbac"]);
    expect(access.principals.map((p) => p.principal.id).sort()).toEqual(["g", "u"]);
  });

  it("binds Entra groups by object id and reaches their members", () => {
    const reader = clusterRole("reader", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]);
    const model = new AccessModelBuilder()
      .principal("u")
      .group("g", ["u"])
      .kubernetes(reader, clusterRoleBinding("b", "reader", [group("g")]))
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(["read@* via kubernetes-rbac"]);
    expect(grantsOf(evaluate(model), "g")).toEqual(["read@* via kubernetes-rbac"]);
  });

  it("keeps names that are no directory object as Kubernetes users and groups", () => {
    const reader = clusterRole("reader", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]);
    const model = new AccessModelBuilder()
      .kubernetes(reader, clusterRoleBinding("b", "reader", [user("cert-user"), group("ops")]))
      .build();
    expect(
      evaluate(model)
        .principals.map((p) => `${p.principal.kind}:${p.principal.id}`)
        .sort(),
    ).toEqual(["KubernetesGroup:k8s-group:ops", "KubernetesUser:k8s-user:cert-user"]);
  });

  it("on clusters without Entra integration, directory ids in bindings are not directory principals", () => {
    const reader = clusterRole("reader", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]);
    const model = new AccessModelBuilder({
      entra: { mode: "none", azureRbac: false, adminGroupIds: [], tenantId: null },
    })
      .principal("u")
      .kubernetes(reader, clusterRoleBinding("b", "reader", [user("u")]))
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual([]);
    expect(grantsOf(evaluate(model), "k8s-user:u")).toEqual(["read@* via kubernetes-rbac"]);
  });

  it("service accounts and the special groups", () => {
    const all = clusterRole("all", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]);
    const reader = clusterRole("reader", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]);
    const model = new AccessModelBuilder()
      .kubernetes(
        all,
        reader,
        { kind: "ServiceAccount", metadata: { name: "ci", namespace: "build" } },
        { kind: "ServiceAccount", metadata: { name: "web", namespace: "app" } },
        clusterRoleBinding("ci-admin", "all", [serviceAccountSubject("build", "ci")]),
        roleBinding("app", "sa-readers", { kind: "ClusterRole", name: "reader" }, [
          group("system:serviceaccounts:app"),
        ]),
        clusterRoleBinding("masters", "all", [group("system:masters")]),
        clusterRoleBinding("components", "all", [user("system:kube-scheduler"), group("system:nodes")]),
      )
      .build();
    const access = evaluate(model);
    expect(grantsOf(access, "system:serviceaccount:build:ci")).toEqual([
      "cluster-admin@* via kubernetes-rbac",
    ]);
    expect(grantsOf(access, "system:serviceaccount:app:web")).toEqual(["read@app via kubernetes-rbac"]);
    expect(grantsOf(access, "k8s-group:system:serviceaccounts:app")).toEqual([
      "read@app via kubernetes-rbac",
    ]);
    // system:masters bypasses RBAC (the local-admin-credential route); component identities are not reported
    expect(access.principals.map((p) => p.principal.id).sort()).toEqual([
      "k8s-group:system:serviceaccounts:app",
      "system:serviceaccount:app:web",
      "system:serviceaccount:build:ci",
    ]);
  });

  it("system:authenticated reaches every service account", () => {
    const all = clusterRole("all", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]);
    const model = new AccessModelBuilder()
      .kubernetes(
        all,
        { kind: "ServiceAccount", metadata: { name: "default", namespace: "x" } },
        clusterRoleBinding("everyone", "all", [group("system:authenticated")]),
      )
      .build();
    const access = evaluate(model);
    expect(grantsOf(access, "k8s-group:system:authenticated")).toEqual([
      "cluster-admin@* via kubernetes-rbac",
    ]);
    expect(grantsOf(access, "system:serviceaccount:x:default")).toEqual([
      "cluster-admin@* via kubernetes-rbac",
    ]);
  });

  it("with enableRBAC off, Kubernetes bindings are not evaluated", () => {
    const reader = clusterRole("reader", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]);
    const model = new AccessModelBuilder({ kubernetesRbac: false })
      .principal("u")
      .kubernetes(reader, clusterRoleBinding("b", "reader", [user("u")]))
      .build();
    const access = evaluate(model);
    // Without an RBAC authorizer every authenticated request is allowed: u, who signs in with Entra ID,
    // is cluster-admin through the setting, and binding b (read) is no part of it.
    expect(grantsOf(access, "u")).toEqual(["cluster-admin@* via kubernetes-rbac"]);
    const paths = access.principals.find((entry) => entry.principal.id === "u")?.grants[0].path ?? [];
    expect(paths.some((step) => step.kind === "k8s.clusterRoleBinding")).toBe(false);
    expect(paths.some((step) => step.label.includes("enableRBAC: false"))).toBe(true);
  });
});

describe("escalations", () => {
  it.each([
    [
      "Contributor on the cluster's resource group",
      ROLE.contributor,
      RG,
      {},
      ["cluster-write via azure-control-plane", "run-command via azure-control-plane"],
    ],
    [
      "run command disabled",
      ROLE.contributor,
      RG,
      { runCommandDisabled: true },
      ["cluster-write via azure-control-plane"],
    ],
    [
      "Managed Identity Operator on the kubelet identity",
      ROLE.managedIdentityOperator,
      KUBELET,
      {},
      ["identity-operator via azure-control-plane"],
    ],
    [
      "Virtual Machine Contributor on the node resource group",
      ROLE.virtualMachineContributor,
      NODE_RG,
      {},
      ["identity-operator via azure-control-plane"],
    ],
    [
      "Contributor on a scale set in the node resource group",
      ROLE.contributor,
      `${NODE_RG}/providers/microsoft.compute/virtualmachinescalesets/aks-np-1`,
      {},
      ["identity-operator via azure-control-plane"],
    ],
    ["Reader", ROLE.reader, `/subscriptions/${SUB}`, {}, []],
  ] as const)("%s", (_name, guid, scope, cluster, expected) => {
    const model = new AccessModelBuilder({ localAccountsDisabled: true, ...cluster })
      .principal("u")
      .assign(guid, "u", scope)
      .build();
    expect(escalationsOf(evaluate(model), "u")).toEqual(expected);
  });

  it.each([
    [
      "bind",
      { verbs: ["bind"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"] },
      "bind",
    ],
    [
      "escalate",
      { verbs: ["escalate"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"] },
      "escalate",
    ],
    ["impersonate", { verbs: ["impersonate"], apiGroups: [""], resources: ["users"] }, "impersonate"],
    [
      "create pods everywhere",
      { verbs: ["create"], apiGroups: [""], resources: ["pods"] },
      "kube-system-pods",
    ],
    [
      "read secrets everywhere",
      { verbs: ["list"], apiGroups: [""], resources: ["secrets"] },
      "kube-system-secrets",
    ],
  ])("Kubernetes: %s", (_name, rule, expected) => {
    const model = new AccessModelBuilder()
      .principal("u")
      .kubernetes(clusterRole("r", [rule]), clusterRoleBinding("b", "r", [user("u")]))
      .build();
    expect(escalationsOf(evaluate(model), "u")).toEqual([`${expected} via kubernetes-rbac`]);
  });

  it("kube-system escalations need kube-system; cluster-admins get no Kubernetes escalations", () => {
    const pods = clusterRole("pods", [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }]);
    const all = clusterRole("all", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]);
    const model = new AccessModelBuilder()
      .principal("team")
      .principal("ops")
      .principal("root")
      .kubernetes(
        pods,
        all,
        roleBinding("team", "b1", { kind: "ClusterRole", name: "pods" }, [user("team")]),
        roleBinding("kube-system", "b2", { kind: "ClusterRole", name: "pods" }, [user("ops")]),
        clusterRoleBinding("b3", "all", [user("root")]),
      )
      .build();
    const access = evaluate(model);
    expect(escalationsOf(access, "team")).toEqual([]);
    expect(escalationsOf(access, "ops")).toEqual(["kube-system-pods via kubernetes-rbac"]);
    expect(escalationsOf(access, "root")).toEqual([]);
  });

  it("Azure RBAC data actions give Kubernetes escalations too", () => {
    const model = new AccessModelBuilder().principal("u").assign(ROLE.aksRbacWriter, "u", CLUSTER).build();
    expect(escalationsOf(evaluate(model), "u")).toEqual([
      "impersonate via azure-rbac",
      "kube-system-pods via azure-rbac",
      "kube-system-secrets via azure-rbac",
    ]);
  });
});
