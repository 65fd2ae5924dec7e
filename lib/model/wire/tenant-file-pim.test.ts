import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withPimAndDeny } from "@/lib/emulator/test-fixtures/pim-deny";
import { smallTenantPath } from "@/lib/emulator/test-support";
import { parseTenantFile, validateTenantFile } from "@/lib/model/wire/tenant-file";

// The tenant file's PIM and deny sections: ARM wire format, checked with JSON paths.

function tenantJson(): Record<string, unknown> {
  const tenant = parseTenantFile(JSON.parse(readFileSync(smallTenantPath, "utf8")));
  return JSON.parse(JSON.stringify(withPimAndDeny(tenant)));
}

function messagesOf(input: unknown) {
  return validateTenantFile(input).errors.map((error) => `${error.path}: ${error.message}`);
}

describe("tenant file: roleEligibilityScheduleInstances, roleAssignmentScheduleInstances, denyAssignments", () => {
  it("accepts the wire shapes, and defaults licences to licensed", () => {
    const input = tenantJson();
    expect(messagesOf(input)).toEqual([]);
    delete input.licenses;
    expect(validateTenantFile(input).tenant?.licenses).toEqual({ entraIdP2: true });
  });

  it("names the JSON path of malformed entries", () => {
    const input = tenantJson() as {
      roleEligibilityScheduleInstances: { properties: Record<string, unknown> }[];
      roleAssignmentScheduleInstances: { properties: Record<string, unknown> }[];
      denyAssignments: { properties: Record<string, unknown> }[];
    };
    input.roleEligibilityScheduleInstances[0].properties.principalId = "jet";
    input.roleEligibilityScheduleInstances[1].properties.endDateTime = "next tuesday";
    input.roleAssignmentScheduleInstances[0].properties.assignmentType = "Eligible";
    input.denyAssignments[0].properties.doNotApplyToChildScopes = "no";
    input.denyAssignments[0].properties.principals = [];
    expect(messagesOf(input)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\$\.roleEligibilityScheduleInstances\[0\]\.properties\.principalId: must be a GUID/,
        ),
        expect.stringMatching(
          /^\$\.roleEligibilityScheduleInstances\[1\]\.properties\.endDateTime: must be an ISO 8601/,
        ),
        expect.stringMatching(/^\$\.roleAssignmentScheduleInstances\[0\]\.properties\.assignmentType: /),
        expect.stringMatching(/^\$\.denyAssignments\[0\]\.properties\.doNotApplyToChildScopes: /),
        expect.stringMatching(/^\$\.denyAssignments\[0\]\.properties\.principals: /),
      ]),
    );
  });

  it("checks ids, scopes, roles, windows and 'all principals' in exclusions", () => {
    const input = tenantJson() as {
      roleEligibilityScheduleInstances: { id: string; properties: Record<string, unknown> }[];
      roleAssignmentScheduleInstances: { properties: Record<string, unknown> }[];
      denyAssignments: { properties: { excludePrincipals: unknown[]; scope: string } }[];
    };
    const [jet, oncall] = input.roleEligibilityScheduleInstances;
    jet.id = jet.id.replace("aks-3", "aks-9");
    oncall.properties.roleDefinitionId =
      "/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-4333-8444-555555555555";
    input.roleAssignmentScheduleInstances[0].properties.endDateTime = "2020-01-01T00:00:00Z";
    input.denyAssignments[0].properties.excludePrincipals.push({
      id: "00000000-0000-0000-0000-000000000000",
      type: "SystemDefined",
    });
    const messages = messagesOf(input);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\$\.roleEligibilityScheduleInstances\[0\]\.id: id must be .*aks-3.*\(scope \+ name\)/,
        ),
        expect.stringMatching(
          /^\$\.roleEligibilityScheduleInstances\[1\]\.properties\.roleDefinitionId: role definition 11111111/,
        ),
        "$.roleAssignmentScheduleInstances[0].properties.endDateTime: endDateTime must be after startDateTime",
        "$.denyAssignments[0].properties.excludePrincipals[1].id: all principals (00000000-0000-0000-0000-000000000000) may only be in principals",
      ]),
    );
    expect(messages).toHaveLength(4);
  });

  it("refuses unknown licence keys (typos)", () => {
    const input = tenantJson();
    input.licenses = { entraIDP2: false };
    expect(messagesOf(input)).toEqual([expect.stringMatching(/^\$\.licenses: /)]);
  });
});
