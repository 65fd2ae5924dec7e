import { describe, expect, it } from "vitest";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { AccessModelBuilder, CLUSTER, RG, ROLE } from "@/lib/access/fixtures/access-model-builder";

// Built-in roles have the same GUID in every tenant (learn.microsoft.com/azure/role-based-access-control/
// built-in-roles lists each with its one ID), so an assignment naming one whose
// definition the scan did not read (a failed definitions list, an offline file without them) is judged by the
// built-in catalogue. Dropped instead, the Owner below would have reached nothing: a false "nobody".

function olgaOn(withDefinitions: boolean) {
  const model = new AccessModelBuilder({
    entra: { mode: "none", azureRbac: false, adminGroupIds: [], tenantId: null },
  })
    .principal("olga")
    .assign(ROLE.owner, "olga", RG)
    .principal("custom-holder")
    .assign("00000000-1111-2222-3333-444444444444", "custom-holder", RG)
    .build();
  if (!withDefinitions) model.roleDefinitions = [];
  return evaluateClusterAccess(model, CLUSTER).principals;
}

describe("a built-in role whose definition was not read", () => {
  it("is judged by the built-in catalogue", () => {
    const olga = olgaOn(false).find((entry) => entry.principal.id === "olga");
    expect(olga?.grants.map((grant) => grant.level)).toContain("cluster-admin");
    expect(olga?.grants[0].path.map((step) => step.label).join(" ")).toContain("Owner");
  });

  it("as it is when read", () => {
    expect(
      olgaOn(true)
        .find((entry) => entry.principal.id === "olga")
        ?.grants.map((g) => g.level),
    ).toContain("cluster-admin");
  });

  it("an unknown (custom) role still gives nothing: there is nothing to judge it by", () => {
    expect(olgaOn(false).find((entry) => entry.principal.id === "custom-holder")).toBeUndefined();
  });
});
