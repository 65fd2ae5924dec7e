import type { ArmClients } from "@/lib/azure/arm-clients";
import type {
  DenyAssignment,
  RoleAssignment,
  RoleAssignmentSchedule,
  RoleDefinition,
  RoleEligibility,
} from "@/lib/model/azure";
import {
  denyAssignmentFromWire,
  roleAssignmentFromWire,
  roleAssignmentScheduleFromWire,
  roleDefinitionFromWire,
  roleEligibilityFromWire,
} from "@/lib/model/wire-azure";
import { describeError } from "@/lib/net/describe-error";

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

// Access that is not standing, once per subscription like role assignments: each list at a
// subscription returns what sits at it, above it (management groups, root) and below it.

/** PIM eligible role assignments reaching the subscription (api-version 2020-10-01). */
export async function listRoleEligibilities(
  clients: ArmClients,
  subscriptionId: string,
): Promise<RoleEligibility[]> {
  const eligibilities: RoleEligibility[] = [];
  const pages = clients
    .authorizationFor(subscriptionId)
    .roleEligibilityScheduleInstances.listForScope(`subscriptions/${subscriptionId}`);
  for await (const instance of pages) eligibilities.push(roleEligibilityFromWire(instance));
  return eligibilities;
}

/**
 * Active PIM assignments with an end: the instances that make a role assignment temporary. Azure
 * lists every active assignment here (a permanent `Assigned` instance per role assignment); only
 * time-bound ones say something the role assignments do not.
 */
export async function listTimeBoundAssignments(
  clients: ArmClients,
  subscriptionId: string,
): Promise<RoleAssignmentSchedule[]> {
  const schedules: RoleAssignmentSchedule[] = [];
  const pages = clients
    .authorizationFor(subscriptionId)
    .roleAssignmentScheduleInstances.listForScope(`subscriptions/${subscriptionId}`);
  for await (const instance of pages) {
    const schedule = roleAssignmentScheduleFromWire(instance);
    if (schedule.endDateTime !== null) schedules.push(schedule);
  }
  return schedules;
}

/** Deny assignments at, above and below the subscription (api-version 2022-04-01). */
export async function listDenyAssignments(
  clients: ArmClients,
  subscriptionId: string,
): Promise<DenyAssignment[]> {
  const denies: DenyAssignment[] = [];
  for await (const deny of clients.authorizationFor(subscriptionId).denyAssignments.list())
    denies.push(denyAssignmentFromWire(deny));
  return denies;
}

/**
 * The answer of a tenant without Microsoft Entra ID P2 to the PIM APIs: 400 (or 403)
 * AadPremiumLicenseRequired, "The tenant needs an AAD Premium 2 license."
 * (JulianHayward/Azure-MG-Sub-Governance-Reporting#114).
 */
export function isLicenceError(error: unknown): boolean {
  return describeError(error).code === "AadPremiumLicenseRequired";
}
