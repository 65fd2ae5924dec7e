import { describe, expect, it } from "vitest";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { AccessModelBuilder, CLUSTER, MG, ROLE, SUB } from "@/lib/access/fixtures/access-model-builder";
import { managementGroupsSeenAbove } from "@/lib/scan/collect/management-groups-above";

// ARM lists a subscription's role assignments "at, above or below the scope"
// (learn.microsoft.com/rest/api/authorization/role-assignments/list-for-subscription), so a management group
// an assignment in that list sits at is above the subscription, whether or not the scanner may read the
// management group hierarchy (listing management groups needs read on them).

const SEEN = "/providers/microsoft.management/managementgroups/landing-zones";

describe("managementGroupsSeenAbove", () => {
  it("keeps the management group scopes the hierarchy does not already place, once, sorted", () => {
    const items = [
      { scope: SEEN },
      { scope: `/subscriptions/${SUB}` },
      { scope: MG },
      { scope: SEEN },
      { scope: "/providers/microsoft.management/managementgroups/corp" },
      { scope: `${SEEN}/providers/something-below` },
    ];
    expect(managementGroupsSeenAbove(items, new Set([MG]))).toEqual([
      "/providers/microsoft.management/managementgroups/corp",
      SEEN,
    ]);
  });
});

describe("an assignment at a management group the hierarchy did not show", () => {
  function model(seenAbove: boolean) {
    const builder = new AccessModelBuilder({
      entra: { mode: "none", azureRbac: false, adminGroupIds: [], tenantId: null },
    })
      .principal("olga")
      .assign(ROLE.owner, "olga", SEEN);
    const built = builder.build();
    // the scanner could not read the hierarchy: the subscription's place in it is unknown
    built.managementGroups = [];
    built.subscriptions = built.subscriptions.map((subscription) => ({
      ...subscription,
      managementGroupId: null,
      ...(seenAbove ? { managementGroupsAbove: [SEEN] } : {}),
    }));
    return built;
  }
  const olga = (seenAbove: boolean) =>
    evaluateClusterAccess(model(seenAbove), CLUSTER)
      .principals.find((entry) => entry.principal.id === "olga")
      ?.grants.map((grant) => grant.level);

  it("applies to the subscription its own list showed it above", () => {
    expect(olga(true)).toContain("cluster-admin");
  });
  it("(without that, the Owner at the management group reached nothing: a false nobody)", () => {
    expect(olga(false)).toBeUndefined();
  });
});
