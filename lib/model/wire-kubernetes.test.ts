import { describe, expect, it } from "vitest";
import { clusterKubernetesFromObjects, kubernetesObjectToModel } from "@/lib/model/wire-kubernetes";

const CLUSTER = "/subscriptions/S/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/AKS";

describe("kubernetesObjectToModel", () => {
  it("keeps RBAC rules, aggregation and subjects", () => {
    const role = kubernetesObjectToModel(CLUSTER, {
      kind: "ClusterRole",
      metadata: { name: "admin", labels: { a: "b" } },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: "true" } }] },
      rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }],
    });
    expect(role).toEqual({
      kind: "k8s.clusterRole",
      object: {
        clusterId: CLUSTER.toLowerCase(),
        name: "admin",
        labels: { a: "b" },
        rules: [
          { verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: [], nonResourceURLs: [] },
        ],
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: "true" }, matchExpressions: [] }] },
      },
    });
    const binding = kubernetesObjectToModel(CLUSTER, {
      kind: "RoleBinding",
      metadata: { name: "rb", namespace: "team" },
      roleRef: { kind: "ClusterRole", name: "edit" },
      subjects: [
        { kind: "ServiceAccount", name: "deployer" },
        { kind: "User", name: "leonard@contoso.example", apiGroup: "rbac.authorization.k8s.io" },
        { kind: "Robot", name: "ignored" },
      ],
    });
    expect(binding?.object).toMatchObject({
      namespace: "team",
      subjects: [
        { kind: "ServiceAccount", name: "deployer", namespace: "team" },
        { kind: "User", name: "leonard@contoso.example", namespace: null },
      ],
    });
  });

  it("keeps only workload-identity annotations on service accounts", () => {
    const account = kubernetesObjectToModel(CLUSTER, {
      kind: "ServiceAccount",
      metadata: {
        name: "sa",
        namespace: "app",
        annotations: {
          "azure.workload.identity/client-id": "ABC",
          "kubectl.kubernetes.io/last-applied-configuration": "{}",
        },
        labels: { "azure.workload.identity/use": "true", team: "x" },
      },
    });
    expect(account?.object).toMatchObject({
      annotations: { "azure.workload.identity/client-id": "ABC" },
      labels: { "azure.workload.identity/use": "true" },
      workloadIdentity: { clientId: "abc", tenantId: null, useLabel: true },
    });
  });

  it("reads identity-relevant pod fields and drops rollout hashes", () => {
    const pod = kubernetesObjectToModel(CLUSTER, {
      kind: "Pod",
      metadata: {
        name: "p",
        namespace: "app",
        labels: { aadpodidbinding: "sel", "pod-template-hash": "123", app: "api" },
      },
      spec: {
        volumes: [
          {
            name: "kv",
            csi: {
              driver: "secrets-store.csi.k8s.io",
              volumeAttributes: { secretProviderClass: "azure-kv" },
            },
          },
          { name: "other", emptyDir: {} },
        ],
      },
    });
    expect(pod?.object).toMatchObject({
      serviceAccountName: "default",
      labels: { aadpodidbinding: "sel", app: "api" },
      aadPodIdBinding: "sel",
      workloadIdentityUse: false,
      secretProviderClasses: ["azure-kv"],
      automountServiceAccountToken: null,
    });
  });

  it("matches AAD Pod Identity spec keys case-insensitively", () => {
    for (const spec of [
      { type: 0, resourceID: "/X/UAI", clientID: "C" },
      { type: "0", resourceid: "/X/UAI", clientid: "C" },
      { Type: 0, ResourceID: "/X/UAI", ClientID: "C" },
    ]) {
      expect(
        kubernetesObjectToModel(CLUSTER, {
          kind: "AzureIdentity",
          metadata: { name: "i", namespace: "app" },
          spec,
        })?.object,
      ).toMatchObject({
        type: 0,
        resourceId: "/x/uai",
        clientId: "c",
      });
    }
    expect(
      kubernetesObjectToModel(CLUSTER, {
        kind: "AzureIdentityBinding",
        metadata: { name: "b", namespace: "app" },
        spec: { AzureIdentity: "i", Selector: "sel" },
      })?.object,
    ).toMatchObject({ azureIdentity: "i", selector: "sel" });
  });

  it.each([
    [{ usePodIdentity: "true" }, { mode: "pod-identity" }],
    [
      { useVMManagedIdentity: "true", userAssignedIdentityID: "ABC" },
      { mode: "vm-managed-identity", userAssignedIdentityId: "abc" },
    ],
    [{ useVMManagedIdentity: "true" }, { mode: "vm-managed-identity", userAssignedIdentityId: null }],
    [{ clientID: "W" }, { mode: "workload-identity", clientId: "w" }],
    [{}, { mode: "service-principal" }],
  ])("SecretProviderClass parameters %j use %j", (parameters, identity) => {
    const converted = kubernetesObjectToModel(CLUSTER, {
      kind: "SecretProviderClass",
      metadata: { name: "kv", namespace: "app" },
      spec: { provider: "azure", parameters: { keyvaultName: "kv1", tenantID: "T", ...parameters } },
    });
    expect(converted?.object).toMatchObject({ keyvaultName: "kv1", tenantId: "t", identity });
  });

  it("ignores kinds it does not keep", () => {
    expect(kubernetesObjectToModel(CLUSTER, { kind: "ConfigMap", metadata: { name: "x" } })).toBeNull();
  });
});

describe("clusterKubernetesFromObjects", () => {
  it("flattens lists and lets a later duplicate win", () => {
    const inventory = clusterKubernetesFromObjects(CLUSTER, [
      {
        kind: "NamespaceList",
        items: [
          { kind: "Namespace", metadata: { name: "a" } },
          { kind: "Namespace", metadata: { name: "b" } },
        ],
      },
      { kind: "Namespace", metadata: { name: "a", labels: { v: "2" } } },
    ]);
    expect(inventory.namespaces).toHaveLength(2);
    expect(inventory.namespaces.find((ns) => ns.name === "a")?.labels).toEqual({ v: "2" });
  });
});
