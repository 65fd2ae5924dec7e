import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AKS3, CONTRIBUTOR, JET, SUB, withPimAndDeny } from "@/lib/emulator/test-fixtures/pim-deny";
import { smallTenantPath } from "@/lib/emulator/test-support";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { parseTenantFile, validateTenantFile } from "@/lib/model/wire/tenant-file";

// PIM role settings in the tenant file (azure-rest-api-specs Microsoft.Authorization stable/2020-10-01
// RoleManagementPolicy.json, RoleManagementPolicyAssignment.json). Azure has a policy for every role at
// every scope, with PIM's defaults until someone changes it (learn.microsoft.com/entra/id-governance/
// privileged-identity-management/pim-resource-roles-configure-role-settings: no approval, 8 hours).

const small = () => withPimAndDeny(parseTenantFile(JSON.parse(readFileSync(smallTenantPath, "utf8"))));
const jetActivation = (tenant: TenantFile) =>
  modelFromTenantFile(tenant).roleEligibilities.find((eligibility) => eligibility.principalId === JET)
    ?.activation;

describe("role management policies in a tenant file", () => {
  it("a file without the sections says nothing: approval stays unknown (a collector that did not read them)", () => {
    expect(jetActivation(small())).toBeUndefined();
  });

  it("a file with the sections gives unlisted roles PIM's defaults: no approval, PT8H", () => {
    const tenant = { ...small(), roleManagementPolicies: [], roleManagementPolicyAssignments: [] };
    expect(jetActivation(tenant)).toMatchObject({ approvalRequired: false, maximumDuration: "PT8H" });
  });

  it("tenant validate: a policy at another scope, and two policies for one role at one scope, are errors with paths", () => {
    const policyId = `${SUB}/providers/Microsoft.Authorization/roleManagementPolicies/p1`;
    const assignment = (scope: string, name: string) => ({
      id: `${scope}/providers/Microsoft.Authorization/roleManagementPolicyAssignments/${name}`,
      name,
      properties: {
        scope,
        roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
        policyId,
      },
    });
    const json = JSON.parse(JSON.stringify(small())) as Record<string, unknown>;
    json.roleManagementPolicies = [{ id: policyId, name: "p1", properties: { scope: SUB, rules: [] } }];
    json.roleManagementPolicyAssignments = [
      assignment(SUB, `p1_${CONTRIBUTOR}`),
      assignment(SUB, `p1_${CONTRIBUTOR}x`),
      assignment(AKS3, `p1_${CONTRIBUTOR}`),
    ];
    const { errors } = validateTenantFile(json);
    expect(errors.map((error) => error.path)).toEqual([
      "$.roleManagementPolicyAssignments[1].properties.roleDefinitionId",
      "$.roleManagementPolicyAssignments[2].properties.policyId",
    ]);
    expect(errors[1].message).toMatch(/at another scope/);
  });
});
