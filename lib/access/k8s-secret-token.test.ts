import { describe, expect, it } from "vitest";
import type { AttackPath } from "@/lib/access/attack-paths";
import {
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  role,
  roleBinding,
  serviceAccountSubject,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import {
  CLUSTER2,
  pathsOf,
  serviceAccount,
  type TwoClusterOptions,
  twoClusterTenant as tenant,
} from "@/lib/access/fixtures/two-cluster-tenant";
import type { TenantModel } from "@/lib/model/tenant-model";

// Service-account tokens minted through Secrets. Whoever may create a Secret in namespace N may create one
// of type `kubernetes.io/service-account-token` annotated `kubernetes.io/service-account.name: <sa>`; the
// control plane fills it with a non-expiring token of that account (kubernetes.io/docs/tasks/
// configure-pod-container/configure-service-account/#manually-create-an-api-token-for-a-serviceaccount;
// kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets: the annotation must name an
// existing account). Current Kubernetes still does it: kubernetes/kubernetes pkg/controller/serviceaccount/
// tokens_controller.go, syncSecret → generateTokenIfNeeded fills `token` of every service-account-token Secret
// whose account exists (and deletes it when the account does not). LegacyServiceAccountTokenNoAutoGeneration
// (GA 1.26) only removed the *automatic* Secret per account (ensureReferencedToken is gone from
// syncServiceAccount), and LegacyServiceAccountTokenCleanUp (GA 1.30) deletes only unused *auto-generated*
// ones: legacy_serviceaccount_token_cleaner.go evaluateSATokens skips a Secret the account's `secrets` list
// does not reference ("can't determine if this is an auto-generated token"). Reading it back needs `get` on
// the Secret, or `list`/`watch`, which return the contents too (kubernetes.io/docs/concepts/security/
// rbac-good-practices/, "Listing secrets").
//
// The token is a legacy one: pkg/serviceaccount/legacy.go LegacyClaims sets only the subject, and the
// controller manager signs it with issuer LegacyIssuer = "kubernetes/serviceaccount" and no audience. The API
// server accepts it as the account; an Entra federated credential does not (its issuer must be the cluster's
// OIDC issuer URL and its audience api://AzureADTokenExchange: learn.microsoft.com/azure/aks/
// workload-identity-overview). So the Secret gives the account's Kubernetes RBAC, not its managed identity.

const POWER_RULES = [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }];

/** default/builder on aks-1 is bound to a ClusterRole allowing everything: its token is cluster-admin of aks-1. */
const powerfulAccount = (namespace = "default", name = "builder") => [
  serviceAccount(namespace, name),
  clusterRole("everything", POWER_RULES),
  clusterRoleBinding(`${name}-everything`, "everything", [serviceAccountSubject(namespace, name)]),
];
const leonardMay = (namespace: string, rules: unknown[]) => [
  role(namespace, "leonard-role", rules),
  roleBinding(namespace, "leonard-binding", { kind: "Role", name: "leonard-role" }, [user("leonard")]),
];
const secrets = (verbs: string[], resourceNames?: string[]) => ({
  verbs,
  apiGroups: [""],
  resources: ["secrets"],
  ...(resourceNames ? { resourceNames } : {}),
});

const summary = (paths: AttackPath[]) =>
  paths.map((path) => `${path.level} in ${path.hops}${path.conditional ? " (conditional)" : ""}`);
const labels = (path: AttackPath) => path.path.map((step) => step.label);
const onAks1 = (options: TwoClusterOptions) =>
  pathsOf(tenant(options), CLUSTER, "leonard").filter((path) => path.level === "cluster-admin");

describe("a Secret of type kubernetes.io/service-account-token gives the account's token", () => {
  it.each([
    ["create and get", [secrets(["create", "get"])]],
    ["create and list (a list returns the contents)", [secrets(["create", "list"])]],
    ["create and watch", [secrets(["create", "watch"])]],
    ["create in one rule, get in another", [secrets(["create"]), secrets(["get"])]],
  ])("%s secrets in the account's namespace: acts as every account there", (_, rules) => {
    const paths = onAks1({ objects: [...powerfulAccount(), ...leonardMay("default", rules)] });
    expect(summary(paths)).toEqual(["cluster-admin in 2"]);
    expect(labels(paths[0])).toContain(
      "creates a service-account-token Secret for service account default/builder on aks-1 and reads its token",
    );
  });

  it.each([
    ["create only (cannot read the token back)", [secrets(["create"])]],
    ["get and list only (nothing to read: the inventory holds no token Secret)", [secrets(["get", "list"])]],
    ["update and get (a Secret's type is immutable)", [secrets(["update", "patch", "get"])]],
  ])("%s: no path", (_, rules) => {
    expect(onAks1({ objects: [...powerfulAccount(), ...leonardMay("default", rules)] })).toEqual([]);
  });

  it("a Role in another namespace does not reach the account", () => {
    const objects = [...powerfulAccount(), ...leonardMay("other", [secrets(["create", "get"])])];
    expect(onAks1({ objects })).toEqual([]);
  });

  it("a ClusterRoleBinding gives every namespace (kube-system's accounts too)", () => {
    const objects = [
      ...powerfulAccount("kube-system", "controller"),
      clusterRole("secret-manager", [secrets(["create", "get", "list"])]),
      clusterRoleBinding("leonard-secrets", "secret-manager", [user("leonard")]),
    ];
    const paths = onAks1({ objects });
    expect(summary(paths)).toEqual(["cluster-admin in 2"]);
    expect(labels(paths[0])).toContain(
      "creates a service-account-token Secret for service account kube-system/controller on aks-1 and reads its token",
    );
  });

  // `get` limited by resourceNames reads back only a Secret of those names; create cannot be limited
  // (kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources), so the holder creates the
  // token Secret under one of them — if no Secret of that name exists yet, which the inventory cannot say
  // (it holds no Secrets): conditional.
  it("get limited by resourceNames: conditional (the name may be taken)", () => {
    const objects = [
      ...powerfulAccount(),
      ...leonardMay("default", [secrets(["create"]), secrets(["get"], ["ci-token"])]),
    ];
    const paths = onAks1({ objects });
    expect(summary(paths)).toEqual(["cluster-admin in 2 (conditional)"]);
    expect(labels(paths[0])).toContain("can create secrets and get secrets ci-token in namespace default");
  });

  it("the token controller fills only a Secret whose account exists: a missing account is not reached", () => {
    const objects = [
      clusterRole("everything", POWER_RULES),
      clusterRoleBinding("ghost-everything", "everything", [serviceAccountSubject("default", "ghost")]),
      ...leonardMay("default", [secrets(["create", "get"])]),
    ];
    expect(onAks1({ objects })).toEqual([]);
  });
});

describe("Azure RBAC for Kubernetes: secrets/write and secrets/read data actions", () => {
  const SECRETS_WRITE = "Microsoft.ContainerService/managedClusters/secrets/write";
  const SECRETS_READ = "Microsoft.ContainerService/managedClusters/secrets/read";
  const CUSTOM = "5ec7e700-0000-4000-8000-000000000001";
  const withRole = (dataActions: string[]): TwoClusterOptions => ({
    objects: powerfulAccount(),
    setup: (builder) =>
      builder
        .customRole(CUSTOM, [{ dataActions }])
        .assign(CUSTOM, "leonard", `${CLUSTER}/namespaces/default`),
  });
  /** one deny assignment of `dataActions` to leonard at the cluster */
  const denied = (model: TenantModel, dataActions: string[]): TenantModel => ({
    ...model,
    denyAssignments: [
      {
        id: `${CLUSTER}/providers/microsoft.authorization/denyassignments/secrets-deny`,
        name: "secrets deny",
        scope: CLUSTER,
        permissions: [{ actions: [], notActions: [], dataActions, notDataActions: [] }],
        principals: [{ id: "leonard", type: "User" }],
        excludePrincipals: [],
        doNotApplyToChildScopes: false,
        isSystemProtected: false,
      },
    ],
  });

  it("write and read on secrets in the namespace reach its accounts", () => {
    expect(summary(onAks1(withRole([SECRETS_WRITE, SECRETS_READ])))).toEqual(["cluster-admin in 2"]);
  });

  it("write alone does not", () => {
    expect(onAks1(withRole([SECRETS_WRITE]))).toEqual([]);
  });

  // A deny assignment blocks the action even when a role grants it
  // (learn.microsoft.com/azure/role-based-access-control/deny-assignments).
  it("a deny assignment on secrets/read takes it away", () => {
    const model = denied(tenant(withRole([SECRETS_WRITE, SECRETS_READ])), [SECRETS_READ]);
    expect(pathsOf(model, CLUSTER, "leonard").filter((path) => path.level === "cluster-admin")).toEqual([]);
  });

  it("the data actions count only where Azure RBAC for Kubernetes is enabled", () => {
    const options = withRole([SECRETS_WRITE, SECRETS_READ]);
    const model = tenant({
      ...options,
      aks1: { entra: { mode: "managed", azureRbac: false, adminGroupIds: [], tenantId: "tenant-1" } },
    });
    expect(pathsOf(model, CLUSTER, "leonard").filter((path) => path.level === "cluster-admin")).toEqual([]);
  });
});

describe("the legacy token is not a workload identity token", () => {
  // The twoClusterTenant's identity `deployer` trusts default/deployer on aks-1 and holds Contributor on
  // rg-2 (cluster-admin of aks-2). A Secret-minted token of default/deployer carries issuer
  // "kubernetes/serviceaccount" and no audience (legacy.go), which the federated credential rejects.
  it("creating and reading Secrets in default does not reach the account's managed identity", () => {
    const model = tenant({ objects: leonardMay("default", [secrets(["create", "get"])]) });
    expect(pathsOf(model, CLUSTER2, "leonard")).toEqual([]);
  });

  it("but it reaches what the account's own Kubernetes RBAC lets it run (create pods: the identity)", () => {
    const model = tenant({
      objects: [
        role("default", "deployer-pods", [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }]),
        roleBinding("default", "deployer-pods", { kind: "Role", name: "deployer-pods" }, [
          serviceAccountSubject("default", "deployer"),
        ]),
        ...leonardMay("default", [secrets(["create", "get"])]),
      ],
    });
    expect(summary(pathsOf(model, CLUSTER2, "leonard"))).toEqual(["cluster-admin in 4"]);
  });
});
