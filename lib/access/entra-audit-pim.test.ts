import { describe, expect, it } from "vitest";
import { eligibilityStep } from "@/lib/access/pim-steps";
import type { RoleAssignment, RoleDefinition, RoleEligibility } from "@/lib/model/azure";
import { activationFromRules, activationKey, withActivation } from "@/lib/model/pim-activation";

// PIM activation settings (lib/model/pim-activation.ts) and the eligibility path step
// (lib/access/pim-steps.ts), pinned against the role management policy shape of
// Azure/azure-rest-api-specs specification/authorization/resource-manager/Microsoft.Authorization/
// stable/2020-10-01 (RoleManagementPolicy.json; examples/GetRoleManagementPolicyAssignmentByScope.json)
// and learn.microsoft.com/graph/api/resources/unifiedrolemanagementpolicyrule ("caller: Admin | EndUser",
// "level: Eligibility | Assignment"): activating an eligibility is the end user creating an
// assignment, so only the EndUser/Assignment rules say what an activation takes.

const rule = (id: string, ruleType: string, caller: string, level: string, extra: object) => ({
  id,
  ruleType,
  target: { caller, operations: ["All"], level, targetObjects: null },
  ...extra,
});

/** The rules of a policy as the spec's example lists them (abridged). */
const specRules = [
  rule("Expiration_Admin_Eligibility", "RoleManagementPolicyExpirationRule", "Admin", "Eligibility", {
    isExpirationRequired: false,
    maximumDuration: "P365D",
  }),
  rule("Approval_Admin_Eligibility", "RoleManagementPolicyApprovalRule", "Admin", "Eligibility", {
    setting: { isApprovalRequired: false },
  }),
  rule("Expiration_Admin_Assignment", "RoleManagementPolicyExpirationRule", "Admin", "Assignment", {
    isExpirationRequired: false,
    maximumDuration: "P180D",
  }),
  rule("Expiration_EndUser_Assignment", "RoleManagementPolicyExpirationRule", "EndUser", "Assignment", {
    isExpirationRequired: true,
    maximumDuration: "PT8H",
  }),
  rule("Approval_EndUser_Assignment", "RoleManagementPolicyApprovalRule", "EndUser", "Assignment", {
    setting: { isApprovalRequired: true, approvalStages: [] },
  }),
];

describe("Entra audit: PIM activation settings", () => {
  it("reads the end user's assignment rules, not the administrator's eligibility or assignment rules", () => {
    expect(
      activationFromRules(
        specRules,
        "/Subscriptions/S/Providers/Microsoft.Authorization/RoleManagementPolicies/P",
      ),
    ).toEqual({
      approvalRequired: true,
      maximumDuration: "PT8H",
      policyId: "/subscriptions/s/providers/microsoft.authorization/rolemanagementpolicies/p",
    });
  });

  it("recognises the end-user assignment rules by their target when their ids differ from the convention", () => {
    const renamed = specRules.map((entry) =>
      entry.target.caller === "EndUser" ? { ...entry, id: `${entry.id}-custom` } : entry,
    );
    expect(activationFromRules(renamed, null)).toMatchObject({
      approvalRequired: true,
      maximumDuration: "PT8H",
    });
  });

  it("a policy without end-user rules says nothing (null), rather than borrowing an administrator's rule", () => {
    const adminOnly = specRules.filter((entry) => entry.target.caller === "Admin");
    expect(activationFromRules(adminOnly, null)).toEqual({
      approvalRequired: null,
      maximumDuration: null,
      policyId: null,
    });
  });

  it("activation settings are looked up by the eligibility's scope (any case) and the role's GUID", () => {
    const key = activationKey(
      "/subscriptions/S1/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/AKS-1",
      "/subscriptions/S1/providers/Microsoft.Authorization/roleDefinitions/B1FF04BB-8A4E-4DC4-8EB5-8693973CE19B",
    );
    expect(key).toBe(
      "/subscriptions/s1/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-1|b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    );
    const eligibility: RoleEligibility = {
      id: "e1",
      scope: "/subscriptions/s1/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-1",
      roleDefinitionId: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
      principalId: "p1",
      principalType: "User",
      condition: null,
      startDateTime: null,
      endDateTime: null,
      memberType: null,
      status: null,
    };
    const activation = { approvalRequired: false, maximumDuration: "PT1H", policyId: null };
    expect(withActivation([eligibility], new Map([[key, activation]]))[0].activation).toEqual(activation);
  });
});

describe("Entra audit: the eligibility path step", () => {
  const eligibility: RoleAssignment = {
    id: "/subscriptions/s1/providers/microsoft.authorization/roleeligibilityscheduleinstances/i1",
    scope: "/subscriptions/s1",
    roleDefinitionId: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    principalId: "p1",
    principalType: "User",
    condition: null,
  };
  const definition = { roleName: "Azure Kubernetes Service RBAC Cluster Admin" } as RoleDefinition;

  it("says what the activation takes when the policy was read", () => {
    const step = eligibilityStep(eligibility, definition, {
      approvalRequired: true,
      maximumDuration: "PT8H",
      policyId: null,
    });
    expect(step).toEqual({
      kind: "roleEligibility",
      id: eligibility.id,
      label:
        "eligible (PIM) for Azure Kubernetes Service RBAC Cluster Admin on subscription s1: needs activation (with approval, for up to PT8H)",
      approvalRequired: true,
      maximumDuration: "PT8H",
    });
  });

  it("says only that it needs activation when the policy was not read", () => {
    const step = eligibilityStep({ ...eligibility, condition: "@Resource[x] StringEquals 'y'" }, definition);
    expect(step.label).toBe(
      "eligible (PIM) for Azure Kubernetes Service RBAC Cluster Admin on subscription s1 (with a condition): needs activation",
    );
    expect(step).not.toHaveProperty("approvalRequired");
  });
});
