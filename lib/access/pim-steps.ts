import type { AccessIndex } from "@/lib/access/access-index";
import { assignmentStep } from "@/lib/access/paths";
import type { PathStep } from "@/lib/access/types";
import type { RoleAssignment, RoleDefinition, RoleEligibilityActivation } from "@/lib/model/azure";

// Path steps of PIM eligibility: the step names the eligibility schedule instance (kind
// `roleEligibility`, its natural key) so a reader sees that an activation comes first — and, when
// PIM's role settings were read, what the activation takes (approval, maximum duration), both in
// the label and as the step's `approvalRequired` / `maximumDuration` fields.

function describeScope(scope: string): string {
  if (scope === "/") return "the tenant root";
  const last = scope.split("/").pop() ?? scope;
  if (scope.includes("/namespaces/")) return `namespace ${last}`;
  if (scope.includes("/providers/microsoft.management/managementgroups/")) return `management group ${last}`;
  if (/^\/subscriptions\/[^/]+$/.test(scope)) return `subscription ${last}`;
  if (/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(scope)) return `resource group ${last}`;
  return last;
}

function describeActivation(activation: RoleEligibilityActivation | undefined): string {
  if (!activation) return "needs activation";
  const approval =
    activation.approvalRequired === true
      ? "with approval"
      : activation.approvalRequired === false
        ? "without approval"
        : null;
  const duration = activation.maximumDuration ? `for up to ${activation.maximumDuration}` : null;
  const terms = [approval, duration].filter((term) => term !== null);
  return terms.length > 0 ? `needs activation (${terms.join(", ")})` : "needs activation";
}

export function eligibilityStep(
  eligibility: RoleAssignment,
  definition: RoleDefinition,
  activation?: RoleEligibilityActivation,
): PathStep {
  return {
    kind: "roleEligibility",
    id: eligibility.id,
    label: `eligible (PIM) for ${definition.roleName} on ${describeScope(eligibility.scope)}${eligibility.condition ? " (with a condition)" : ""}: ${describeActivation(activation)}`,
    ...(activation?.approvalRequired != null ? { approvalRequired: activation.approvalRequired } : {}),
    ...(activation?.maximumDuration ? { maximumDuration: activation.maximumDuration } : {}),
  };
}

/**
 * An assignment's first path step: the standing assignment, or — for a PIM eligibility the index turned into
 * an assignment — the eligibility and what activating it takes. Every edge that starts at an Azure role
 * assignment or eligibility names it this way.
 */
export function grantStep(
  index: AccessIndex,
  assignment: RoleAssignment,
  definition: RoleDefinition,
): PathStep {
  const terms = index.assignmentTerms.get(assignment);
  return terms?.eligible
    ? eligibilityStep(assignment, definition, terms.activation)
    : assignmentStep(assignment, definition);
}
