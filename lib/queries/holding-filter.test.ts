import { describe, expect, it } from "vitest";
import { parseClusterPageParams } from "@/app/clusters/[id]/search-params";
import { type AccessSummaryEntry, filterByHolding } from "@/lib/queries/get-cluster-access-summary";
import {
  filterPrincipals,
  type PrincipalListItem,
  type PrincipalListParams,
} from "@/lib/queries/list-principals";

// Issue #14: eligible access (a PIM activation away) is never counted or listed as standing.
const entry = (id: string, grants: AccessSummaryEntry["grants"]): AccessSummaryEntry => ({
  principal: { id, kind: "User", displayName: id },
  grants,
  escalations: 0,
  reaches: [],
  oneStep: [],
});
const jet = entry("jet", [
  { level: "cluster-admin", namespace: null, route: "azure-rbac", eligible: true },
  { level: "read", namespace: null, route: "azure-rbac", eligible: false },
]);
const faye = entry("faye", [{ level: "read", namespace: null, route: "azure-rbac", eligible: false }]);
const only = entry("only", [{ level: "admin", namespace: "web", route: "azure-rbac", eligible: true }]);

describe("filterByHolding", () => {
  it("keeps the grants of the kind asked for and drops principals left with none", () => {
    const standing = filterByHolding([jet, faye, only], "standing");
    expect(standing.map((e) => e.principal.id)).toEqual(["jet", "faye"]);
    expect(standing[0].grants.map((g) => g.level)).toEqual(["read"]);
    const eligible = filterByHolding([jet, faye, only], "eligible");
    expect(eligible.map((e) => [e.principal.id, e.grants.map((g) => g.level)])).toEqual([
      ["jet", ["cluster-admin"]],
      ["only", ["admin"]],
    ]);
    expect(filterByHolding([jet, faye, only], "any")).toHaveLength(3);
  });

  it("reads holding from the URL, an unknown value is any", () => {
    expect(parseClusterPageParams({ holding: "eligible" }).holding).toBe("eligible");
    expect(parseClusterPageParams({ holding: "bogus", access: "all" })).toEqual({
      holding: "any",
      access: "all",
    });
    expect(parseClusterPageParams({}).holding).toBe("any");
  });
});

describe("filterPrincipals by holding", () => {
  const item = (
    id: string,
    strongest: PrincipalListItem["strongestLevel"],
    eligible: PrincipalListItem["eligibleLevel"],
  ) =>
    ({
      id,
      kind: "User",
      displayName: id,
      userPrincipalName: null,
      deleted: false,
      inDirectory: true,
      clusters: strongest ? 1 : 0,
      clusterAdminClusters: strongest === "cluster-admin" ? 1 : 0,
      strongestLevel: strongest,
      escalationClusters: 0,
      eligibleClusters: eligible ? 1 : 0,
      eligibleClusterAdminClusters: eligible === "cluster-admin" ? 1 : 0,
      eligibleLevel: eligible,
    }) satisfies PrincipalListItem;
  const items = [
    item("jet", "read", "cluster-admin"),
    item("penny", "cluster-admin", null),
    item("pim-only", null, "admin"),
  ];
  const ids = (params: Partial<PrincipalListParams>) =>
    filterPrincipals(items, { page: 1, ...params }).map((entry) => entry.id);

  it("judges the level by standing, eligible or either access", () => {
    expect(ids({ level: "cluster-admin", holding: "standing" })).toEqual(["penny"]);
    expect(ids({ level: "cluster-admin", holding: "eligible" })).toEqual(["jet"]);
    expect(ids({ level: "cluster-admin" })).toEqual(["jet", "penny"]);
    expect(ids({ holding: "standing" })).toEqual(["jet", "penny"]);
    expect(ids({ holding: "eligible" })).toEqual(["jet", "pim-only"]);
  });
});
