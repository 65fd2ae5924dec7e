import type { ArmClients } from "@/lib/azure/arm-clients";
import type { RoleAssignment, RoleDefinition } from "@/lib/model/azure";
import { roleAssignmentFromWire, roleDefinitionFromWire } from "@/lib/model/wire-azure";

// Azure RBAC, once per subscription: calls grow with subscriptions (and pages), never with
// assignments. `listForSubscription` without a filter returns the assignments at the subscription,
// below it (resource groups, clusters, `<cluster>/namespaces/<ns>`, identities) and above it
// (management groups, root) — everything that can reach a cluster or an identity in it.

export async function listRoleAssignments(
  clients: ArmClients,
  subscriptionId: string,
): Promise<RoleAssignment[]> {
  const assignments: RoleAssignment[] = [];
  for await (const assignment of clients
    .authorizationFor(subscriptionId)
    .roleAssignments.listForSubscription()) {
    assignments.push(roleAssignmentFromWire(assignment));
  }
  return assignments;
}

/**
 * Built-in roles and the custom roles assignable at the subscription, above it, or below it (a
 * custom role scoped to one resource group is still a role its assignments use).
 */
export async function listRoleDefinitions(
  clients: ArmClients,
  subscriptionId: string,
): Promise<RoleDefinition[]> {
  const definitions: RoleDefinition[] = [];
  // The SDK splices the scope into `/{scope}/providers/...`: no leading slash, or the path gets `//`.
  const pages = clients
    .authorizationFor(subscriptionId)
    .roleDefinitions.list(`subscriptions/${subscriptionId}`, { filter: "atScopeAndBelow()" });
  for await (const definition of pages) definitions.push(roleDefinitionFromWire(definition));
  return definitions;
}
