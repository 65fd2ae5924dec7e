import { describe, expect, it } from "vitest";
import {
  AKS_ADMIN_BINDING_AAD,
  AKS_ADMIN_BINDING_LOCAL,
  aggregateClusterRoles,
  defaultKubernetesObjects,
  deterministicUid,
  effectiveKubernetesObjects,
  kubernetesObjectKey,
} from "@/lib/model/kubernetes-defaults";
import type { WireResource } from "@/lib/model/wire/azure";
import type { KubernetesObject, PolicyRule } from "@/lib/model/wire/kubernetes";

const CLUSTER_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000501/resourceGroups/rsg-aksIdentityState1/providers/Microsoft.ContainerService/managedClusters/aks-1";
const ADMIN_GROUP_A = "00000000-0000-0000-0000-0000000000a1";
const ADMIN_GROUP_B = "00000000-0000-0000-0000-0000000000a2";

function cluster(properties: Record<string, unknown>): WireResource {
  return {
    id: CLUSTER_ID,
    name: "aks-1",
    type: "Microsoft.ContainerService/managedClusters",
    location: "westeurope",
    properties,
  };
}

const managedCluster = cluster({
  aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [ADMIN_GROUP_A, ADMIN_GROUP_B] },
  addonProfiles: { azurepolicy: { enabled: true }, azureKeyvaultSecretsProvider: { enabled: false } },
  securityProfile: { workloadIdentity: { enabled: true } },
});
const localCluster = cluster({ disableLocalAccounts: false });

function find(objects: KubernetesObject[], kind: string, name: string, namespace?: string) {
  return objects.find(
    (object) =>
      object.kind === kind && object.metadata.name === name && object.metadata.namespace === namespace,
  ) as (KubernetesObject & Record<string, unknown>) | undefined;
}

function rulesOf(object: KubernetesObject | undefined): PolicyRule[] {
  return ((object as Record<string, unknown> | undefined)?.rules as PolicyRule[] | undefined) ?? [];
}

/** Does any rule grant `verb` on core-group `resource`? (a tiny matcher, enough for these checks) */
function grants(rules: PolicyRule[], apiGroup: string, resource: string, verb: string): boolean {
  return rules.some(
    (rule) =>
      (rule.apiGroups ?? []).some((group) => group === apiGroup || group === "*") &&
      (rule.resources ?? []).some((candidate) => candidate === resource || candidate === "*") &&
      rule.verbs.some((candidate) => candidate === verb || candidate === "*"),
  );
}

describe("defaultKubernetesObjects", () => {
  const objects = defaultKubernetesObjects(managedCluster);

  it("has the four default namespaces and their default service accounts", () => {
    for (const namespace of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      expect(find(objects, "Namespace", namespace)).toBeDefined();
      expect(find(objects, "ServiceAccount", "default", namespace)).toBeDefined();
    }
  });

  it("adds add-on and workload-identity service accounts only for enabled features", () => {
    expect(find(objects, "ServiceAccount", "azure-policy", "kube-system")).toBeDefined();
    expect(find(objects, "ServiceAccount", "azure-wi-webhook-admin", "kube-system")).toBeDefined();
    expect(find(objects, "ServiceAccount", "secrets-store-csi-driver", "kube-system")).toBeUndefined();
    const plain = defaultKubernetesObjects(localCluster);
    expect(find(plain, "ServiceAccount", "azure-policy", "kube-system")).toBeUndefined();
  });

  it("defines cluster-admin as */*/* plus every non-resource URL, bound to system:masters", () => {
    expect(rulesOf(find(objects, "ClusterRole", "cluster-admin"))).toEqual([
      { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
      { nonResourceURLs: ["*"], verbs: ["*"] },
    ]);
    expect(find(objects, "ClusterRoleBinding", "cluster-admin")?.subjects).toEqual([
      { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "system:masters" },
    ]);
  });

  it("builds admin/edit/view by aggregation labels, as upstream does", () => {
    const admin = find(objects, "ClusterRole", "admin");
    const edit = find(objects, "ClusterRole", "edit");
    const view = find(objects, "ClusterRole", "view");
    expect(admin?.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } }],
    });
    expect(edit?.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } }],
    });
    expect(view?.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } }],
    });
    // edit is aggregated into admin, view into edit
    expect(edit?.metadata.labels?.["rbac.authorization.k8s.io/aggregate-to-admin"]).toBe("true");
    expect(view?.metadata.labels?.["rbac.authorization.k8s.io/aggregate-to-edit"]).toBe("true");
    expect(find(objects, "ClusterRole", "system:aggregate-to-edit")?.metadata.labels).toMatchObject({
      "rbac.authorization.k8s.io/aggregate-to-edit": "true",
    });
  });

  it("gives edit secrets and pods/exec, view neither, admin role bindings", () => {
    const admin = rulesOf(find(objects, "ClusterRole", "admin"));
    const edit = rulesOf(find(objects, "ClusterRole", "edit"));
    const view = rulesOf(find(objects, "ClusterRole", "view"));
    expect(grants(edit, "", "secrets", "get")).toBe(true);
    expect(grants(edit, "", "pods/exec", "create")).toBe(true);
    expect(grants(view, "", "secrets", "get")).toBe(false);
    expect(grants(view, "", "pods", "list")).toBe(true);
    expect(grants(view, "", "pods/exec", "create")).toBe(false);
    expect(grants(admin, "rbac.authorization.k8s.io", "rolebindings", "create")).toBe(true);
    expect(grants(admin, "", "secrets", "get")).toBe(true);
    expect(grants(edit, "rbac.authorization.k8s.io", "rolebindings", "create")).toBe(false);
    // aggregation never invents rules: admin ⊇ edit ⊇ view
    const key = (rule: PolicyRule) => JSON.stringify(rule);
    expect(new Set(admin.map(key))).toEqual(new Set([...admin.map(key), ...edit.map(key)]));
    expect(new Set(edit.map(key))).toEqual(new Set([...edit.map(key), ...view.map(key)]));
  });

  it("binds discovery, basic-user and public-info-viewer to system:authenticated", () => {
    for (const name of ["system:discovery", "system:basic-user", "system:public-info-viewer"]) {
      const subjects = find(objects, "ClusterRoleBinding", name)?.subjects as { name: string }[];
      expect(subjects.map((subject) => subject.name)).toContain("system:authenticated");
    }
  });

  it("creates aks-cluster-admin-binding-aad with one Group subject per admin group", () => {
    const binding = find(objects, "ClusterRoleBinding", AKS_ADMIN_BINDING_AAD);
    expect(binding?.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: "cluster-admin",
    });
    expect(binding?.subjects).toEqual([
      { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: ADMIN_GROUP_A },
      { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: ADMIN_GROUP_B },
    ]);
    expect(binding?.metadata.labels).toEqual({
      "addonmanager.kubernetes.io/mode": "Reconcile",
      "kubernetes.io/cluster-service": "true",
    });
    expect(find(objects, "ClusterRoleBinding", AKS_ADMIN_BINDING_LOCAL)).toBeUndefined();
  });

  it("creates aks-cluster-admin-binding to User clusterAdmin without managed Entra integration", () => {
    const legacy = defaultKubernetesObjects(
      cluster({ aadProfile: { managed: false, serverAppID: "00000000-0000-0000-0000-000000000111" } }),
    );
    for (const objects of [legacy, defaultKubernetesObjects(localCluster)]) {
      expect(find(objects, "ClusterRoleBinding", AKS_ADMIN_BINDING_AAD)).toBeUndefined();
      expect(find(objects, "ClusterRoleBinding", AKS_ADMIN_BINDING_LOCAL)?.subjects).toEqual([
        { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "clusterAdmin" },
      ]);
    }
  });

  it("is deterministic and has unique keys and uids", () => {
    expect(JSON.stringify(defaultKubernetesObjects(managedCluster))).toBe(JSON.stringify(objects));
    const keys = objects.map((object) => kubernetesObjectKey(CLUSTER_ID, object));
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(objects.map((object) => object.metadata.uid)).size).toBe(objects.length);
    expect(deterministicUid("x")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("prints keys in sorted order like kubectl", () => {
    const role = find(objects, "ClusterRole", "admin") as Record<string, unknown>;
    expect(Object.keys(role)).toEqual(["aggregationRule", "apiVersion", "kind", "metadata", "rules"]);
  });
});

describe("aggregation and effective objects", () => {
  it("adds a file ClusterRole labelled aggregate-to-edit into edit and admin", () => {
    const crdRole: KubernetesObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "widgets-edit", labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } },
      rules: [{ apiGroups: ["example.com"], resources: ["widgets"], verbs: ["*"] }],
    } as KubernetesObject;
    const objects = effectiveKubernetesObjects(managedCluster, {
      reachable: true,
      includeDefaults: true,
      objects: [crdRole],
    });
    expect(grants(rulesOf(find(objects, "ClusterRole", "edit")), "example.com", "widgets", "delete")).toBe(
      true,
    );
    expect(grants(rulesOf(find(objects, "ClusterRole", "admin")), "example.com", "widgets", "delete")).toBe(
      true,
    );
    expect(grants(rulesOf(find(objects, "ClusterRole", "view")), "example.com", "widgets", "get")).toBe(
      false,
    );
  });

  it("lets a file object replace its default and skips defaults when asked", () => {
    const replaced: KubernetesObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "system:discovery" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:discovery" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "system:unauthenticated" }],
    } as KubernetesObject;
    const objects = effectiveKubernetesObjects(localCluster, {
      reachable: true,
      includeDefaults: true,
      objects: [replaced],
    });
    expect(
      objects.filter(
        (object) => object.metadata.name === "system:discovery" && object.kind === "ClusterRoleBinding",
      ),
    ).toEqual([replaced]);
    const none = effectiveKubernetesObjects(localCluster, {
      reachable: true,
      includeDefaults: false,
      objects: [replaced],
    });
    expect(none).toEqual([replaced]);
  });

  it("leaves roles without aggregationRule untouched", () => {
    const plain = {
      apiVersion: "v1",
      kind: "ClusterRole",
      metadata: { name: "x" },
      rules: [],
    } as KubernetesObject;
    expect(aggregateClusterRoles([plain])[0]).toBe(plain);
  });
});
