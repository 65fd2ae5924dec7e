import { describe, expect, it } from "vitest";
import { iterateAttackPaths } from "@/lib/access/attack-paths";
import { AccessModelBuilder, RG } from "@/lib/access/fixtures/access-model-builder";

// A built-in role may carry a condition inside its own permission block: Azure Container Storage Contributor
// (95dd08a6-00bd-4661-84bf-f6726f83a4d0) grants Microsoft.Authorization/roleAssignments/write only under
// "@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals
// {08d4c71a…}" (learn.microsoft.com/azure/role-based-access-control/built-in-roles, "Azure Container Storage Contributor";
// the catalogue in lib/model/data/builtin-roles.json). Its holder may assign that one role, never an AKS
// RBAC role: the attack-path search read only the *assignment's* condition and let it assign anything.

const CONTAINER_STORAGE_CONTRIBUTOR = "95dd08a6-00bd-4661-84bf-f6726f83a4d0";
const RBAC_ADMINISTRATOR = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";

function clusterAdminPathOf(roleGuid: string) {
  const model = new AccessModelBuilder().principal("carol").assign(roleGuid, "carol", RG).build();
  const [{ paths }] = [...iterateAttackPaths(model)];
  return paths.find((path) => path.principal.id === "carol" && path.level === "cluster-admin");
}

describe("a condition in the role's own permission block", () => {
  it("keeps Azure Container Storage Contributor's holder from assigning herself an AKS role", () => {
    expect(clusterAdminPathOf(CONTAINER_STORAGE_CONTRIBUTOR)).toBeUndefined();
  });

  it("while Role Based Access Control Administrator, unconditioned, assigns herself one", () => {
    const labels = clusterAdminPathOf(RBAC_ADMINISTRATOR)?.path.map((step) => step.label) ?? [];
    expect(labels.some((label) => label.startsWith("assigns itself"))).toBe(true);
  });
});
