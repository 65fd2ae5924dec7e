import { describe, expect, it } from "vitest";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import {
  AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  group,
  RG,
  ROLE,
  roleBinding,
  SUB,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import type { ClusterAccess } from "@/lib/access/types";
import type { Cluster } from "@/lib/model/azure";
import type { TenantModel } from "@/lib/model/tenant-model";

// An audit of the AKS-specific semantics of the access engine against Microsoft's documentation,
// the ARM specification and the code of the components AKS runs. Each case cites its source;
// `AKS/` = https://learn.microsoft.com/azure/aks/ (MicrosoftDocs/azure-aks-docs articles/aks/).

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

const NO_ENTRA: Cluster["entra"] = { mode: "none", azureRbac: false, adminGroupIds: [], tenantId: null };
const LEGACY: Cluster["entra"] = {
  mode: "legacy",
  azureRbac: false,
  adminGroupIds: [],
  tenantId: "tenant-1",
};
const MANAGED_K8S_RBAC: Cluster["entra"] = {
  mode: "managed",
  azureRbac: false,
  adminGroupIds: [],
  tenantId: "tenant-1",
};

const podReader = clusterRole("pod-reader", [
  { verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] },
]);

describe("Kubernetes user names of Entra principals (Guard: the `upn` claim, else `oid`)", () => {
  // The AKS authentication webhook (Guard) names an Entra caller by the token's `upn` claim and
  // only when the token has none by its `oid` claim: kubeguard/guard auth/providers/azure/azure.go,
  // claims.getUserInfo(azureUsernameClaim = "upn", azureObjectIDClaim = "oid"). Member users carry
  // `upn`; guests (B2B users, whose UPN holds `#EXT#`), service principals and managed identities
  // do not. Hence AKS/kubernetes-rbac-entra-id: "If the user you grant the Kubernetes RBAC binding
  // for is in the same Microsoft Entra tenant, assign permissions based on the UPN. If the user is
  // in a different Microsoft Entra tenant, query for and use the objectId property instead."
  // (also MicrosoftDocs/azure-docs issues 40922, 67252, 90405: a member's object id does not work).
  const MEMBER = "0b1f7c1e-4a53-4f1e-9c8e-2d6a1b7f3c10";
  const GUEST = "1c2f7c1e-4a53-4f1e-9c8e-2d6a1b7f3c11";
  const NO_UPN = "2d3f7c1e-4a53-4f1e-9c8e-2d6a1b7f3c12";
  const SP = "3e4f7c1e-4a53-4f1e-9c8e-2d6a1b7f3c13";
  const MI = "4f5f7c1e-4a53-4f1e-9c8e-2d6a1b7f3c14";
  const MEMBER_UPN = "Leonard@Contoso.example";
  const GUEST_UPN = "gail_fabrikam.example#EXT#@contoso.onmicrosoft.com";

  it.each([
    ["a member user by UPN", MEMBER_UPN, MEMBER, true],
    // Guard reports a member by `upn`, never by `oid`: a binding to the member's object id names
    // nobody (issues 40922, 67252, 90405 above; the article binds Leonard by UPN, `defaultnsadmin`).
    ["a member user by object id (its token carries upn)", MEMBER, MEMBER, false],
    ["a guest user by object id", GUEST, GUEST, true],
    ["a guest user by UPN (a guest's token has no upn)", GUEST_UPN, GUEST, false],
    ["a user whose UPN the scan did not read, by object id", NO_UPN, NO_UPN, true],
    ["a service principal by object id", SP, SP, true],
    ["a managed identity by object id", MI, MI, true],
  ] as const)("User subject: %s", (_what, subjectName, principalId, matches) => {
    const model = new AccessModelBuilder()
      .principal(MEMBER, "User", { userPrincipalName: MEMBER_UPN })
      .principal(GUEST, "User", { userPrincipalName: GUEST_UPN })
      .principal(NO_UPN, "User")
      .principal(SP, "ServicePrincipal")
      .principal(MI, "ManagedIdentity")
      .kubernetes(podReader, clusterRoleBinding("b", "pod-reader", [user(subjectName)]))
      .build();
    const access = evaluate(model);
    expect(grantsOf(access, principalId)).toEqual(matches ? ["read@* via kubernetes-rbac"] : []);
    if (!matches) {
      // the binding still grants to whoever the cluster knows by that name
      expect(grantsOf(access, `k8s-user:${subjectName}`)).toEqual(["read@* via kubernetes-rbac"]);
    }
  });

  it.each([
    ["managed", MANAGED_K8S_RBAC],
    ["legacy", LEGACY],
  ] as const)("the same holds on %s Entra integration (both authenticate through Guard)", (_mode, entra) => {
    // AKS/azure-ad-integration-cli (legacy): "From inside of the Kubernetes cluster, Webhook Token
    // Authentication is used to verify authentication tokens."
    const model = new AccessModelBuilder({ entra })
      .principal(GUEST, "User", { userPrincipalName: GUEST_UPN })
      .kubernetes(
        podReader,
        clusterRoleBinding("by-upn", "pod-reader", [user(GUEST_UPN)]),
        roleBinding("team", "by-id", { kind: "ClusterRole", name: "pod-reader" }, [user(GUEST)]),
      )
      .build();
    expect(grantsOf(evaluate(model), GUEST)).toEqual(["read@team via kubernetes-rbac"]);
  });

  it("groups are named by object id whatever their members' names", () => {
    // AKS/kubernetes-rbac-entra-id: "kind: Group ... name: groupObjectId"
    const model = new AccessModelBuilder()
      .principal(MEMBER, "User", { userPrincipalName: MEMBER_UPN })
      .group("team-group", [MEMBER])
      .kubernetes(podReader, clusterRoleBinding("b", "pod-reader", [group("team-group")]))
      .build();
    expect(grantsOf(evaluate(model), MEMBER)).toEqual(["read@* via kubernetes-rbac"]);
  });
});

describe("clusters with Kubernetes RBAC disabled (enableRBAC: false)", () => {
  // Without RBAC the API server authorizes every authenticated request: "You already have
  // administrative permissions by default in a non-RBAC configuration" (MicrosoftDocs/azure-docs
  // articles/azure-monitor/containers/container-insights-livedata-setup.md, "Kubernetes cluster
  // without Kubernetes RBAC enabled"). AKS's engine sets --authorization-mode only when RBAC is on
  // (Azure/aks-engine pkg/api/defaults-apiserver.go: `if EnableRbac { --authorization-mode =
  // "Node,RBAC" }`), and kube-apiserver's default mode is AlwaysAllow. So every service account,
  // that is every pod, is cluster-admin.
  const serviceAccounts = [
    { kind: "ServiceAccount", metadata: { name: "default", namespace: "default" } },
    { kind: "ServiceAccount", metadata: { name: "builder", namespace: "ci" } },
  ];

  it("every service account and system:authenticated are cluster-admin", () => {
    const model = new AccessModelBuilder({ entra: NO_ENTRA, kubernetesRbac: false })
      .kubernetes(...serviceAccounts)
      .build();
    const access = evaluate(model);
    for (const id of [
      "k8s-group:system:authenticated",
      "system:serviceaccount:default:default",
      "system:serviceaccount:ci:builder",
    ]) {
      expect(grantsOf(access, id)).toEqual(["cluster-admin@* via kubernetes-rbac"]);
    }
    const builder = access.principals.find((p) => p.principal.id === "system:serviceaccount:ci:builder");
    expect(builder?.grants[0].path.map((step) => step.kind)).toEqual([
      "principal",
      "groupMembership",
      "clusterSetting",
      "cluster",
    ]);
    expect(builder?.grants[0].path[2].id).toBe(`${CLUSTER}#enableRBAC`);
  });

  it("bindings there grant nothing more, and a cluster without its Kubernetes inventory still shows system:authenticated", () => {
    const model = new AccessModelBuilder({ entra: NO_ENTRA, kubernetesRbac: false })
      .principal("u")
      .assign(ROLE.aksClusterUser, "u", CLUSTER)
      .build();
    delete model.kubernetes[CLUSTER];
    const access = evaluate(model);
    expect(grantsOf(access, "k8s-group:system:authenticated")).toEqual([
      "cluster-admin@* via kubernetes-rbac",
    ]);
    // AKS/control-kubeconfig-access: "On clusters that don't use Microsoft Entra ID, the
    // clusterUser role has same effect of clusterAdmin role."
    expect(grantsOf(access, "u")).toEqual(["cluster-admin@* via user-credential"]);
  });

  it("with RBAC on, service accounts have only what they are bound to", () => {
    const model = new AccessModelBuilder({ entra: NO_ENTRA }).kubernetes(...serviceAccounts).build();
    expect(evaluate(model).principals).toEqual([]);
  });
});

describe("credentials each ARM action yields", () => {
  it.each([
    // AKS/control-kubeconfig-access: Cluster Admin Role → listClusterAdminCredential, "Users with
    // the clusterAdmin role have admin access"; the admin kubeconfig is a certificate in
    // system:masters (AKS/concepts-cluster-authentication: "a built-in cluster admin certificate").
    [
      "managed Entra: Cluster Admin Role",
      MANAGED_K8S_RBAC,
      ROLE.aksClusterAdmin,
      "cluster-admin@* via local-admin-credential",
    ],
    [
      "legacy Entra: Cluster Admin Role",
      LEGACY,
      ROLE.aksClusterAdmin,
      "cluster-admin@* via local-admin-credential",
    ],
    [
      "no Entra: Cluster Admin Role",
      NO_ENTRA,
      ROLE.aksClusterAdmin,
      "cluster-admin@* via local-admin-credential",
    ],
    // "On clusters that use Microsoft Entra ID, users with the clusterUser role have an empty
    // kubeconfig file that prompts a login. Once logged in, users have access based on their
    // Microsoft Entra user or group settings." — a kubeconfig, not access.
    [
      "managed Entra: Cluster User Role",
      MANAGED_K8S_RBAC,
      ROLE.aksClusterUser,
      "credentials-only@* via user-credential",
    ],
    [
      "legacy Entra: Cluster User Role",
      LEGACY,
      ROLE.aksClusterUser,
      "credentials-only@* via user-credential",
    ],
    // "On clusters that don't use Microsoft Entra ID, the clusterUser role has same effect of
    // clusterAdmin role" (its certificate's organisation is system:masters: Azure/AKS issue 1343).
    ["no Entra: Cluster User Role", NO_ENTRA, ROLE.aksClusterUser, "cluster-admin@* via user-credential"],
  ] as const)("%s", (_name, entra, guid, expected) => {
    const model = new AccessModelBuilder({ entra }).principal("u").assign(guid, "u", CLUSTER).build();
    expect(grantsOf(evaluate(model), "u")).toEqual([expected]);
  });

  it("Contributor's `*` includes listClusterAdminCredential, from a subscription too (the article's story)", () => {
    // Contributor: actions `*` (built-in role definition b24988ac-…); scope inheritance:
    // A/overview ("the scope … child resources inherit"). AKS/concepts-cluster-authentication: "Any
    // caller who can list this credential gets full cluster admin access without going through Entra ID".
    const model = new AccessModelBuilder()
      .principal("penny")
      .assign(ROLE.contributor, "penny", `/subscriptions/${SUB}`)
      .build();
    expect(grantsOf(evaluate(model), "penny")).toEqual(["cluster-admin@* via local-admin-credential"]);
  });

  it("Contributor's `*` covers no data action: with local accounts disabled it gives no Kubernetes access", () => {
    // `actions` never grant `dataActions` (A/role-definitions, "DataActions"); listClusterAdminCredential
    // fails with local accounts disabled (AKS/local-accounts: "Getting static credential isn't allowed").
    const model = new AccessModelBuilder({ localAccountsDisabled: true })
      .principal("penny")
      .assign(ROLE.contributor, "penny", RG)
      .build();
    const access = evaluate(model);
    expect(grantsOf(access, "penny")).toEqual(["credentials-only@* via user-credential"]);
    expect(escalationsOf(access, "penny")).toEqual([
      "cluster-write via azure-control-plane",
      "run-command via azure-control-plane",
    ]);
  });

  it("the Cluster Monitoring User role's credential is not reported as access", () => {
    // listClusterMonitoringUserCredential (AKS/monitor-aks-reference) gives the clusterMonitoringUser
    // kubeconfig, not the admin or user one; what that user may do is decided in the cluster.
    const model = new AccessModelBuilder({ entra: NO_ENTRA })
      .principal("u")
      .assign(ROLE.aksClusterMonitoringUser, "u", CLUSTER)
      .build();
    expect(evaluate(model).principals).toEqual([]);
  });

  it("the Cluster Admin Role's lower-case `runcommand/action` is run command", () => {
    // Built-in role 0ab0b1a8-…: `Microsoft.ContainerService/managedClusters/runcommand/action`;
    // ARM action names are case-insensitive. AKS/access-private-cluster: "The RBAC actions
    // Microsoft.ContainerService/managedClusters/runcommand/action and …/commandResults/read control
    // the permissions for using command invoke."
    const model = new AccessModelBuilder({ localAccountsDisabled: true })
      .principal("u")
      .assign(ROLE.aksClusterAdmin, "u", CLUSTER)
      .build();
    const access = evaluate(model);
    expect(grantsOf(access, "u")).toEqual([]);
    expect(escalationsOf(access, "u")).toEqual(["run-command via azure-control-plane"]);
  });

  it("run command's path says whose identity its kubectl runs as", () => {
    // Azure/azure-cli acs/custom.py aks_runcommand: on AKS-managed Entra clusters the caller's own
    // token for the AKS server app is sent as `clusterToken` "so the command execution also using
    // current user identity"; the RP requires it there (Azure/azure-rest-api-specs issue 22480:
    // "MissingAADClusterToken"). Elsewhere no token is sent and the command uses the cluster's
    // admin credential.
    const label = (entra: Cluster["entra"]) => {
      const model = new AccessModelBuilder({ entra })
        .principal("u")
        .assign(ROLE.aksClusterAdmin, "u", CLUSTER)
        .build();
      const escalation = evaluate(model).principals[0].escalations.find((e) => e.to === "run-command");
      return escalation?.path.find((step) => step.kind === "clusterSetting")?.label ?? "";
    };
    expect(label(MANAGED_K8S_RBAC)).toContain("caller's own Entra identity");
    expect(label(NO_ENTRA)).toContain("admin credential");
    expect(label(LEGACY)).toContain("admin credential");
  });
});

describe("Entra admin groups", () => {
  it("members stay cluster-admin with local accounts disabled", () => {
    // AKS/local-accounts: "users assigned to a Microsoft Entra administrators group specified by
    // aad-admin-group-object-ids can still gain access using non-administrator credentials."
    const model = new AccessModelBuilder({
      entra: { ...MANAGED_K8S_RBAC, adminGroupIds: ["admins"] },
      localAccountsDisabled: true,
    })
      .principal("u")
      .group("admins", ["u"])
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(["cluster-admin@* via entra-admin-group"]);
  });
});

describe("Azure RBAC for Kubernetes authorization: built-in data roles", () => {
  // AKS/entra-id-authorization, "AKS built-in roles", and the role definitions (built-in roles 7f6c6a51-…,
  // a7ffa36f-…, 3498e952-…, b1ff04bb-…).
  it("RBAC Reader reads, but not secrets (so no kube-system secrets escalation)", () => {
    // "This role doesn't allow viewing Secrets"
    const model = new AccessModelBuilder().principal("u").assign(ROLE.aksRbacReader, "u", CLUSTER).build();
    const access = evaluate(model);
    expect(grantsOf(access, "u")).toEqual(["read@* via azure-rbac"]);
    expect(escalationsOf(access, "u")).toEqual([]);
  });

  it("RBAC Writer writes and reads secrets, but is no admin: no roles or role bindings", () => {
    // "doesn't allow viewing or modifying roles or role bindings. However, this role allows accessing
    // Secrets and running Pods as any ServiceAccount in the namespace"
    const model = new AccessModelBuilder()
      .principal("u")
      .assign(ROLE.aksRbacWriter, "u", `${CLUSTER}/namespaces/team`)
      .build();
    const access = evaluate(model);
    expect(grantsOf(access, "u")).toEqual(["write@team via azure-rbac"]);
    expect(escalationsOf(access, "u")).toEqual(["impersonate via azure-rbac"]);
  });

  it("RBAC Admin in a namespace is its admin, and may bind and escalate roles there", () => {
    // "the ability to create roles and role bindings within the namespace"
    const model = new AccessModelBuilder()
      .principal("u")
      .assign(ROLE.aksRbacAdmin, "u", `${CLUSTER}/namespaces/team`)
      .build();
    const access = evaluate(model);
    expect(grantsOf(access, "u")).toEqual(["admin@team via azure-rbac"]);
    expect(escalationsOf(access, "u")).toEqual([
      "bind via azure-rbac",
      "escalate via azure-rbac",
      "impersonate via azure-rbac",
    ]);
  });

  it("RBAC Admin at the cluster is admin everywhere but not cluster-admin (no namespaces or quotas); bind leads there", () => {
    // "doesn't allow write access to resource quota or to the namespace itself" (notDataActions);
    // its `managedClusters/*` still holds clusterroles/bind/action, which the RBAC API honours
    // from any authorizer (K/reference/access-authn-authz/rbac, "Restrictions on role binding creation").
    const model = new AccessModelBuilder().principal("u").assign(ROLE.aksRbacAdmin, "u", CLUSTER).build();
    const access = evaluate(model);
    expect(grantsOf(access, "u")).toEqual(["admin@* via azure-rbac"]);
    expect(escalationsOf(access, "u")).toContain("bind via azure-rbac");
  });

  it("RBAC Cluster Admin is cluster-admin at the cluster and admin within one namespace", () => {
    // "Allows super-user access to perform any action on any resource"; a namespace scope reaches
    // only that namespace (AKS/entra-id-authorization, namespace-scoped role assignments).
    const model = new AccessModelBuilder()
      .principal("a")
      .assign(ROLE.aksRbacClusterAdmin, "a", CLUSTER)
      .principal("b")
      .assign(ROLE.aksRbacClusterAdmin, "b", `${CLUSTER}/namespaces/team`)
      .build();
    const access = evaluate(model);
    expect(grantsOf(access, "a")).toEqual(["cluster-admin@* via azure-rbac"]);
    expect(grantsOf(access, "b")).toEqual(["admin@team via azure-rbac"]);
  });

  it("Azure RBAC and Kubernetes RBAC both authorize: a grant by either is reported", () => {
    // AKS/concepts-cluster-authorization: "You can use both models on the same cluster."
    const model = new AccessModelBuilder()
      .principal("u", "User", { userPrincipalName: "u@contoso.example" })
      .assign(ROLE.aksRbacReader, "u", CLUSTER)
      .kubernetes(
        clusterRole("deployer", [{ verbs: ["create"], apiGroups: ["apps"], resources: ["deployments"] }]),
        roleBinding("team", "b", { kind: "ClusterRole", name: "deployer" }, [user("u@contoso.example")]),
      )
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual([
      "read@* via azure-rbac",
      "write@team via kubernetes-rbac",
    ]);
  });

  it("data roles do nothing without Azure RBAC for Kubernetes (enableAzureRBAC false, legacy, none)", () => {
    // AKS/entra-id-authorization prerequisites: "You need managed Microsoft Entra integration enabled"
    for (const entra of [MANAGED_K8S_RBAC, LEGACY, NO_ENTRA]) {
      const model = new AccessModelBuilder({ entra })
        .principal("u")
        .assign(ROLE.aksRbacClusterAdmin, "u", CLUSTER)
        .build();
      const expected =
        entra.mode === "none"
          ? ["cluster-admin@* via user-credential"]
          : ["credentials-only@* via user-credential"];
      // (RBAC Cluster Admin also holds listClusterUserCredential/action)
      expect(grantsOf(evaluate(model), "u")).toEqual(expected);
    }
  });
});

describe("network settings change nothing about who is authorized", () => {
  it.each([
    ["a private cluster", { privateCluster: true }],
    ["authorized IP ranges", { authorizedIpRanges: ["203.0.113.0/24"] }],
  ] as [string, Partial<Cluster>][])("%s", (_name, settings) => {
    // AKS/private-clusters and api-server-authorized-ip-ranges restrict where the API server is
    // reachable from, not who is authorized once a request reaches it.
    const model = new AccessModelBuilder(settings)
      .principal("u")
      .assign(ROLE.aksClusterAdmin, "u", CLUSTER)
      .assign(ROLE.aksRbacWriter, "u", CLUSTER)
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual([
      "cluster-admin@* via local-admin-credential",
      "write@* via azure-rbac",
    ]);
  });
});
