import { describe, expect, it } from "vitest";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { DEMO_USERS } from "@/lib/emulator/demo/build-demo-tenant";
import { loadDemoTenant } from "@/lib/emulator/demo/index";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";

// The demo's PIM story (README "Access that is not standing, Azure half"): Jet is eligible for
// Azure Kubernetes Service RBAC Cluster Admin on aks-3 and holds nothing standing there.

const model = modelFromTenantFile(await loadDemoTenant());
const aks3 = model.clusters.find((cluster) => cluster.name === "aks-3");

describe("the demo tenant: Jet PIM-eligible on aks-3", () => {
  it("is eligible cluster-admin on aks-3 through Azure RBAC, marked eligible, with nothing standing", () => {
    if (!aks3) throw new Error("no aks-3");
    const jet = evaluateClusterAccess(model, aks3.id).principals.find(
      (entry) => entry.principal.id === DEMO_USERS.jet,
    );
    expect(jet?.grants).toEqual([
      expect.objectContaining({
        level: "cluster-admin",
        namespace: null,
        route: "azure-rbac",
        eligible: true,
        conditional: false,
      }),
    ]);
    expect(jet?.grants[0].path.map((step) => step.kind)).toEqual([
      "principal",
      "roleEligibility",
      "roleDefinition",
      "clusterSetting",
      "cluster",
    ]);
  });

  it("is not eligible anywhere else", () => {
    const elsewhere = model.clusters
      .filter((cluster) => cluster.id !== aks3?.id)
      .flatMap((cluster) => evaluateClusterAccess(model, cluster.id).principals)
      .flatMap((entry) => entry.grants)
      .filter((grant) => grant.eligible);
    expect(elsewhere).toEqual([]);
  });
});
