import { describe, expect, it } from "vitest";
import { CLUSTERS_PAGE_SIZE, clusterTable, clusterTableParamsSchema } from "@/lib/queries/cluster-table";
import type { ClusterPosture } from "@/lib/queries/list-clusters";

function row(name: string, overrides: Partial<ClusterPosture> = {}): ClusterPosture {
  return {
    id: `/subscriptions/s/resourcegroups/rg-${name}/providers/microsoft.containerservice/managedclusters/${name}`,
    name,
    subscriptionId: "s",
    resourceGroup: `rg-${name}`,
    location: "westeurope",
    kubernetesVersion: "1.30.0",
    entraMode: "managed",
    azureRbac: true,
    kubernetesRbac: true,
    localAccountsDisabled: true,
    runCommandDisabled: true,
    workloadIdentityEnabled: true,
    oidcIssuerEnabled: true,
    podIdentityEnabled: false,
    privateCluster: false,
    controlPlaneIdentityType: "UserAssigned",
    clusterAdmins: 0,
    failingFindings: 0,
    criticalFindings: 0,
    highFindings: 0,
    kubernetesCoverage: "complete",
    ...overrides,
  };
}

const rows = [
  row("aks-1", { localAccountsDisabled: false, clusterAdmins: 5, failingFindings: 7, criticalFindings: 3 }),
  row("aks-2", {
    localAccountsDisabled: false,
    azureRbac: false,
    clusterAdmins: 5,
    failingFindings: 8,
    criticalFindings: 3,
  }),
  row("aks-3", { clusterAdmins: 2, failingFindings: 1 }),
  row("aks-dev-1", {
    entraMode: "legacy",
    failingFindings: 10,
    criticalFindings: 3,
    highFindings: 2,
    clusterAdmins: 15,
  }),
];
const params = (input: Record<string, string>) => clusterTableParamsSchema.parse(input);

describe("clusterTable", () => {
  it("sorts by failing findings, worst (most critical, then high) first, by default", () => {
    expect(clusterTable(rows, params({})).rows.map((r) => r.name)).toEqual([
      "aks-dev-1",
      "aks-2",
      "aks-1",
      "aks-3",
    ]);
  });

  it("filters by posture and searches names and resource groups", () => {
    expect(
      clusterTable(rows, params({ localAccounts: "enabled" }))
        .rows.map((r) => r.name)
        .sort(),
    ).toEqual(["aks-1", "aks-2"]);
    expect(clusterTable(rows, params({ azureRbac: "off" })).rows.map((r) => r.name)).toEqual(["aks-2"]);
    expect(clusterTable(rows, params({ entra: "legacy" })).rows.map((r) => r.name)).toEqual(["aks-dev-1"]);
    expect(clusterTable(rows, params({ q: "RG-AKS-3" })).rows.map((r) => r.name)).toEqual(["aks-3"]);
    const none = clusterTable(rows, params({ q: "nothing" }));
    expect([none.matching, none.total, none.pages]).toEqual([0, 4, 1]);
  });

  it("sorts either way, ties broken by name", () => {
    expect(clusterTable(rows, params({ sort: "name", dir: "desc" })).rows.map((r) => r.name)).toEqual([
      "aks-dev-1",
      "aks-3",
      "aks-2",
      "aks-1",
    ]);
    expect(clusterTable(rows, params({ sort: "clusterAdmins", dir: "asc" })).rows.map((r) => r.name)).toEqual(
      ["aks-3", "aks-1", "aks-2", "aks-dev-1"],
    );
  });

  it("pages, clamping a page past the end", () => {
    const many = Array.from({ length: CLUSTERS_PAGE_SIZE + 5 }, (_, index) =>
      row(`c-${String(index).padStart(3, "0")}`),
    );
    const last = clusterTable(many, params({ sort: "name", page: "9" }));
    expect([last.page, last.pages, last.rows.length]).toEqual([2, 2, 5]);
  });

  it("rejects unknown sort keys and filter values", () => {
    expect(clusterTableParamsSchema.safeParse({ sort: "sideways" }).success).toBe(false);
    expect(clusterTableParamsSchema.safeParse({ localAccounts: "maybe" }).success).toBe(false);
  });
});
