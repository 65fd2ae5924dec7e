import type { AccessIndex } from "@/lib/access/access-index";
import type { RoleAssignment, RoleDefinition } from "@/lib/model/azure";
import { parseArmId } from "@/lib/model/ids";

// Which role assignments make a node or add-on identity more powerful than it needs to be. Those
// identities run on every node: anything that can reach IMDS on a node can use them.

export type ExcessiveAssignment = { assignment: RoleAssignment; definition: RoleDefinition; reason: string };

const byPrincipalCache = new WeakMap<AccessIndex, Map<string, RoleAssignment[]>>();

export function assignmentsOfPrincipal(index: AccessIndex, principalId: string): RoleAssignment[] {
  let byPrincipal = byPrincipalCache.get(index);
  if (!byPrincipal) {
    byPrincipal = new Map();
    for (const assignment of index.model.roleAssignments) {
      const list = byPrincipal.get(assignment.principalId);
      if (list) list.push(assignment);
      else byPrincipal.set(assignment.principalId, [assignment]);
    }
    byPrincipalCache.set(index, byPrincipal);
  }
  return byPrincipal.get(principalId) ?? [];
}

/** Resource group, subscription, management group or root: wider than one resource. */
function isBroadScope(scope: string): boolean {
  const { subscriptionId, resourceType } = parseArmId(scope);
  // Management groups parse as a resource type of their own; anything outside a subscription is broad.
  return subscriptionId === null || resourceType === null;
}

/** Actions that are more than reading or pulling images. */
function writeActions(definition: RoleDefinition): string[] {
  return definition.permissions.flatMap((block) =>
    block.actions.filter((action) => !/\/read$/i.test(action)),
  );
}

/**
 * Data actions other than pulling images (learn.microsoft.com/azure/role-based-access-control/role-definitions,
 * "DataActions"): a registry's content reads are what a node identity is for (AcrPull and its data-plane
 * counterparts), anything else reads or changes data.
 */
function sensitiveDataActions(definition: RoleDefinition): string[] {
  return definition.permissions.flatMap((block) =>
    block.dataActions.filter((action) => !/^microsoft\.containerregistry\/.*\/read$/i.test(action)),
  );
}

export function excessiveAssignments(index: AccessIndex, principalId: string): ExcessiveAssignment[] {
  const result: ExcessiveAssignment[] = [];
  for (const assignment of assignmentsOfPrincipal(index, principalId)) {
    const definition = index.rolesByGuid.get(assignment.roleDefinitionId);
    if (!definition) continue;
    const writes = writeActions(definition);
    if (writes.length === 0) {
      // Data actions read (or write) the data itself — a vault's secrets, a storage account's blobs — and
      // a role's Actions say nothing of them (role-definitions: DataActions are a plane of their own). On a
      // whole resource group or subscription that is every vault or account in it, for any pod reaching IMDS.
      const data = sensitiveDataActions(definition);
      if (data.length > 0 && isBroadScope(assignment.scope))
        result.push({
          assignment,
          definition,
          reason: `${definition.roleName} grants data actions ("${data[0]}") on a whole ${assignment.scope.includes("/resourcegroups/") ? "resource group" : "subscription or management group"}`,
        });
      continue;
    }
    // "*" or "*/…": every resource provider at once, whatever the scope.
    const wildcard = writes.find((action) => action.startsWith("*"));
    if (wildcard) {
      result.push({ assignment, definition, reason: `${definition.roleName} grants "${wildcard}"` });
    } else if (isBroadScope(assignment.scope)) {
      result.push({
        assignment,
        definition,
        reason: `${definition.roleName} grants write actions on a whole ${assignment.scope.includes("/resourcegroups/") ? "resource group" : "subscription or management group"}`,
      });
    }
  }
  return result;
}
