import type { ArmRequest, ArmResult } from "@/lib/emulator/arm/arm-request";
import { armError, armPage, authorizationFailed } from "@/lib/emulator/arm/common";
import { jsonResponse, queryValue } from "@/lib/emulator/http-kit";
import { normalizeScope } from "@/lib/emulator/scopes";
import type {
  WireDenyAssignment,
  WireRoleAssignment,
  WireRoleAssignmentScheduleInstance,
  WireRoleEligibilityScheduleInstance,
} from "@/lib/model/wire/azure";

// PIM for Azure resources (api-version 2020-10-01) and deny assignments (2022-04-01), as the REST
// specs describe them: azure-rest-api-specs specification/authorization/resource-manager/
// Microsoft.Authorization/stable/2020-10-01/RoleEligibilityScheduleInstance.json,
// RoleAssignmentScheduleInstance.json and stable/2022-04-01/authorization-DenyAssignmentCalls.json.
// Lists return what sits at, above and (without atScope()) below the scope, like role assignments.

/** What Azure answers for PIM reads in a tenant without Microsoft Entra ID P2 (JulianHayward/Azure-MG-Sub-Governance-Reporting#114). */
export const PIM_LICENSE_ERROR = {
  status: 400,
  code: "AadPremiumLicenseRequired",
  message: "The tenant needs an AAD Premium 2 license.",
} as const;

type Collection = "roleEligibilityScheduleInstances" | "roleAssignmentScheduleInstances" | "denyAssignments";

const COLLECTIONS: Record<string, Collection> = {
  roleeligibilityscheduleinstances: "roleEligibilityScheduleInstances",
  roleassignmentscheduleinstances: "roleAssignmentScheduleInstances",
  denyassignments: "denyAssignments",
};

type Item = { body: unknown; scopeLower: string; principalLower: string[]; nameLower: string };

type Filter = {
  atScope: boolean;
  asTarget: boolean;
  principalId?: string;
  assignedTo?: string;
  denyAssignmentName?: string;
};

function parseFilter(collection: Collection, filter: string | undefined): Filter | string {
  const result: Filter = { atScope: false, asTarget: false };
  if (!filter) return result;
  const pim = collection !== "denyAssignments";
  for (const term of filter.split(/\s+and\s+/i)) {
    const text = term.trim();
    if (/^atScope\(\)$/i.test(text)) {
      result.atScope = true;
      continue;
    }
    // The specs write `principalId eq {id}`; clients quote it. Both are accepted.
    const principal = /^principalId\s+eq\s+'?([0-9a-f-]{36})'?$/i.exec(text);
    if (principal) {
      result.principalId = principal[1].toLowerCase();
      continue;
    }
    const assigned = pim ? /^assignedTo\('([^']+)'\)$/i.exec(text) : null;
    if (assigned) {
      result.assignedTo = assigned[1].toLowerCase();
      continue;
    }
    if (pim && /^asTarget\(\)$/i.test(text)) {
      result.asTarget = true;
      continue;
    }
    const named = pim ? null : /^denyAssignmentName\s+eq\s+'([^']*)'$/i.exec(text);
    if (named) {
      result.denyAssignmentName = named[1].toLowerCase();
      continue;
    }
    const supported = pim
      ? "atScope(), principalId eq '{id}', assignedTo('{id}') and asTarget()"
      : "atScope(), principalId eq '{id}' and denyAssignmentName eq '{name}'";
    return `The filter '${filter}' is not supported. Supported filters are ${supported}.`;
  }
  return result;
}

function trimScope(scope: string): string {
  return scope === "/" ? "" : scope.replace(/\/+$/, "");
}

/**
 * Every active assignment is a role assignment schedule instance in Azure: the file's own (activated
 * or time-bound) ones, and a permanent `Assigned` instance for each other role assignment.
 */
function activeInstances(arm: ArmRequest): WireRoleAssignmentScheduleInstance[] {
  const tenant = arm.context.index.tenant;
  const explicit = tenant.roleAssignmentScheduleInstances;
  const covered = new Set(
    explicit.flatMap((instance) =>
      instance.properties.originRoleAssignmentId
        ? [instance.properties.originRoleAssignmentId.toLowerCase()]
        : [],
    ),
  );
  // index.roleAssignments includes what the emulator provisions (the scanner's own assignment).
  const synthesized = arm.context.index.roleAssignments
    .filter(({ assignment }) => !covered.has(assignment.id.toLowerCase()))
    .map(({ assignment }) => permanentInstance(assignment));
  return [...explicit, ...synthesized];
}

function permanentInstance(assignment: WireRoleAssignment): WireRoleAssignmentScheduleInstance {
  const { scope, roleDefinitionId, principalId, principalType, condition, conditionVersion } =
    assignment.properties;
  const at = trimScope(scope);
  const createdOn =
    typeof assignment.properties.createdOn === "string" ? assignment.properties.createdOn : null;
  return {
    id: `${at}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances/${assignment.name}`,
    name: assignment.name,
    type: "Microsoft.Authorization/roleAssignmentScheduleInstances",
    properties: {
      scope,
      roleDefinitionId,
      principalId,
      ...(principalType ? { principalType } : {}),
      roleAssignmentScheduleId: `${at}/providers/Microsoft.Authorization/roleAssignmentSchedules/${assignment.name}`,
      originRoleAssignmentId: assignment.id,
      status: "Provisioned",
      startDateTime: createdOn,
      endDateTime: null,
      memberType: "Direct",
      assignmentType: "Assigned",
      condition: condition ?? null,
      conditionVersion: conditionVersion ?? null,
      createdOn,
    },
  };
}

function pimItem(instance: WireRoleEligibilityScheduleInstance | WireRoleAssignmentScheduleInstance): Item {
  return {
    body: instance,
    scopeLower: normalizeScope(instance.properties.scope),
    principalLower: [instance.properties.principalId.toLowerCase()],
    nameLower: instance.name.toLowerCase(),
  };
}

function denyItem(deny: WireDenyAssignment): Item {
  return {
    body: deny,
    scopeLower: normalizeScope(deny.properties.scope),
    // principalId filters match the principals a deny assignment names (its exclusions are not matched).
    principalLower: deny.properties.principals.map((principal) => principal.id.toLowerCase()),
    nameLower: deny.name.toLowerCase(),
  };
}

function itemsOf(arm: ArmRequest, collection: Collection): Item[] {
  const tenant = arm.context.index.tenant;
  if (collection === "roleEligibilityScheduleInstances")
    return tenant.roleEligibilityScheduleInstances.map(pimItem);
  if (collection === "roleAssignmentScheduleInstances") return activeInstances(arm).map(pimItem);
  return tenant.denyAssignments.map(denyItem);
}

const READ_ACTION: Record<Collection, string> = {
  roleEligibilityScheduleInstances: "Microsoft.Authorization/roleEligibilityScheduleInstances/read",
  roleAssignmentScheduleInstances: "Microsoft.Authorization/roleAssignmentScheduleInstances/read",
  denyAssignments: "Microsoft.Authorization/denyAssignments/read",
};

/** `{scope}/providers/Microsoft.Authorization/{roleEligibilityScheduleInstances|roleAssignmentScheduleInstances|denyAssignments}[/{name}]`. */
export function handlePimAndDeny(
  arm: ArmRequest,
  scopeSpelled: string,
  collectionLower: string,
  name: string | undefined,
): ArmResult | undefined {
  const collection = COLLECTIONS[collectionLower];
  if (!collection) return undefined;
  const { context, caller, request } = arm;
  const scope = normalizeScope(scopeSpelled);
  const action = READ_ACTION[collection];
  const pim = collection !== "denyAssignments";
  const licensed = context.index.tenant.licenses.entraIdP2;

  if (name !== undefined) {
    const route = `${collection}.get`;
    if (!context.authorizer.permits(caller.principalId, action, scope))
      return { route, response: authorizationFailed(caller, action, scopeSpelled) };
    if (pim && !licensed) return { route, response: licenseError() };
    const found = itemsOf(arm, collection).find(
      (item) => item.scopeLower === scope && item.nameLower === name.toLowerCase(),
    );
    if (!found) {
      const code = pim ? "RoleAssignmentScheduleInstanceNotFound" : "DenyAssignmentNotFound";
      const what = pim ? "role schedule instance" : "deny assignment";
      return {
        route,
        response: armError(404, code, `The ${what} '${name}' is not found.`),
      };
    }
    return { route, response: jsonResponse(200, found.body) };
  }

  const route = `${collection}.listForScope`;
  const filterText = queryValue(request.query, "$filter");
  const filter = parseFilter(collection, filterText);
  if (typeof filter === "string")
    return { route, response: armError(400, "InvalidFilterInQueryString", filter) };
  // asTarget(): the caller's own instances, which PIM shows every user without a role on the scope.
  const permittedAtScope = context.authorizer.permits(caller.principalId, action, scope);
  if (!filter.asTarget && !permittedAtScope) {
    const anyBelow = context.authorizer.grantingScopes(caller.principalId, action).size > 0;
    if (!anyBelow) return { route, response: authorizationFailed(caller, action, scopeSpelled) };
  }
  if (pim && !licensed) return { route, response: licenseError() };

  const fingerprint = `${caller.principalId}|${collection}|${scope}|${filterText ?? ""}`.toLowerCase();
  const items = arm.listCache.get(fingerprint, () => {
    const index = context.index;
    const above = new Set(index.scopeAncestors(scope));
    const principals = filter.asTarget
      ? new Set([
          caller.principalId.toLowerCase(),
          ...index.transitiveGroupsOf(caller.principalId.toLowerCase()),
        ])
      : filter.assignedTo
        ? new Set([filter.assignedTo, ...index.transitiveGroupsOf(filter.assignedTo)])
        : filter.principalId
          ? new Set([filter.principalId])
          : undefined;
    return itemsOf(arm, collection).filter((item) => {
      const atOrAbove = above.has(item.scopeLower);
      if (!atOrAbove && (filter.atScope || !index.scopeAncestors(item.scopeLower).includes(scope)))
        return false;
      if (principals && !item.principalLower.some((id) => principals.has(id))) return false;
      if (filter.denyAssignmentName !== undefined) {
        const denyName = (item.body as WireDenyAssignment).properties.denyAssignmentName.toLowerCase();
        if (denyName !== filter.denyAssignmentName) return false;
      }
      if (filter.asTarget || permittedAtScope) return true;
      return context.authorizer.permits(caller.principalId, action, item.scopeLower);
    });
  });
  return {
    route,
    response: armPage(context, request, items, fingerprint, (item) => item.body),
  };
}

function licenseError() {
  return armError(PIM_LICENSE_ERROR.status, PIM_LICENSE_ERROR.code, PIM_LICENSE_ERROR.message);
}
