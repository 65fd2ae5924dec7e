import type { ArmClients } from "@/lib/azure/arm-clients";
import type { RoleEligibility, RoleEligibilityActivation } from "@/lib/model/azure";
import { normalizeArmId } from "@/lib/model/ids";
import { activationFromRules, activationKey } from "@/lib/model/pim-activation";

// PIM role settings (api-version 2020-10-01, azure-rest-api-specs Microsoft.Authorization
// stable/2020-10-01 RoleManagementPolicyAssignment.json and RoleManagementPolicy.json): a role's
// settings are per scope and not inherited, so they are read at each scope that holds an
// eligibility — one list per scope, whatever the number of roles or eligibilities there. A policy
// assignment carries the policy's computed `effectiveRules`; when it does not, the policy is read.

/** Scope → the activation settings of each role there, keyed by activationKey. Shared across subscriptions: a management group's scope is read once. */
export type ActivationReads = Map<string, Promise<Map<string, RoleEligibilityActivation>>>;

async function readScope(
  clients: ArmClients,
  subscriptionId: string,
  scope: string,
): Promise<Map<string, RoleEligibilityActivation>> {
  const client = clients.authorizationFor(subscriptionId);
  // The SDK splices the scope into `/{scope}/providers/...`: no leading slash, or the path gets `//`.
  const sdkScope = scope === "/" ? "" : scope.replace(/^\/+/, "");
  const settings = new Map<string, RoleEligibilityActivation>();
  for await (const assignment of client.roleManagementPolicyAssignments.listForScope(sdkScope)) {
    if (!assignment.roleDefinitionId) continue;
    const policyId = assignment.policyId ?? null;
    let rules: readonly unknown[] | undefined = assignment.effectiveRules;
    if ((!rules || rules.length === 0) && policyId) {
      const policyName = policyId.split("/").pop() ?? "";
      const policy = await client.roleManagementPolicies.get(sdkScope, policyName);
      rules = policy.effectiveRules?.length ? policy.effectiveRules : (policy.rules ?? []);
    }
    settings.set(
      activationKey(assignment.scope ?? scope, assignment.roleDefinitionId),
      activationFromRules(rules ?? [], policyId),
    );
  }
  return settings;
}

/** The activation settings of every (scope, role) the eligibilities sit at; throws what the API answered. */
export async function readActivationSettings(
  clients: ArmClients,
  subscriptionId: string,
  eligibilities: readonly RoleEligibility[],
  reads: ActivationReads,
): Promise<Map<string, RoleEligibilityActivation>> {
  const scopes = [...new Set(eligibilities.map((eligibility) => normalizeArmId(eligibility.scope)))];
  const result = new Map<string, RoleEligibilityActivation>();
  // A few scopes at a time: the clients' request slots bound the tenant-wide concurrency anyway.
  for (let start = 0; start < scopes.length; start += 8) {
    const batch = scopes.slice(start, start + 8).map((scope) => {
      let read = reads.get(scope);
      if (!read) {
        read = readScope(clients, subscriptionId, scope);
        // A failed read is not cached: the next subscription that reaches the scope tries again.
        read.catch(() => reads.delete(scope));
        reads.set(scope, read);
      }
      return read;
    });
    for (const settings of await Promise.all(batch)) {
      for (const [key, activation] of settings) result.set(key, activation);
    }
  }
  return result;
}
