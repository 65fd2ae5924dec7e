import { describe, expect, it } from "vitest";
import {
  AccessModelBuilder,
  appIdentity,
  CLUSTER,
  clusterRole,
  federatedCredential,
  RG,
  ROLE,
  roleBinding,
  roleEligibility,
  user,
  workloadServiceAccount,
} from "@/lib/access/fixtures/access-model-builder";
import { twoClusterTenant } from "@/lib/access/fixtures/two-cluster-tenant";
import { evaluateFindings } from "@/lib/findings/evaluate-findings";
import type { TenantModel } from "@/lib/model/tenant-model";

// One managed identity federated to a service account on two clusters (workload identity across regions
// is the usual reason: learn.microsoft.com/azure/aks/workload-identity-deploy-cluster — one federated
// credential per cluster issuer, up to 20 per identity). Whoever can create pods in that namespace on
// either cluster acts as the identity there, so each cluster's finding names them.

const ISSUER_1 = "https://oidc.example/tenant-1/aks-1/";
const ISSUER_2 = "https://oidc.example/tenant-1/aks-2/";
const CLUSTER_2 = `${RG}/providers/microsoft.containerservice/managedclusters/aks-2`;
const POD_MAKER = clusterRole("pod-maker", [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }]);

function twoClustersOneIdentity(): TenantModel {
  const model = new AccessModelBuilder({ oidcIssuer: { enabled: true, issuerUrl: ISSUER_1 } })
    .principal("dev")
    .assign(ROLE.keyVaultSecretsUser, "app-principal", `${RG}/providers/microsoft.keyvault/vaults/kv`, {
      principalType: "ServicePrincipal",
    })
    .kubernetes(
      POD_MAKER,
      roleBinding("app", "dev-pods", { kind: "ClusterRole", name: "pod-maker" }, [user("dev")]),
    )
    .build();
  const first = model.clusters[0];
  model.clusters.push({
    ...structuredClone(first),
    id: CLUSTER_2,
    name: "aks-2",
    oidcIssuer: { enabled: true, issuerUrl: ISSUER_2 },
  });
  model.coverage[`cluster:${CLUSTER_2}`] = model.coverage[`cluster:${CLUSTER}`] ?? { status: "complete" };
  model.kubernetes[CLUSTER_2] = structuredClone(model.kubernetes[CLUSTER]);
  const identity = appIdentity();
  model.identities.push(identity);
  for (const [clusterId, issuer] of [
    [CLUSTER, ISSUER_1],
    [CLUSTER_2, ISSUER_2],
  ] as const) {
    const name = `fic-${clusterId.split("/").pop()}`;
    model.federatedCredentials.push(
      federatedCredential(identity.id, name, issuer, "system:serviceaccount:app:app-sa"),
    );
    model.kubernetes[clusterId].serviceAccounts.push(
      workloadServiceAccount(clusterId, "app", "app-sa", "app-client"),
    );
  }
  return model;
}

describe("pod-creators-reach-identity", () => {
  it("names a pod creator on every cluster whose pods reach the identity, not only on the first one", () => {
    const model = twoClustersOneIdentity();
    expect(model.clusters.map((cluster) => cluster.id)).toEqual([CLUSTER, CLUSTER_2]);
    const findings = evaluateFindings(model).filter(
      (finding) => finding.ruleId === "pod-creators-reach-identity",
    );
    for (const clusterId of [CLUSTER, CLUSTER_2]) {
      const onCluster = findings.filter((finding) => finding.cluster.id === clusterId);
      expect(
        onCluster.map((finding) => finding.status),
        clusterId,
      ).toEqual(["fail"]);
      expect(onCluster[0].evidence.summary).toMatch(/^dev can act as app by running pods on aks-[12]/);
      expect(onCluster[0].evidence.objects.map((object) => object.id)).toEqual(["app-principal", "dev"]);
    }
  });

  it("lists at most 100 principals per identity and counts the others", () => {
    const model = twoClustersOneIdentity();
    const binding = model.kubernetes[CLUSTER].roleBindings.find((candidate) => candidate.name === "dev-pods");
    if (!binding) throw new Error("fixture: no dev-pods binding");
    const names = Array.from({ length: 120 }, (_, i) => `dev-${String(i).padStart(3, "0")}`);
    binding.subjects.push(...names.map((name) => ({ kind: "User" as const, name, namespace: null })));
    const finding = evaluateFindings(model).find(
      (candidate) => candidate.ruleId === "pod-creators-reach-identity" && candidate.cluster.id === CLUSTER,
    );
    // 121 users reach the identity: the identity and 100 of them are listed, 21 counted.
    expect(finding?.evidence.objects).toHaveLength(101);
    expect(finding?.evidence.paths).toHaveLength(100);
    expect(finding?.evidence.unlisted).toBe(21);
    expect(finding?.evidence.summary).toMatch(
      /^(?:[^,]+, ){9}[^,]+ and 111 others can act as app by running pods on aks-1\.$/,
    );
    // The other cluster's finding lists its one pod creator and counts nobody else.
    const other = evaluateFindings(model).find(
      (candidate) => candidate.ruleId === "pod-creators-reach-identity" && candidate.cluster.id === CLUSTER_2,
    );
    expect(other?.evidence.unlisted).toBeUndefined();
  });
});

// An eligible role's pod powers reach the identity only after its activation (learn.microsoft.com/entra/
// id-governance/privileged-identity-management/pim-resource-roles-activate-your-roles): the finding lists
// such a principal, and says so beside its name, not as someone who can do it today.
describe("a pod creator through an eligible (PIM) role", () => {
  it("is listed, marked as needing an activation", () => {
    const model = twoClusterTenant();
    model.roleEligibilities.push(
      roleEligibility({
        name: "e-1",
        scope: CLUSTER,
        roleDefinitionId: ROLE.aksRbacWriter,
        principalId: "leonard",
      }),
    );
    const finding = evaluateFindings(model).find(
      (candidate) =>
        candidate.ruleId === "pod-creators-reach-identity" &&
        candidate.cluster.id === CLUSTER &&
        candidate.status === "fail",
    );
    const leonard = finding?.evidence.objects.find((object) => object.id === "leonard");
    expect(leonard?.label).toMatch(/after a PIM activation$/);
    expect(
      finding?.evidence.paths?.some(
        (path) => path.some((step) => step.kind === "roleEligibility") && path[0]?.id === "leonard",
      ),
    ).toBe(true);
  });
});
