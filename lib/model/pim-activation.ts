import type { RoleEligibility, RoleEligibilityActivation } from "@/lib/model/azure";
import { normalizeArmId } from "@/lib/model/ids";

// What activating a PIM eligible role assignment takes, read from the rules of the role management
// policy that governs the role at the eligibility's scope (azure-rest-api-specs Microsoft.Authorization
// stable/2020-10-01 RoleManagementPolicy.json). An activation creates an *active assignment* as the
// *end user*: the rules that govern it target caller `EndUser`, level `Assignment` — by convention
// `Approval_EndUser_Assignment` and `Expiration_EndUser_Assignment` (the spec's
// GetRoleManagementPolicyAssignmentByScope.json example; learn.microsoft.com/rest/api/authorization/
// privileged-role-policy-rest-sample). Rules come from the wire (JSON) or the SDK (same field names).

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[name] : undefined;
}

function isEndUserAssignmentRule(rule: unknown, ruleType: string, conventionalId: string): boolean {
  if (field(rule, "ruleType") !== ruleType) return false;
  if (field(rule, "id") === conventionalId) return true;
  const target = field(rule, "target");
  return field(target, "caller") === "EndUser" && field(target, "level") === "Assignment";
}

/** The activation settings a policy's rules say; null fields when the policy has no such rule. */
export function activationFromRules(
  rules: readonly unknown[],
  policyId: string | null,
): RoleEligibilityActivation {
  const approval = rules.find((rule) =>
    isEndUserAssignmentRule(rule, "RoleManagementPolicyApprovalRule", "Approval_EndUser_Assignment"),
  );
  const expiration = rules.find((rule) =>
    isEndUserAssignmentRule(rule, "RoleManagementPolicyExpirationRule", "Expiration_EndUser_Assignment"),
  );
  const required = field(field(approval, "setting"), "isApprovalRequired");
  const duration = field(expiration, "maximumDuration");
  return {
    approvalRequired: typeof required === "boolean" ? required : null,
    maximumDuration: typeof duration === "string" && duration.length > 0 ? duration : null,
    policyId: policyId === null ? null : normalizeArmId(policyId),
  };
}

/** The key activation settings are looked up by: lower-cased scope and role GUID. */
export function activationKey(scope: string, roleDefinitionId: string): string {
  const role = (
    roleDefinitionId
      .split("/")
      .filter((part) => part.length > 0)
      .at(-1) ?? ""
  ).toLowerCase();
  return `${normalizeArmId(scope)}|${role}`;
}

/** Each eligibility with the activation settings of its (scope, role), when known. */
export function withActivation(
  eligibilities: readonly RoleEligibility[],
  settings: ReadonlyMap<string, RoleEligibilityActivation>,
): RoleEligibility[] {
  return eligibilities.map((eligibility) => {
    const activation = settings.get(activationKey(eligibility.scope, eligibility.roleDefinitionId));
    return activation ? { ...eligibility, activation } : eligibility;
  });
}
