import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { ATTACK_ACTIONS, AttackEdges, imdsReachable } from "@/lib/access/attack-edges";
import {
  type AttackPath,
  AttackPathSearch,
  type PodReacher,
  type WantedReachers,
} from "@/lib/access/attack-paths";
import { grantingPattern } from "@/lib/access/azure-permissions";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import {
  type AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  RG,
  ROLE,
  role,
  roleBinding,
  SUB,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import { ReferenceAttackPathSearch } from "@/lib/access/fixtures/attack-paths-reference";
import {
  CLUSTER2,
  ISSUER1,
  KUBELET_OBJECT,
  MI,
  MI_PRINCIPAL,
  pathsOf,
  pod,
  RG2,
  twoClusterTenant as tenant,
} from "@/lib/access/fixtures/two-cluster-tenant";
import { loadDemoTenant } from "@/lib/emulator/demo/index";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { EVERYONE_PRINCIPAL_ID, type RoleDefinition } from "@/lib/model/azure";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";
import { clusterFromWire } from "@/lib/model/wire-azure";

// Multi-hop attack paths. Each edge has a test that fails without it: the path exists only
// through that edge. The model: aks-1 (in rg-1) and aks-2 (in rg-2, local accounts enabled, so
// Contributor there is cluster-admin through listClusterAdminCredential), and a managed identity
// `deployer` holding Contributor on rg-2 unless a test says otherwise.

const ADMIN_RULES = [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }];

/**
 * The label on which the azure-workload-identity webhook projects the workload identity token into a pod
 * (its objectSelector): exec into a running pod reaches the identity through that token.
 */
const WI_POD = { "azure.workload.identity/use": "true" };

/** Leonard may create pods in namespace default of aks-1 (nothing more). */
const leonardCreatesPods = [
  role("default", "pod-maker", [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }]),
  roleBinding("default", "leonard-pods", { kind: "Role", name: "pod-maker" }, [user("leonard")]),
];

const summary = (paths: AttackPath[]) =>
  paths.map((path) => `${path.level} in ${path.hops}${path.conditional ? " (conditional)" : ""}`);
const kinds = (path: AttackPath) => path.path.map((step) => step.kind);

/** `model` with one deny assignment of `dataActions` at `scope` (default: to leonard). */
function withDataDeny(
  model: TenantModel,
  scope: string,
  dataActions: string[],
  options: { notDataActions?: string[]; principals?: string[] } = {},
): TenantModel {
  return {
    ...model,
    denyAssignments: [
      ...model.denyAssignments,
      {
        id: `${scope}/providers/microsoft.authorization/denyassignments/data-deny`.toLowerCase(),
        name: "data deny",
        scope,
        permissions: [
          { actions: [], notActions: [], dataActions, notDataActions: options.notDataActions ?? [] },
        ],
        principals: (options.principals ?? ["leonard"]).map((id) => ({ id, type: "User" })),
        excludePrincipals: [],
        doNotApplyToChildScopes: false,
        isSystemProtected: false,
      },
    ],
  };
}

describe("the article's three-hop story", () => {
  it("Leonard, admin of namespace default on aks-1, becomes cluster-admin of aks-2 in three hops", () => {
    const model = tenant({
      objects: [
        clusterRole("admin", ADMIN_RULES),
        roleBinding("default", "leonard-admin", { kind: "ClusterRole", name: "admin" }, [user("leonard")]),
      ],
    });
    const [path, ...rest] = pathsOf(model, CLUSTER2, "leonard");
    expect(rest).toEqual([]);
    expect(path).toMatchObject({ level: "cluster-admin", hops: 3, conditional: false, namespace: null });
    expect(kinds(path)).toEqual([
      "principal",
      "k8s.roleBinding",
      "k8s.clusterRole",
      "permission",
      "cluster",
      "k8s.serviceAccount",
      "federatedCredential",
      "identity",
      "roleAssignment",
      "roleDefinition",
      "permission",
      "clusterSetting",
      "k8s.group",
      "cluster",
    ]);
    expect(path.path.at(-1)).toMatchObject({ kind: "cluster", id: CLUSTER2 });
    expect(path.path[5].label).toContain("default/deployer");
    expect(path.path[10].id).toBe(
      "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
    );
  });

  it("stops at the hop bound", () => {
    const model = tenant({ objects: leonardCreatesPods });
    expect(summary(pathsOf(model, CLUSTER2, "leonard", 3))).toEqual(["cluster-admin in 3"]);
    expect(pathsOf(model, CLUSTER2, "leonard", 2)).toEqual([]);
  });

  it("reports nothing to a level the principal already holds", () => {
    const model = tenant({
      objects: leonardCreatesPods,
      setup: (builder) => builder.assign(ROLE.aksClusterAdmin, "leonard", CLUSTER2),
    });
    expect(pathsOf(model, CLUSTER2, "leonard")).toEqual([]);
  });

  it("lists no path for the identity itself, which holds cluster-admin on aks-2 (a grant)", () => {
    const model = tenant({ objects: leonardCreatesPods });
    expect(pathsOf(model, CLUSTER2, MI_PRINCIPAL)).toEqual([]);
    // A service account is a principal of its own cluster only: its paths into aks-2 are not listed under aks-2.
    expect(pathsOf(model, CLUSTER2, "system:serviceaccount:default:deployer")).toEqual([]);
  });

  it("rejects a hop bound outside 1..8", () => {
    const index = buildAccessIndex(tenant());
    expect(() => new AttackPathSearch(index, 0)).toThrow(/from 1 to 8/);
    expect(() => new AttackPathSearch(index, 9)).toThrow(/from 1 to 8/);
  });
});

describe("Kubernetes → workload identity", () => {
  it.each([
    ["deployments", "apps", "create"],
    ["cronjobs", "batch", "create"],
    ["statefulsets", "apps", "patch"],
    ["replicationcontrollers", "", "update"],
  ])("%s (%s) %s runs a pod as the account", (resource, apiGroup, verb) => {
    const model = tenant({
      objects: [
        role("default", "ctl", [{ verbs: [verb], apiGroups: [apiGroup], resources: [resource] }]),
        roleBinding("default", "leonard-ctl", { kind: "Role", name: "ctl" }, [user("leonard")]),
      ],
    });
    expect(summary(pathsOf(model, CLUSTER2, "leonard"))).toEqual(["cluster-admin in 3"]);
  });

  it("patching one named deployment rewrites its pod template: any account of the namespace", () => {
    const model = tenant({
      objects: [
        role("default", "ctl", [
          { verbs: ["patch"], apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["web"] },
        ]),
        roleBinding("default", "leonard-ctl", { kind: "Role", name: "ctl" }, [user("leonard")]),
      ],
    });
    const [path] = pathsOf(model, CLUSTER2, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 3"]);
    expect(path.path.map((step) => step.label)).toContain(
      "can patch deployments.apps web in namespace default",
    );
  });

  it("reading deployments runs nothing", () => {
    const model = tenant({
      objects: [
        role("default", "ctl", [{ verbs: ["get", "list"], apiGroups: ["apps"], resources: ["deployments"] }]),
        roleBinding("default", "leonard-ctl", { kind: "Role", name: "ctl" }, [user("leonard")]),
      ],
    });
    expect(pathsOf(model, CLUSTER2, "leonard")).toEqual([]);
  });

  it("pod creation in another namespace does not reach the account", () => {
    const model = tenant({
      objects: [
        role("other", "pod-maker", [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }]),
        roleBinding("other", "leonard-pods", { kind: "Role", name: "pod-maker" }, [user("leonard")]),
      ],
      // no IMDS path either: the kubelet identity holds nothing
    });
    expect(pathsOf(model, CLUSTER2, "leonard")).toEqual([]);
  });

  it("create serviceaccounts/token mints the account's token", () => {
    const model = tenant({
      objects: [
        role("default", "minter", [
          { verbs: ["create"], apiGroups: [""], resources: ["serviceaccounts/token"] },
        ]),
        roleBinding("default", "leonard-mint", { kind: "Role", name: "minter" }, [user("leonard")]),
      ],
    });
    const [path] = pathsOf(model, CLUSTER2, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 3"]);
    expect(path.path.find((step) => step.kind === "k8s.serviceAccount")?.label).toContain("mints a token of");
  });

  // A token request and exec act on a named object (POST …/serviceaccounts/<name>/token,
  // …/pods/<name>/exec), so resourceNames limit them, unlike creating an object
  // (kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources).
  it.each([
    ["deployer", ["cluster-admin in 3"]],
    ["someone-else", []],
  ])("create serviceaccounts/token limited to %s", (allowed, expected) => {
    const model = tenant({
      objects: [
        role("default", "minter", [
          {
            verbs: ["create"],
            apiGroups: [""],
            resources: ["serviceaccounts/token"],
            resourceNames: [allowed],
          },
        ]),
        roleBinding("default", "leonard-mint", { kind: "Role", name: "minter" }, [user("leonard")]),
      ],
    });
    const paths = pathsOf(model, CLUSTER2, "leonard");
    expect(summary(paths)).toEqual(expected);
    if (paths.length > 0)
      expect(paths[0].path.map((step) => step.label)).toContain(
        "can create serviceaccounts/token deployer in namespace default",
      );
  });

  it.each([
    ["deployer-7f9", ["cluster-admin in 3"]],
    ["another-pod", []],
  ])("create pods/exec limited to pod %s", (allowed, expected) => {
    const model = tenant({
      aks1: { kubernetesVersion: "1.35.0" },
      objects: [
        pod("default", "deployer-7f9", "deployer", WI_POD),
        pod("default", "another-pod", "default"),
        role("default", "exec", [
          { verbs: ["create"], apiGroups: [""], resources: ["pods/exec"], resourceNames: [allowed] },
        ]),
        roleBinding("default", "leonard-exec", { kind: "Role", name: "exec" }, [user("leonard")]),
      ],
    });
    expect(summary(pathsOf(model, CLUSTER2, "leonard"))).toEqual(expected);
  });

  // kubernetes/kubernetes#134577: from 1.35 exec/attach over WebSocket needs `create`; before, `get` sufficed.
  const execObjects = (verb: string) => [
    pod("default", "deployer-7f9", "deployer", WI_POD),
    role("default", "exec", [{ verbs: [verb], apiGroups: [""], resources: ["pods/exec"] }]),
    roleBinding("default", "leonard-exec", { kind: "Role", name: "exec" }, [user("leonard")]),
  ];
  it("create pods/exec into a pod running as the account", () => {
    const model = tenant({ objects: execObjects("create"), aks1: { kubernetesVersion: "1.35.0" } });
    const [path] = pathsOf(model, CLUSTER2, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 3"]);
    expect(kinds(path)).toContain("k8s.pod");
  });
  it("get pods/exec suffices before Kubernetes 1.35, not from 1.35", () => {
    expect(
      summary(
        pathsOf(
          tenant({ objects: execObjects("get"), aks1: { kubernetesVersion: "1.34.2" } }),
          CLUSTER2,
          "leonard",
        ),
      ),
    ).toEqual(["cluster-admin in 3"]);
    expect(
      pathsOf(
        tenant({ objects: execObjects("get"), aks1: { kubernetesVersion: "1.35.0" } }),
        CLUSTER2,
        "leonard",
      ),
    ).toEqual([]);
  });
  it("exec needs a pod that runs as the account", () => {
    const model = tenant({ objects: execObjects("create").slice(1), aks1: { kubernetesVersion: "1.35.0" } });
    expect(pathsOf(model, CLUSTER2, "leonard")).toEqual([]);
  });

  it("Azure RBAC data actions that create pods count like Kubernetes RBAC", () => {
    const model = tenant({
      setup: (builder) => builder.assign(ROLE.aksRbacWriter, "leonard", `${CLUSTER}/namespaces/default`),
    });
    expect(summary(pathsOf(model, CLUSTER2, "leonard"))).toEqual(["cluster-admin in 3"]);
  });

  // A deny assignment applies at its scope and every child scope
  // (learn.microsoft.com/azure/role-based-access-control/deny-assignments): a namespace scope is a
  // child of the cluster, so a deny at the cluster covers an assignment in the namespace.
  it("a deny of data actions at the cluster covers a namespace-scoped Azure RBAC assignment", () => {
    const model = tenant({
      setup: (builder) => builder.assign(ROLE.aksRbacWriter, "leonard", `${CLUSTER}/namespaces/default`),
    });
    const denied = withDataDeny(model, CLUSTER, ["Microsoft.ContainerService/managedClusters/*"]);
    expect(pathsOf(denied, CLUSTER2, "leonard")).toEqual([]);
  });

  it("the issuer must match exactly: a missing trailing slash is another issuer", () => {
    const model = tenant({ objects: leonardCreatesPods, credential: { issuer: ISSUER1.slice(0, -1) } });
    expect(pathsOf(model, CLUSTER2, "leonard")).toEqual([]);
  });

  it("a subject naming another account does not match", () => {
    const model = tenant({
      objects: leonardCreatesPods,
      credential: { subject: "system:serviceaccount:default:other" },
    });
    expect(pathsOf(model, CLUSTER2, "leonard")).toEqual([]);
  });

  // Entra documents flexible credentials for tokens of GitHub, GitLab and Terraform Cloud only
  // (learn.microsoft.com/entra/workload-id/workload-identities-flexible-federated-identity-credentials,
  // the note on supported issuers): a match of a cluster's token is kept, but conditional.
  it("a flexible credential matching the namespace's accounts matches, conditionally", () => {
    const model = tenant({
      objects: leonardCreatesPods,
      credential: {
        subject: "",
        claimsMatchingExpression: {
          value: "claims['sub'] matches 'system:serviceaccount:default:*'",
          languageVersion: 1,
        },
      },
    });
    expect(summary(pathsOf(model, CLUSTER2, "leonard"))).toEqual(["cluster-admin in 3 (conditional)"]);
  });

  it("a flexible credential we cannot evaluate makes the path conditional", () => {
    const model = tenant({
      objects: leonardCreatesPods,
      credential: {
        subject: "",
        claimsMatchingExpression: { value: "claims['sub'] startswith 'system:'", languageVersion: 1 },
      },
    });
    expect(summary(pathsOf(model, CLUSTER2, "leonard"))).toEqual(["cluster-admin in 3 (conditional)"]);
  });
});

describe("Kubernetes → node identities", () => {
  const kubeletContributor = (builder: AccessModelBuilder) =>
    builder.assign(ROLE.contributor, KUBELET_OBJECT, RG2, { principalType: "ServicePrincipal" });

  it("creating a pod anywhere reaches the kubelet identity through IMDS", () => {
    const model = tenant({
      identityRole: null,
      objects: [
        role("scratch", "pod-maker", [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }]),
        roleBinding("scratch", "leonard-pods", { kind: "Role", name: "pod-maker" }, [user("leonard")]),
      ],
      setup: kubeletContributor,
    });
    const [path] = pathsOf(model, CLUSTER2, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 2"]);
    expect(path.path.find((step) => step.kind === "identity")?.label).toContain("kubelet identity");
  });

  // "Non-hostNetwork Pods will not be able to access IMDS" (az aks --enable-imds-restriction;
  // learn.microsoft.com/azure/aks/imds-restriction): a hostNetwork pod still can, unless Pod Security
  // admission forbids host namespaces (baseline and restricted: kubernetes.io/docs/concepts/security/pod-security-standards/).
  const namespaceObject = (name: string, enforce?: string) => ({
    kind: "Namespace",
    metadata: { name, labels: enforce ? { "pod-security.kubernetes.io/enforce": enforce } : {} },
  });
  it.each([
    ["baseline", []],
    ["restricted", []],
    ["privileged", ["cluster-admin in 2"]],
    [undefined, ["cluster-admin in 2"]],
  ])(
    "podLinkLocalAccess: None closes IMDS except to hostNetwork pods (namespace enforce %s)",
    (enforce, expected) => {
      const model = tenant({
        identityRole: null,
        aks1: { podLinkLocalAccess: "None" },
        objects: [namespaceObject("default", enforce), ...leonardCreatesPods],
        setup: kubeletContributor,
      });
      const paths = pathsOf(model, CLUSTER2, "leonard");
      expect(summary(paths)).toEqual(expected);
      if (paths.length > 0)
        expect(paths[0].path.find((step) => step.kind === "clusterSetting")?.label).toContain(
          "hostNetwork pod",
        );
    },
  );

  it("with podLinkLocalAccess: None, hostNetwork pod creators are who can use the node identity", () => {
    const model = tenant({
      identityRole: null,
      aks1: { podLinkLocalAccess: "None" },
      objects: [namespaceObject("default"), ...leonardCreatesPods],
      setup: kubeletContributor,
    });
    const reachers = new AttackPathSearch(buildAccessIndex(model)).podReachersOf(KUBELET_OBJECT);
    expect(
      reachers.map(
        ({ clusterId, reacher }) => `${clusterId === CLUSTER ? "aks-1" : clusterId} ${reacher.principal.id}`,
      ),
    ).toContain("aks-1 leonard");
  });

  // learn.microsoft.com/azure/aks/imds-restriction; the property: networkProfile.podLinkLocalAccess
  // (Microsoft.ContainerService 2025-10-02-preview), as Resource Graph returns the cluster.
  it("reads podLinkLocalAccess from the cluster's networkProfile", () => {
    const wire = (networkProfile: unknown) => ({
      id: CLUSTER2,
      name: "aks-2",
      type: "Microsoft.ContainerService/managedClusters",
      location: "westeurope",
      properties: { networkProfile },
    });
    expect(imdsReachable(clusterFromWire(wire({ podLinkLocalAccess: "None" })))).toBe(false);
    expect(imdsReachable(clusterFromWire(wire({ podLinkLocalAccess: "IMDS" })))).toBe(true);
    expect(imdsReachable(clusterFromWire(wire({ networkPlugin: "azure" })))).toBe(true);
  });

  it("an AzureIdentityBinding gives its identity to pods carrying its selector", () => {
    const model = tenant({
      credential: { issuer: "https://elsewhere.example/" },
      aks1: { kubeletIdentity: null },
      objects: [
        ...leonardCreatesPods,
        {
          kind: "AzureIdentity",
          apiVersion: "aadpodidentity.k8s.io/v1",
          metadata: { name: "deployer-id", namespace: "default" },
          spec: { type: 0, resourceID: MI, clientID: "mi-client" },
        },
        {
          kind: "AzureIdentityBinding",
          apiVersion: "aadpodidentity.k8s.io/v1",
          metadata: { name: "deployer-binding", namespace: "default" },
          spec: { azureIdentity: "deployer-id", selector: "deployer" },
        },
      ],
    });
    const [path] = pathsOf(model, CLUSTER2, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 2"]);
    expect(kinds(path)).toContain("podIdentity");
  });
});

describe("Azure control plane", () => {
  const onAks2 = {
    localAccountsDisabled: true,
    entra: { mode: "managed" as const, azureRbac: true, adminGroupIds: [], tenantId: "tenant-1" },
  };

  it("User Access Administrator over a cluster assigns itself AKS RBAC Cluster Admin", () => {
    const model = tenant({
      aks2: onAks2,
      setup: (builder) => builder.assign(ROLE.userAccessAdministrator, "olivia", RG2),
    });
    const [path] = pathsOf(model, CLUSTER2, "olivia");
    expect(summary([path])).toEqual(["cluster-admin in 1"]);
    expect(path.path.find((step) => step.kind === "action")?.label).toBe(
      "assigns itself Azure Kubernetes Service RBAC Cluster Admin on aks-2",
    );
  });

  // learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples
  it("an allow-list condition limits it to the roles listed", () => {
    const condition = `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ROLE.aksRbacReader}}))`;
    const model = tenant({
      aks2: onAks2,
      setup: (builder) =>
        builder.assign(ROLE.roleBasedAccessControlAdministrator, "olivia", RG2, { condition }),
    });
    expect(summary(pathsOf(model, CLUSTER2, "olivia"))).toEqual(["read in 1"]);
  });

  it("a deny-list of the privileged roles still leaves AKS RBAC Cluster Admin", () => {
    const condition = `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {${ROLE.owner}, ${ROLE.roleBasedAccessControlAdministrator}, ${ROLE.userAccessAdministrator}}))`;
    const model = tenant({
      aks2: onAks2,
      setup: (builder) =>
        builder.assign(ROLE.roleBasedAccessControlAdministrator, "olivia", RG2, { condition }),
    });
    expect(summary(pathsOf(model, CLUSTER2, "olivia"))).toEqual(["cluster-admin in 1"]);
  });

  it("a condition we cannot evaluate makes the path conditional", () => {
    const condition = `@Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}`;
    const model = tenant({
      aks2: onAks2,
      setup: (builder) =>
        builder.assign(ROLE.roleBasedAccessControlAdministrator, "olivia", RG2, { condition }),
    });
    expect(summary(pathsOf(model, CLUSTER2, "olivia"))).toEqual(["cluster-admin in 1 (conditional)"]);
  });

  it("roleAssignments/write over an identity takes it over, then its roles", () => {
    const model = tenant({ setup: (builder) => builder.assign(ROLE.userAccessAdministrator, "olivia", MI) });
    const [path] = pathsOf(model, CLUSTER2, "olivia");
    expect(summary([path])).toEqual(["cluster-admin in 2"]);
    expect(path.path.map((step) => step.label)).toContain(
      "assigns itself Managed Identity Contributor on it and adds a federated credential",
    );
  });

  it("federatedIdentityCredentials/write (Managed Identity Contributor) takes the identity over", () => {
    const model = tenant({
      setup: (builder) => builder.assign(ROLE.managedIdentityContributor, "mallory", MI),
    });
    expect(summary(pathsOf(model, CLUSTER2, "mallory"))).toEqual(["cluster-admin in 2"]);
  });

  // A deny assignment at the identity with doNotApplyToChildScopes (what a deployment stack protecting the
  // identity creates unless told to apply to child scopes) leaves nested resources alone: "DenySettings will
  // be applied to child resource scopes of every managed resource with a deny assignment" only with
  // applyToChildScopes (learn.microsoft.com, deployment stacks; DenySettings.applyToChildScopes, default
  // false). A federated credential is nested under its identity, so writing one is not denied: Mallory
  // still takes the identity over. Without the flag, or one scope up, the deny applies.
  it("a deny at the identity that does not apply to child scopes leaves federated-credential writes alone", () => {
    const model = tenant({
      setup: (builder) => builder.assign(ROLE.managedIdentityContributor, "mallory", MI),
    });
    const denyAt = (scope: string, doNotApplyToChildScopes: boolean): TenantModel => ({
      ...model,
      denyAssignments: [
        {
          id: `${scope}/providers/microsoft.authorization/denyassignments/stack-deny`.toLowerCase(),
          name: "deployment stack deny",
          scope,
          permissions: [{ actions: ["*"], notActions: ["*/read"], dataActions: [], notDataActions: [] }],
          principals: [{ id: EVERYONE_PRINCIPAL_ID, type: "SystemDefined" }],
          excludePrincipals: [],
          doNotApplyToChildScopes,
          isSystemProtected: true,
        },
      ],
    });
    expect(summary(pathsOf(denyAt(MI, true), CLUSTER2, "mallory"))).toEqual(["cluster-admin in 2"]);
    expect(summary(pathsOf(denyAt(MI, false), CLUSTER2, "mallory"))).toEqual([]);
    const resourceGroup = MI.split("/providers/")[0];
    expect(summary(pathsOf(denyAt(resourceGroup, true), CLUSTER2, "mallory"))).toEqual([
      "cluster-admin in 2",
    ]);
    expect(summary(pathsOf(denyAt(resourceGroup, false), CLUSTER2, "mallory"))).toEqual([]);
  });

  it("userAssignedIdentities/assign/action without compute to attach it to is conditional", () => {
    const model = tenant({ setup: (builder) => builder.assign(ROLE.managedIdentityOperator, "mallory", MI) });
    expect(summary(pathsOf(model, CLUSTER2, "mallory"))).toEqual(["cluster-admin in 2 (conditional)"]);
  });

  // learn.microsoft.com/azure/role-based-access-control/built-in-roles/identity (Managed Identity
  // Operator: assign/action); attaching an identity to a VM needs write on the VM as well.
  it("userAssignedIdentities/assign/action with write on a virtual machine takes the identity unconditionally", () => {
    const ATTACHER = "55555555-2222-3333-4444-555555555555";
    const model = tenant({
      setup: (builder) =>
        builder
          .customRole(ATTACHER, [
            {
              actions: [
                "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action",
                "Microsoft.Compute/virtualMachines/write",
              ],
            },
          ])
          .assign(ATTACHER, "mallory", MI),
    });
    const [path] = pathsOf(model, CLUSTER2, "mallory");
    expect(summary([path])).toEqual(["cluster-admin in 2"]);
    expect(path.path.map((step) => step.label)).toContain(
      "attaches it to a virtual machine, scale set or app it controls (Microsoft.Compute/virtualMachines/write)",
    );
  });

  it("managedClusters/write (a one-step escalation today) reaches cluster-admin", () => {
    const model = tenant({
      aks2: onAks2,
      setup: (builder) => builder.assign(ROLE.aksContributor, "carol", CLUSTER2),
    });
    const [path] = pathsOf(model, CLUSTER2, "carol");
    expect(summary([path])).toEqual(["cluster-admin in 1"]);
  });

  it("roleDefinitions/write over a custom role the principal holds", () => {
    const custom = "11111111-2222-3333-4444-555555555555";
    const editor = "99999999-2222-3333-4444-555555555555";
    const model = tenant({
      aks2: onAks2,
      setup: (builder) =>
        builder
          .customRole(custom, [{ actions: ["Microsoft.Resources/subscriptions/resourceGroups/read"] }])
          .customRole(editor, [{ actions: ["Microsoft.Authorization/roleDefinitions/write"] }])
          .assign(custom, "dave", RG2)
          .assign(editor, "dave", `/subscriptions/${SUB}`),
    });
    const [path] = pathsOf(model, CLUSTER2, "dave");
    expect(summary([path])).toEqual(["cluster-admin in 1"]);
    // Either custom role will do: the editor role is assigned over aks-2 too.
    expect(path.path.find((step) => step.kind === "action")?.label).toMatch(
      /^adds .* to custom-.*, which it holds$/,
    );
  });

  // learn.microsoft.com/azure/role-based-access-control/deny-assignments: "deny assignments take
  // precedence over role assignments" — a denied roleDefinitions/write edits no custom role.
  it("a deny assignment of roleDefinitions/write over the subscription removes that path", () => {
    const custom = "11111111-2222-3333-4444-555555555555";
    const editor = "99999999-2222-3333-4444-555555555555";
    const model = tenant({
      aks2: onAks2,
      setup: (builder) =>
        builder
          .customRole(custom, [{ actions: ["Microsoft.Resources/subscriptions/resourceGroups/read"] }])
          .customRole(editor, [{ actions: ["Microsoft.Authorization/roleDefinitions/write"] }])
          .assign(custom, "dave", RG2)
          .assign(editor, "dave", `/subscriptions/${SUB}`),
    });
    const scope = `/subscriptions/${SUB}`;
    const denied: TenantModel = {
      ...model,
      denyAssignments: [
        {
          id: `${scope}/providers/microsoft.authorization/denyassignments/no-role-edits`,
          name: "no role edits",
          scope,
          permissions: [
            {
              actions: ["Microsoft.Authorization/roleDefinitions/write"],
              notActions: [],
              dataActions: [],
              notDataActions: [],
            },
          ],
          principals: [{ id: "dave", type: "User" }],
          excludePrincipals: [],
          doNotApplyToChildScopes: false,
          isSystemProtected: false,
        },
      ],
    };
    expect(summary(pathsOf(denied, CLUSTER2, "dave"))).toEqual([]);
  });

  it("the identity's own Kubernetes grant (a lower level) is reported when closer than a stronger one", () => {
    const model = tenant({
      identityRole: null,
      objects: leonardCreatesPods,
      setup: (builder) =>
        builder.assign(ROLE.aksRbacReader, MI_PRINCIPAL, CLUSTER2, { principalType: "ServicePrincipal" }),
      aks2: { entra: { mode: "managed", azureRbac: true, adminGroupIds: [], tenantId: "tenant-1" } },
    });
    expect(summary(pathsOf(model, CLUSTER2, "leonard"))).toEqual(["read in 3"]);
  });
});

// kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping:
// `bind` lifts the rule that a binding grants only what its author holds, but the binding still has to
// be created; `escalate` lifts it for editing a role, which still needs update or patch.
describe("cluster-wide Kubernetes escalations", () => {
  const RBAC = "rbac.authorization.k8s.io";
  const holding = (rules: unknown[]) =>
    tenant({
      objects: [
        clusterRole("binder", rules),
        clusterRoleBinding("leonard-binder", "binder", [user("leonard")]),
      ],
    });

  it("bind on clusterroles with create clusterrolebindings reaches cluster-admin in one hop", () => {
    const model = holding([
      { verbs: ["bind"], apiGroups: [RBAC], resources: ["clusterroles"] },
      { verbs: ["create"], apiGroups: [RBAC], resources: ["clusterrolebindings"] },
    ]);
    const [path] = pathsOf(model, CLUSTER, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 1"]);
    expect(path.path.map((step) => step.label)).toContain("binds cluster-admin to itself");
  });

  it("bind alone creates no binding; bind restricted to another role binds no cluster-admin", () => {
    expect(
      pathsOf(
        holding([{ verbs: ["bind"], apiGroups: [RBAC], resources: ["clusterroles"] }]),
        CLUSTER,
        "leonard",
      ),
    ).toEqual([]);
    const restricted = holding([
      { verbs: ["bind"], apiGroups: [RBAC], resources: ["clusterroles"], resourceNames: ["view"] },
      { verbs: ["create"], apiGroups: [RBAC], resources: ["clusterrolebindings"] },
    ]);
    expect(pathsOf(restricted, CLUSTER, "leonard")).toEqual([]);
  });

  it("escalate with update on the ClusterRole it holds adds every permission to it", () => {
    const model = holding([
      { verbs: ["escalate", "update"], apiGroups: [RBAC], resources: ["clusterroles"] },
    ]);
    const [path] = pathsOf(model, CLUSTER, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 1"]);
    expect(path.path.map((step) => step.label)).toContain("adds every permission to a ClusterRole it holds");
  });

  it("escalate without update or patch, or with update only on another role, changes nothing", () => {
    expect(
      pathsOf(
        holding([{ verbs: ["escalate"], apiGroups: [RBAC], resources: ["clusterroles"] }]),
        CLUSTER,
        "leonard",
      ),
    ).toEqual([]);
    const other = holding([
      { verbs: ["escalate"], apiGroups: [RBAC], resources: ["clusterroles"] },
      { verbs: ["update"], apiGroups: [RBAC], resources: ["clusterroles"], resourceNames: ["someone-elses"] },
    ]);
    expect(pathsOf(other, CLUSTER, "leonard")).toEqual([]);
  });

  // RBAC adds up: "Permissions are purely additive" (kubernetes.io/docs/reference/access-authn-authz/rbac/
  // #role-and-clusterrole); rbac.go Authorize allows what a rule of any of the caller's bindings allows.
  it("bind in one ClusterRoleBinding and create clusterrolebindings in another take the cluster together", () => {
    const model = tenant({
      objects: [
        clusterRole("binder", [
          {
            verbs: ["bind"],
            apiGroups: [RBAC],
            resources: ["clusterroles"],
            resourceNames: ["cluster-admin"],
          },
        ]),
        clusterRole("binding-writer", [
          { verbs: ["create"], apiGroups: [RBAC], resources: ["clusterrolebindings"] },
        ]),
        clusterRoleBinding("leonard-binder", "binder", [user("leonard")]),
        clusterRoleBinding("leonard-writer", "binding-writer", [user("leonard")]),
      ],
    });
    const [path] = pathsOf(model, CLUSTER, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 1"]);
    const labels = path.path.map((step) => step.label);
    expect(labels).toEqual(
      expect.arrayContaining([
        "ClusterRoleBinding leonard-binder",
        "ClusterRoleBinding leonard-writer",
        "binds cluster-admin to itself, with these bindings' permissions together",
      ]),
    );
  });

  it("escalate in one binding and update of that binding's ClusterRole in another add every permission to it", () => {
    const model = tenant({
      objects: [
        clusterRole("escalator", [{ verbs: ["escalate"], apiGroups: [RBAC], resources: ["clusterroles"] }]),
        clusterRole("editor", [
          { verbs: ["update"], apiGroups: [RBAC], resources: ["clusterroles"], resourceNames: ["escalator"] },
        ]),
        clusterRoleBinding("leonard-escalator", "escalator", [user("leonard")]),
        clusterRoleBinding("leonard-editor", "editor", [user("leonard")]),
      ],
    });
    expect(summary(pathsOf(model, CLUSTER, "leonard"))).toEqual(["cluster-admin in 1"]);
  });

  it("two bindings of someone else's add nothing to Leonard's", () => {
    const model = tenant({
      objects: [
        clusterRole("binder", [{ verbs: ["bind"], apiGroups: [RBAC], resources: ["clusterroles"] }]),
        clusterRole("binding-writer", [
          { verbs: ["create"], apiGroups: [RBAC], resources: ["clusterrolebindings"] },
        ]),
        clusterRoleBinding("leonard-binder", "binder", [user("leonard")]),
        clusterRoleBinding("penny-writer", "binding-writer", [user("penny")]),
      ],
    });
    expect(pathsOf(model, CLUSTER, "leonard")).toEqual([]);
  });
});

// The optimised search (shared edge caches, weaker levels searching only what they bring closer,
// one tenant-wide pass for pod reachers) must report exactly what the straightforward search of
// fixtures/attack-paths-reference.ts reports: same escalations, same hops, same paths.
describe("the optimised search agrees with the straightforward one", () => {
  async function generatedModel(): Promise<TenantModel> {
    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on("data", (chunk: Buffer) => chunks.push(chunk));
    await generateTenant(
      { seed: 11, subscriptions: 3, clusters: 12, roleAssignments: 1200, bindings: 900, principals: 250 },
      out,
    );
    out.end();
    return modelFromTenantFile(
      parseTenantFile(JSON.parse(Buffer.concat(chunks).toString("utf8")), "generated"),
    );
  }

  function identitiesOf(model: TenantModel): string[] {
    const ids = new Set(model.identities.map((identity) => identity.principalId));
    for (const cluster of model.clusters) {
      for (const ref of [cluster.kubeletIdentity, ...cluster.addons.map((addon) => addon.identity)])
        if (ref?.objectId) ids.add(ref.objectId.toLowerCase());
    }
    return [...ids].sort();
  }

  /** JSON first (fast on thousands of paths), the structural diff only to explain a difference */
  function expectSame(actual: unknown, expected: unknown, what: string): void {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) expect(actual, what).toEqual(expected);
  }

  function expectSameResults(model: TenantModel, maxHops: number): number {
    const index = buildAccessIndex(model);
    const optimised = new AttackPathSearch(index, maxHops);
    const reference = new ReferenceAttackPathSearch(index, maxHops);
    let compared = 0;
    for (const cluster of model.clusters) {
      const access = evaluateClusterAccess(model, cluster.id, index);
      const expected = reference.forCluster(access);
      expectSame(optimised.forCluster(access), expected, cluster.name);
      compared += expected.length;
    }
    for (const identity of identitiesOf(model)) {
      const expected = reference.podReachersOf(identity);
      const actual = optimised.podReachersOf(identity);
      // the path, built when read, and the kind of its second step, known without building it
      for (const { reacher } of actual) expect(reacher.firstStepKind).toBe(reacher.path[1]?.kind ?? null);
      expectSame(
        actual.map(({ clusterId, reacher: { firstStepKind: _, ...reacher } }) => ({
          clusterId,
          reacher: {
            principal: reacher.principal,
            level: reacher.level,
            namespace: reacher.namespace,
            hops: reacher.hops,
            conditional: reacher.conditional,
            eligible: reacher.eligible,
            path: reacher.path,
          },
        })),
        expected,
        identity,
      );
      compared += expected.length;
    }
    return compared;
  }

  it("on the demo tenant, at 5 and 8 hops", async () => {
    const model = modelFromTenantFile(await loadDemoTenant());
    expect(expectSameResults(model, 5)).toBeGreaterThan(10);
    expect(expectSameResults(model, 8)).toBeGreaterThan(10);
  });

  // The reference repeats its searches: this takes seconds on a loaded machine (a harness deadline, no timing).
  it("on a generated tenant (12 clusters, 1200 role assignments, 900 bindings), at 5 hops", {
    timeout: 120_000,
  }, async () => {
    const model = await generatedModel();
    expect(expectSameResults(model, 5)).toBeGreaterThan(100);
  });

  // pod-creators-reach-identity asks only for the reachers it lists: those left out must be exactly the ones the
  // whole answer holds that the caller refuses, the others unchanged (the standing route of an eligible
  // reacher included: the caller sees the reacher the answer would hold, never a fallback). The standing
  // routes are searched for the principals wanted only, and that search stops once they are settled: the
  // second filter, by principal id, leaves out about half of the reachers whose shortest way is eligible, so
  // the standing search stops with others of them unsettled.
  const wantedCases: [string, WantedReachers][] = [
    [
      "no groups, no group members",
      {
        principal: (principal) => principal.kind !== "Group",
        firstStep: (firstStepKind) => firstStepKind !== "groupMembership",
      },
    ],
    [
      "principals by id",
      { principal: (principal) => principal.id.charCodeAt(principal.id.length - 1) % 2 === 0 },
    ],
  ];
  it.each(wantedCases)(
    "the reachers a caller wants are the whole answer's, filtered: %s",
    {
      timeout: 120_000,
    },
    async (_name, wanted) => {
      const model = await generatedModel();
      const search = new AttackPathSearch(buildAccessIndex(model));
      const wants = (reacher: PodReacher) =>
        (wanted.principal?.(reacher.principal) ?? true) &&
        (wanted.firstStep?.(reacher.firstStepKind) ?? true);
      const shape = (found: { clusterId: string; reacher: PodReacher }[]) =>
        found.map(({ clusterId, reacher }) => ({ clusterId, ...reacher, path: reacher.path }));
      let kept = 0;
      let left = 0;
      for (const identity of identitiesOf(model)) {
        for (const clusterId of search.podSideClustersOf(identity)) {
          const whole = search.podReachersOf(identity, clusterId);
          const expected = whole.filter(({ reacher }) => wants(reacher));
          expectSame(shape(search.podReachersOf(identity, clusterId, wanted)), shape(expected), identity);
          kept += expected.length;
          left += whole.length - expected.length;
        }
      }
      expect(kept).toBeGreaterThan(100);
      expect(left).toBeGreaterThan(100);
    },
  );

  // Past its budget a cache drops or evicts what it holds and the search rebuilds it on demand: a budget of
  // one entry does that on every miss (the 500-cluster tenant did it thousands of times a cluster).
  it("with edge caches too small to keep anything, every edge rebuilt on demand", {
    timeout: 120_000,
  }, async () => {
    const model = await generatedModel();
    // against the search with the default budget, which the test above holds to the reference
    const full = new AttackPathSearch(buildAccessIndex(model));
    const tiny = new AttackPathSearch(buildAccessIndex(model, { edgeCacheBytes: 1 }));
    let compared = 0;
    // a few of each: with nothing kept, each takes seconds (tens since every account of the tenant signs in
    // to the Entra clusters as a member of system:authenticated, and the searches reach most of the graph)
    for (const cluster of model.clusters.slice(0, 1)) {
      const access = evaluateClusterAccess(model, cluster.id, full.index);
      const expected = full.forCluster(access);
      expectSame(tiny.forCluster(access), expected, cluster.name);
      compared += expected.length;
    }
    for (const identity of identitiesOf(model).slice(0, 3)) {
      const reachers = (search: AttackPathSearch) =>
        search
          .podReachersOf(identity)
          .map(({ clusterId, reacher }) => ({ clusterId, ...reacher, path: reacher.path }));
      const expected = reachers(full);
      expectSame(reachers(tiny), expected, identity);
      compared += expected.length;
    }
    expect(compared).toBeGreaterThan(100);
    const use = tiny.edges.cacheUse();
    // the caches did start again: the comparison above is of rebuilt edges
    expect(
      use.clusterHolders.evictions + use.identityEdges.evictions + use.impersonation.evictions,
    ).toBeGreaterThan(0);
    // and what the search keeps of their lists per node (flatPredecessorParts) went with them, never past its own budget
    expect(use.flatNodes.evictions).toBeGreaterThan(0);
    expect(use.flatNodes.entries).toBeLessThanOrEqual(use.flatNodes.budget);
    // and the node numbers the search marks its visits by started again with it, in the middle of searches
    // (a budget of one node: at nearly every expansion), the answers the same
    expect(tiny.edges.numbering.epoch).toBeGreaterThan(100);
  });

  it("role facts read from the patterns that can match are those of the whole definition", {
    timeout: 60_000,
  }, async () => {
    const model = await generatedModel();
    const edges = new AttackEdges(buildAccessIndex(model));
    const full = (definition: RoleDefinition) => {
      const control = (action: string) => grantingPattern(definition, "control", action);
      return {
        writeRoleAssignment: control(ATTACK_ACTIONS.writeRoleAssignment),
        writeRoleDefinition: control(ATTACK_ACTIONS.writeRoleDefinition),
        writeFederatedCredential: control(ATTACK_ACTIONS.writeFederatedCredential),
        assignIdentity: control(ATTACK_ACTIONS.assignIdentity),
        computeWrite: ATTACK_ACTIONS.computeWrites.map(control).find((pattern) => pattern !== null) ?? null,
        writeScaleSet: control(ATTACK_ACTIONS.writeScaleSet),
      };
    };
    // the whole built-in catalogue, and hand-made patterns that exercise wildcards and exclusions
    const definitions: RoleDefinition[] = [
      ...model.roleDefinitions,
      ...[
        ["*/write"],
        ["Microsoft.*"],
        ["microsoft.authorization/*"],
        ["Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action"],
        ["Microsoft.Compute/*/write"],
      ].map((actions, i) => ({
        ...model.roleDefinitions[0],
        guid: `pattern-${i}`,
        permissions: [
          { actions, notActions: ["Microsoft.Authorization/*/Write"], dataActions: [], notDataActions: [] },
          { actions, notActions: [], dataActions: [], notDataActions: [] },
        ],
      })),
    ];
    expect(definitions.length).toBeGreaterThan(500);
    for (const definition of definitions)
      expect(edges.roleFacts(definition), definition.roleName).toEqual(full(definition));
    // and roles left out of the candidates for roleAssignments/write give no level on any cluster
    const candidates = new Set(edges.clusterRoleCandidates());
    for (const definition of model.roleDefinitions) {
      if (candidates.has(definition)) continue;
      for (const cluster of model.clusters) expect(edges.levelByRole(cluster, definition)).toBeNull();
    }
  });
});

// Run command (`managedClusters/runCommand/action`): on AKS-managed Entra clusters the Azure CLI sends
// the caller's own Entra token as `clusterToken`, "so the command execution also using current user
// identity" (Azure/azure-cli src/azure-cli/azure/cli/command_modules/acs/custom.py, aks_runcommand);
// without Entra the command pod uses the admin credential, which disableLocalAccounts refuses.
describe("run command", () => {
  const RUNNER = "77777777-2222-3333-4444-555555555555";
  const runner = (builder: AccessModelBuilder) =>
    builder
      .customRole(RUNNER, [{ actions: ["Microsoft.ContainerService/managedClusters/runCommand/action"] }])
      .assign(RUNNER, "rita", CLUSTER2);
  const noEntra = { mode: "none" as const, azureRbac: false, adminGroupIds: [], tenantId: "tenant-1" };

  it("without Entra integration it runs kubectl with the admin credential: cluster-admin", () => {
    const model = tenant({ aks2: { entra: noEntra, localAccountsDisabled: false }, setup: runner });
    const [path, ...rest] = pathsOf(model, CLUSTER2, "rita");
    expect(rest).toEqual([]);
    expect(summary([path])).toEqual(["cluster-admin in 1"]);
    expect(path.path.find((step) => step.kind === "action")?.id).toBe(`${CLUSTER2}#run-command`);
  });

  it("on an AKS-managed Entra cluster it runs as the caller, local accounts or not: nothing gained", () => {
    for (const localAccountsDisabled of [false, true]) {
      const model = tenant({ aks2: { localAccountsDisabled }, setup: runner });
      expect(pathsOf(model, CLUSTER2, "rita"), `localAccountsDisabled: ${localAccountsDisabled}`).toEqual([]);
    }
  });

  it("gives nothing with local accounts disabled, or with run command disabled", () => {
    for (const aks2 of [
      { entra: noEntra, localAccountsDisabled: true },
      { entra: noEntra, localAccountsDisabled: false, runCommandDisabled: true },
    ]) {
      expect(pathsOf(tenant({ aks2, setup: runner }), CLUSTER2, "rita"), JSON.stringify(aks2)).toEqual([]);
    }
  });
});

// kubernetes.io/docs/concepts/security/rbac-good-practices/ ("Kubernetes RBAC - privilege escalation
// risks") and kubernetes.io/docs/concepts/workloads/pods/ephemeral-containers/: each edge below runs
// code in a pod that already runs as default/deployer, whose identity holds Contributor on rg-2.
describe("running code in existing pods", () => {
  const withPod = (rules: unknown[], bindingKind: "Role" | "ClusterRole" = "Role") => [
    pod("default", "deployer-7f9", "deployer", WI_POD),
    ...(bindingKind === "Role"
      ? [
          role("default", "r", rules),
          roleBinding("default", "leonard-r", { kind: "Role", name: "r" }, [user("leonard")]),
        ]
      : [clusterRole("r", rules), clusterRoleBinding("leonard-r", "r", [user("leonard")])]),
  ];

  it.each(["update", "patch"])("%s pods/ephemeralcontainers adds a container to the pod", (verb) => {
    const model = tenant({
      objects: withPod([{ verbs: [verb], apiGroups: [""], resources: ["pods/ephemeralcontainers"] }]),
      aks1: { kubernetesVersion: "1.35.0" },
    });
    const [path] = pathsOf(model, CLUSTER2, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 3"]);
    expect(path.path.map((step) => step.label)).toContain(
      `can ${verb} pods/ephemeralcontainers in namespace default`,
    );
  });

  it("reading pods/ephemeralcontainers adds nothing", () => {
    const model = tenant({
      objects: withPod([{ verbs: ["get"], apiGroups: [""], resources: ["pods/ephemeralcontainers"] }]),
      aks1: { kubernetesVersion: "1.35.0" },
    });
    expect(pathsOf(model, CLUSTER2, "leonard")).toEqual([]);
  });

  it("get nodes/proxy (cluster-wide) execs into any pod through the kubelet API", () => {
    const model = tenant({
      objects: withPod([{ verbs: ["get"], apiGroups: [""], resources: ["nodes/proxy"] }], "ClusterRole"),
      aks1: { kubernetesVersion: "1.35.0" },
    });
    const [path] = pathsOf(model, CLUSTER2, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 3"]);
    expect(kinds(path)).toContain("k8s.pod");
  });

  it("nodes/proxy through a RoleBinding grants nothing: nodes are cluster-scoped", () => {
    const model = tenant({
      objects: [
        pod("default", "deployer-7f9", "deployer"),
        clusterRole("r", [{ verbs: ["get"], apiGroups: [""], resources: ["nodes/proxy"] }]),
        roleBinding("default", "leonard-r", { kind: "ClusterRole", name: "r" }, [user("leonard")]),
      ],
      aks1: { kubernetesVersion: "1.35.0" },
    });
    expect(pathsOf(model, CLUSTER2, "leonard")).toEqual([]);
  });
});

// Kubernetes user impersonation: kubernetes.io/docs/reference/access-authn-authz/user-impersonation/
// (and kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation); the API
// server's filter is kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go.
describe("Kubernetes impersonation", () => {
  const impersonator = (rules: unknown[], namespace: string | null = null) =>
    namespace === null
      ? [clusterRole("imp", rules), clusterRoleBinding("leonard-imp", "imp", [user("leonard")])]
      : [
          role(namespace, "imp", rules),
          roleBinding(namespace, "leonard-imp", { kind: "Role", name: "imp" }, [user("leonard")]),
        ];
  const impersonate = (resources: string[], resourceNames?: string[]) => ({
    verbs: ["impersonate"],
    apiGroups: [""],
    resources,
    ...(resourceNames ? { resourceNames } : {}),
  });
  const aliceAdminOfProd = [
    clusterRole("admin", ADMIN_RULES),
    roleBinding("prod", "alice-admin", { kind: "ClusterRole", name: "admin" }, [user("alice")]),
  ];

  it("impersonating a user acts with that user's bindings (resourceNames say whom)", () => {
    const model = tenant({
      objects: [...aliceAdminOfProd, ...impersonator([impersonate(["users"], ["alice"])])],
    });
    const [path, ...rest] = pathsOf(model, CLUSTER, "leonard");
    expect(rest).toEqual([]);
    expect(path).toMatchObject({ level: "admin", namespace: "prod", hops: 2, conditional: false });
    expect(path.path.map((step) => step.label)).toEqual([
      "leonard (User)",
      "ClusterRoleBinding leonard-imp",
      "ClusterRole imp",
      "can impersonate users alice",
      "acts as user alice on aks-1 (impersonation)",
      "RoleBinding prod/alice-admin",
      "ClusterRole admin",
      "aks-1, namespace prod",
    ]);
  });

  it("resourceNames naming someone else give nothing", () => {
    const model = tenant({
      objects: [...aliceAdminOfProd, ...impersonator([impersonate(["users"], ["bob"])])],
    });
    expect(pathsOf(model, CLUSTER, "leonard")).toEqual([]);
  });

  it("users and groups are cluster-scoped: a RoleBinding cannot grant impersonating them", () => {
    const model = tenant({
      objects: [...aliceAdminOfProd, ...impersonator([impersonate(["users", "groups"])], "default")],
    });
    expect(pathsOf(model, CLUSTER, "leonard")).toEqual([]);
  });

  it("impersonating groups and any user reaches system:masters: cluster-admin", () => {
    const model = tenant({ objects: impersonator([impersonate(["users", "groups"])]) });
    const [path] = pathsOf(model, CLUSTER, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 2"]);
    expect(path.path.map((step) => step.label)).toContain(
      "can impersonate groups system:masters (with a user it may impersonate)",
    );
  });

  it("Impersonate-Group needs Impersonate-User: groups alone reach nothing", () => {
    const model = tenant({ objects: impersonator([impersonate(["groups"])]) });
    expect(pathsOf(model, CLUSTER, "leonard")).toEqual([]);
  });

  it("impersonating users alone gives none of the user's groups, so not system:masters", () => {
    const model = tenant({
      objects: [
        ...impersonator([impersonate(["users"])]),
        clusterRole("cluster-admin", ADMIN_RULES),
        clusterRoleBinding("ops-admin", "cluster-admin", [{ kind: "Group", name: "ops" }]),
      ],
      setup: (builder) => builder.principal("alice").group("ops", ["alice"]),
    });
    expect(pathsOf(model, CLUSTER, "leonard")).toEqual([]);
  });

  it("a group someone may impersonate (with a user) gives that group's bindings", () => {
    const model = tenant({
      objects: [
        ...impersonator([impersonate(["users"], ["anyone"]), impersonate(["groups"], ["ops"])]),
        clusterRole("cluster-admin", ADMIN_RULES),
        clusterRoleBinding("ops-admin", "cluster-admin", [{ kind: "Group", name: "ops" }]),
      ],
      setup: (builder) => builder.principal("alice").group("ops", ["alice"]),
    });
    expect(summary(pathsOf(model, CLUSTER, "leonard"))).toEqual(["cluster-admin in 2"]);
  });

  it("a RoleBinding may grant impersonating the service accounts of its namespace", () => {
    const objects = (namespace: string) => [
      ...impersonator([impersonate(["serviceaccounts"], ["deployer"])], namespace),
      clusterRole("cluster-admin", ADMIN_RULES),
      clusterRoleBinding("deployer-admin", "cluster-admin", [
        { kind: "ServiceAccount", name: "deployer", namespace: "default" },
      ]),
    ];
    const [path] = pathsOf(tenant({ objects: objects("default") }), CLUSTER, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 2"]);
    expect(path.path.map((step) => step.label)).toContain(
      "acts as service account default/deployer on aks-1 (impersonation)",
    );
    expect(pathsOf(tenant({ objects: objects("other") }), CLUSTER, "leonard")).toEqual([]);
  });

  it("an impersonated service account carries system:serviceaccounts:<namespace>", () => {
    const model = tenant({
      objects: [
        ...impersonator([impersonate(["serviceaccounts"])], "default"),
        clusterRole("view", [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }]),
        clusterRoleBinding("sa-view", "view", [{ kind: "Group", name: "system:serviceaccounts:default" }]),
      ],
    });
    expect(summary(pathsOf(model, CLUSTER, "leonard"))).toEqual(["read in 2"]);
  });

  it("impersonating a service account gives its API access, not its token: no workload identity by itself", () => {
    const model = tenant({ objects: impersonator([impersonate(["serviceaccounts"])], "default") });
    expect(pathsOf(model, CLUSTER2, "leonard")).toEqual([]);
  });

  it("an impersonated service account that may create pods runs one as itself: its identity", () => {
    const model = tenant({
      objects: [
        ...impersonator([impersonate(["serviceaccounts"], ["deployer"])], "default"),
        role("default", "pod-maker", [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }]),
        roleBinding("default", "deployer-pods", { kind: "Role", name: "pod-maker" }, [
          { kind: "ServiceAccount", name: "deployer", namespace: "default" },
        ]),
      ],
    });
    const [path] = pathsOf(model, CLUSTER2, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 4"]);
    expect(kinds(path)).toContain("federatedCredential");
  });

  it("Azure RBAC's impersonate data actions name no object: any user and group, so system:masters", () => {
    const IMPERSONATOR = "88888888-2222-3333-4444-555555555555";
    const model = tenant({
      setup: (builder) =>
        builder
          .customRole(IMPERSONATOR, [
            {
              dataActions: [
                "Microsoft.ContainerService/managedClusters/users/impersonate/action",
                "Microsoft.ContainerService/managedClusters/groups/impersonate/action",
              ],
            },
          ])
          .assign(IMPERSONATOR, "leonard", CLUSTER),
    });
    expect(summary(pathsOf(model, CLUSTER, "leonard"))).toEqual(["cluster-admin in 2"]);
  });
});

// kubernetes.io/docs/concepts/security/rbac-good-practices/ ("Certificate signing requests",
// "Control admission webhooks") and kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/
// (kubernetes.io/kube-apiserver-client: no subject restrictions; approving needs update on
// certificatesigningrequests/approval and approve on signers, named <domain>/<path> or <domain>/*).
describe("cluster-wide permissions that amount to cluster-admin", () => {
  const CERTS = "certificates.k8s.io";
  const csrRules = (signer: string) => [
    { verbs: ["create", "get"], apiGroups: [CERTS], resources: ["certificatesigningrequests"] },
    { verbs: ["update"], apiGroups: [CERTS], resources: ["certificatesigningrequests/approval"] },
    { verbs: ["approve"], apiGroups: [CERTS], resources: ["signers"], resourceNames: [signer] },
  ];
  const bound = (rules: unknown[]) => [
    clusterRole("r", rules),
    clusterRoleBinding("leonard-r", "r", [user("leonard")]),
  ];

  it.each(["kubernetes.io/kube-apiserver-client", "kubernetes.io/*"])(
    "create and approve CSRs for the API server's client signer (%s): a system:masters certificate",
    (signer) => {
      const [path] = pathsOf(tenant({ objects: bound(csrRules(signer)) }), CLUSTER, "leonard");
      expect(summary([path])).toEqual(["cluster-admin in 1"]);
      expect(path.path.map((step) => step.label)).toContain(
        "issues itself a client certificate in group system:masters",
      );
    },
  );

  it("approving for another signer, or without the approval subresource, gives nothing", () => {
    expect(
      pathsOf(tenant({ objects: bound(csrRules("kubernetes.io/kubelet-serving")) }), CLUSTER, "leonard"),
    ).toEqual([]);
    const noApproval = csrRules("kubernetes.io/kube-apiserver-client").filter(
      (rule) => rule.resources[0] !== "certificatesigningrequests/approval",
    );
    expect(pathsOf(tenant({ objects: bound(noApproval) }), CLUSTER, "leonard")).toEqual([]);
  });

  it.each(["create", "update", "patch"])("%s mutatingwebhookconfigurations: cluster-admin", (verb) => {
    const rules = [
      {
        verbs: [verb],
        apiGroups: ["admissionregistration.k8s.io"],
        resources: ["mutatingwebhookconfigurations"],
      },
    ];
    expect(summary(pathsOf(tenant({ objects: bound(rules) }), CLUSTER, "leonard"))).toEqual([
      "cluster-admin in 1",
    ]);
  });

  it("validatingwebhookconfigurations read what is admitted but change nothing: not cluster-admin", () => {
    const rules = [
      {
        verbs: ["create", "update"],
        apiGroups: ["admissionregistration.k8s.io"],
        resources: ["validatingwebhookconfigurations"],
      },
    ];
    expect(pathsOf(tenant({ objects: bound(rules) }), CLUSTER, "leonard")).toEqual([]);
  });

  it("through Azure RBAC data actions at the cluster", () => {
    const WEBHOOKS = "66666666-2222-3333-4444-555555555555";
    const model = tenant({
      setup: (builder) =>
        builder
          .customRole(WEBHOOKS, [
            {
              dataActions: [
                "Microsoft.ContainerService/managedClusters/admissionregistration.k8s.io/mutatingwebhookconfigurations/write",
              ],
            },
          ])
          .assign(WEBHOOKS, "leonard", CLUSTER),
    });
    expect(summary(pathsOf(model, CLUSTER, "leonard"))).toEqual(["cluster-admin in 1"]);
  });

  // learn.microsoft.com/azure/role-based-access-control/deny-assignments: a deny assignment's
  // dataActions/notDataActions block data actions the way actions/notActions block control ones,
  // and "deny assignments take precedence over role assignments"; AKS checks Kubernetes requests
  // against Azure RBAC data actions (learn.microsoft.com/azure/aks/manage-azure-rbac).
  describe("Azure RBAC data actions under a deny assignment", () => {
    const BINDER = "77777777-2222-3333-4444-555555555555";
    const DATA = "Microsoft.ContainerService/managedClusters";
    // bind on clusterroles and create clusterrolebindings: binds cluster-admin to itself
    const binderDataActions = [
      `${DATA}/rbac.authorization.k8s.io/clusterroles/bind/action`,
      `${DATA}/rbac.authorization.k8s.io/clusterrolebindings/write`,
    ];
    const holdingBind = () =>
      tenant({
        setup: (builder) =>
          builder.customRole(BINDER, [{ dataActions: binderDataActions }]).assign(BINDER, "leonard", CLUSTER),
      });

    it("denying clusterroles/bind/action at the resource group takes the bind takeover away", () => {
      expect(summary(pathsOf(holdingBind(), CLUSTER, "leonard"))).toEqual(["cluster-admin in 1"]);
      const model = withDataDeny(holdingBind(), RG, [
        `${DATA}/rbac.authorization.k8s.io/clusterroles/bind/action`,
      ]);
      expect(pathsOf(model, CLUSTER, "leonard")).toEqual([]);
    });

    it("a deny of every data action takes it; one whose notDataActions spare RBAC, or naming someone else, does not", () => {
      expect(pathsOf(withDataDeny(holdingBind(), CLUSTER, [`${DATA}/*`]), CLUSTER, "leonard")).toEqual([]);
      const spared = withDataDeny(holdingBind(), CLUSTER, [`${DATA}/*`], {
        notDataActions: [`${DATA}/rbac.authorization.k8s.io/*`],
      });
      expect(summary(pathsOf(spared, CLUSTER, "leonard"))).toEqual(["cluster-admin in 1"]);
      const other = withDataDeny(holdingBind(), CLUSTER, [`${DATA}/*`], { principals: ["alice"] });
      expect(summary(pathsOf(other, CLUSTER, "leonard"))).toEqual(["cluster-admin in 1"]);
    });

    it("denying mutatingwebhookconfigurations/write through a group leonard is in", () => {
      const WEBHOOKS = "66666666-2222-3333-4444-555555555555";
      const model = tenant({
        setup: (builder) =>
          builder
            .customRole(WEBHOOKS, [
              { dataActions: [`${DATA}/admissionregistration.k8s.io/mutatingwebhookconfigurations/write`] },
            ])
            .assign(WEBHOOKS, "leonard", CLUSTER)
            .group("locked", ["leonard"]),
      });
      expect(summary(pathsOf(model, CLUSTER, "leonard"))).toEqual(["cluster-admin in 1"]);
      const denied = withDataDeny(model, CLUSTER, [`${DATA}/admissionregistration.k8s.io/*`], {
        principals: ["locked"],
      });
      expect(pathsOf(denied, CLUSTER, "leonard")).toEqual([]);
    });

    // The one-step engine honours dataActions of deny assignments already (computeRoleFacts in
    // lib/access/access-index.ts); this pins it beside the graph's behaviour.
    it("the one-step engine: AKS RBAC Cluster Admin under a deny of every data action keeps only its credential read", () => {
      const model = tenant({
        setup: (builder) => builder.assign(ROLE.aksRbacClusterAdmin, "leonard", CLUSTER),
      });
      const levels = (m: TenantModel) =>
        evaluateClusterAccess(m, CLUSTER)
          .principals.filter((entry) => entry.principal.id === "leonard")
          .flatMap((entry) => entry.grants.map((grant) => grant.level));
      expect(levels(model)).toEqual(["cluster-admin"]);
      expect(levels(withDataDeny(model, CLUSTER, [`${DATA}/*`]))).toEqual(["credentials-only"]);
    });

    it("denying groups/impersonate leaves users only: no system:masters", () => {
      const IMPERSONATOR = "88888888-2222-3333-4444-555555555555";
      const model = tenant({
        setup: (builder) =>
          builder
            .customRole(IMPERSONATOR, [
              { dataActions: [`${DATA}/users/impersonate/action`, `${DATA}/groups/impersonate/action`] },
            ])
            .assign(IMPERSONATOR, "leonard", CLUSTER),
      });
      expect(summary(pathsOf(model, CLUSTER, "leonard"))).toEqual(["cluster-admin in 2"]);
      const denied = withDataDeny(model, `/subscriptions/${SUB}`, [`${DATA}/groups/impersonate/action`]);
      expect(pathsOf(denied, CLUSTER, "leonard")).toEqual([]);
    });
  });

  it("an impersonated user's takeover permission is reached through impersonation", () => {
    const model = tenant({
      objects: [
        clusterRole("hooks", [
          {
            verbs: ["create"],
            apiGroups: ["admissionregistration.k8s.io"],
            resources: ["mutatingwebhookconfigurations"],
          },
        ]),
        clusterRoleBinding("alice-hooks", "hooks", [user("alice")]),
        ...bound([
          { verbs: ["impersonate"], apiGroups: [""], resources: ["users"], resourceNames: ["alice"] },
        ]),
      ],
    });
    expect(summary(pathsOf(model, CLUSTER, "leonard"))).toEqual(["cluster-admin in 2"]);
  });
});

describe("the user credential of a cluster without Entra integration", () => {
  // Without Entra integration listClusterUserCredential returns the same system:masters client certificate as
  // the admin credential (learn.microsoft.com/azure/aks/control-kubeconfig-access; Azure/AKS issue 1343), so
  // its holder runs pods as any service account there — as the one-step engine and levelByRole already said.
  const noEntra = { entra: { mode: "none" as const, azureRbac: false, adminGroupIds: [], tenantId: null } };

  it("runs a pod as the federated service account and reaches aks-2 through the workload identity", () => {
    const model = tenant({
      aks1: noEntra,
      setup: (builder) => builder.assign(ROLE.aksClusterUser, "leonard", CLUSTER),
    });
    const [path] = pathsOf(model, CLUSTER2, "leonard");
    expect(summary([path])).toEqual(["cluster-admin in 3"]);
    expect(path.path.map((step) => step.label)).toContain(
      "no Entra integration: the user credential is a cluster-admin certificate",
    );
  });

  it("gives nothing of the kind where Entra integration makes it a kubeconfig without rights", () => {
    const model = tenant({ setup: (builder) => builder.assign(ROLE.aksClusterUser, "leonard", CLUSTER) });
    expect(pathsOf(model, CLUSTER2, "leonard")).toEqual([]);
  });
});
