import { describe, expect, it } from "vitest";
import { type KubernetesUser, rbacAuthorizes } from "@/lib/access/kubernetes-rbac";
import { defaultKubernetesObjects } from "@/lib/model/kubernetes-defaults";
import type { WireResource } from "@/lib/model/wire/azure";
import { clusterKubernetesFromObjects } from "@/lib/model/wire-kubernetes";

// What a fresh AKS cluster's bootstrap RBAC lets the broad groups do, through the engine's own
// authorizer. Sources: the bootstrap policy (kubernetes/kubernetes
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go ClusterRoles, ClusterRoleBindings: the
// aggregate-to-edit rules carry `impersonate serviceaccounts`, secrets and serviceaccounts/token;
// aggregate-to-view carries no secrets) and
// kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings (the API
// discovery roles are the only default bindings of system:authenticated; edit can act as any
// service account of its namespace; view cannot read Secrets).

const CLUSTER_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000501/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-1";
const wireCluster: WireResource = {
  id: CLUSTER_ID,
  name: "aks-1",
  type: "Microsoft.ContainerService/managedClusters",
  location: "westeurope",
  properties: { aadProfile: { managed: true, adminGroupObjectIDs: ["admins"] } },
};
const inventory = clusterKubernetesFromObjects(CLUSTER_ID, defaultKubernetesObjects(wireCluster));
const anyone: KubernetesUser = { name: "someone@example.com", groups: ["system:authenticated"] };
const serviceAccount: KubernetesUser = {
  name: "system:serviceaccount:default:default",
  groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"],
};
const resource = (verb: string, apiGroup: string, resource: string, namespace: string | null) => ({
  verb,
  apiGroup,
  resource,
  namespace,
});

describe("the default bindings of the broad groups grant no resource access (no false grants)", () => {
  it.each([
    ["get pods in default", resource("get", "", "pods", "default")],
    ["list secrets in kube-system", resource("list", "", "secrets", "kube-system")],
    ["list namespaces", resource("list", "", "namespaces", null)],
    ["create pods in default", resource("create", "", "pods", "default")],
  ])("system:authenticated and system:serviceaccounts cannot %s", (_name, request) => {
    expect(rbacAuthorizes(inventory, anyone, request)).toBe(false);
    expect(rbacAuthorizes(inventory, serviceAccount, request)).toBe(false);
  });

  it("but may ask about themselves and read discovery and version (system:basic-user, system:discovery)", () => {
    expect(
      rbacAuthorizes(
        inventory,
        anyone,
        resource("create", "authorization.k8s.io", "selfsubjectaccessreviews", null),
      ),
    ).toBe(true);
    expect(rbacAuthorizes(inventory, anyone, { verb: "get", path: "/apis/apps/v1" })).toBe(true);
    expect(rbacAuthorizes(inventory, anyone, { verb: "get", path: "/version" })).toBe(true);
    expect(rbacAuthorizes(inventory, anyone, { verb: "get", path: "/metrics" })).toBe(false);
  });

  it("service accounts may read the issuer's discovery documents (system:service-account-issuer-discovery)", () => {
    expect(rbacAuthorizes(inventory, serviceAccount, { verb: "get", path: "/openid/v1/jwks" })).toBe(true);
    expect(rbacAuthorizes(inventory, anyone, { verb: "get", path: "/openid/v1/jwks" })).toBe(false);
  });

  it("system:masters holds cluster-admin through the default binding, non-resource URLs included", () => {
    const master: KubernetesUser = { name: "x", groups: ["system:masters"] };
    expect(
      rbacAuthorizes(
        inventory,
        master,
        resource("escalate", "rbac.authorization.k8s.io", "clusterroles", null),
      ),
    ).toBe(true);
    expect(rbacAuthorizes(inventory, master, { verb: "get", path: "/metrics" })).toBe(true);
  });

  it("the managed admin groups hold cluster-admin through aks-cluster-admin-binding-aad", () => {
    const admin: KubernetesUser = { name: "oid", groups: ["admins", "system:authenticated"] };
    expect(rbacAuthorizes(inventory, admin, resource("delete", "", "nodes", null))).toBe(true);
    // group names compare exactly (rule.go appliesToUser): another case is another group
    const upper: KubernetesUser = { name: "oid", groups: ["ADMINS", "system:authenticated"] };
    expect(rbacAuthorizes(inventory, upper, resource("delete", "", "nodes", null))).toBe(false);
  });
});

describe("the user-facing roles, bound in a namespace", () => {
  const bound = (roleName: string) => ({
    ...inventory,
    roleBindings: [
      {
        clusterId: inventory.clusterRoles[0]?.clusterId ?? "",
        namespace: "team",
        name: `u-${roleName}`,
        labels: {},
        roleRef: { kind: "ClusterRole" as const, name: roleName },
        subjects: [{ kind: "User" as const, name: "u", namespace: null }],
      },
    ],
  });
  const u: KubernetesUser = { name: "u", groups: ["system:authenticated"] };
  const impersonateAccount = (namespace: string) => ({
    verb: "impersonate",
    apiGroup: "",
    resource: "serviceaccounts",
    resourceName: "default",
    namespace,
  });

  it("edit and admin may impersonate any service account of the namespace, and only there", () => {
    for (const roleName of ["edit", "admin"]) {
      expect(rbacAuthorizes(bound(roleName), u, impersonateAccount("team")), roleName).toBe(true);
      expect(rbacAuthorizes(bound(roleName), u, impersonateAccount("kube-system")), roleName).toBe(false);
    }
    expect(rbacAuthorizes(bound("view"), u, impersonateAccount("team"))).toBe(false);
  });

  it("edit reads secrets and mints service account tokens; view does neither", () => {
    expect(rbacAuthorizes(bound("edit"), u, resource("list", "", "secrets", "team"))).toBe(true);
    expect(rbacAuthorizes(bound("edit"), u, resource("create", "", "serviceaccounts/token", "team"))).toBe(
      true,
    );
    expect(rbacAuthorizes(bound("view"), u, resource("list", "", "secrets", "team"))).toBe(false);
    expect(rbacAuthorizes(bound("view"), u, resource("create", "", "serviceaccounts/token", "team"))).toBe(
      false,
    );
  });

  it("admin may write Roles and RoleBindings in the namespace, but not bind or escalate", () => {
    expect(
      rbacAuthorizes(
        bound("admin"),
        u,
        resource("create", "rbac.authorization.k8s.io", "rolebindings", "team"),
      ),
    ).toBe(true);
    expect(
      rbacAuthorizes(bound("admin"), u, resource("bind", "rbac.authorization.k8s.io", "roles", "team")),
    ).toBe(false);
    expect(
      rbacAuthorizes(bound("admin"), u, resource("escalate", "rbac.authorization.k8s.io", "roles", "team")),
    ).toBe(false);
    expect(
      rbacAuthorizes(
        bound("edit"),
        u,
        resource("create", "rbac.authorization.k8s.io", "rolebindings", "team"),
      ),
    ).toBe(false);
  });
});
