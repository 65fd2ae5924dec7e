import type { PathStep } from "@/lib/access/types";
import type { RoleAssignment, RoleDefinition } from "@/lib/model/azure";

// Path steps of PIM eligibility: the step names the eligibility schedule instance (kind
// `roleEligibility`, its natural key) so a reader sees that an activation comes first.

function describeScope(scope: string): string {
  if (scope === "/") return "the tenant root";
  const last = scope.split("/").pop() ?? scope;
  if (scope.includes("/namespaces/")) return `namespace ${last}`;
  if (scope.includes("/providers/microsoft.management/managementgroups/")) return `management group ${last}`;
  if (/^\/subscriptions\/[^/]+$/.test(scope)) return `subscription ${last}`;
  if (/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(scope)) return `resource group ${last}`;
  return last;
}

export function eligibilityStep(eligibility: RoleAssignment, definition: RoleDefinition): PathStep {
  return {
    kind: "roleEligibility",
    id: eligibility.id,
    label: `eligible (PIM) for ${definition.roleName} on ${describeScope(eligibility.scope)}${eligibility.condition ? " (with a condition)" : ""}: needs activation`,
  };
}
