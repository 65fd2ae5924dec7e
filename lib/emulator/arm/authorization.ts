import type { ArmRequest, ArmResult } from "@/lib/emulator/arm/arm-request";
import { armError, armPage, authorizationFailed } from "@/lib/emulator/arm/common";
import { handlePimAndDeny } from "@/lib/emulator/arm/pim-and-deny";
import { jsonResponse, queryValue } from "@/lib/emulator/http-kit";
import { normalizeScope, subscriptionOfScope } from "@/lib/emulator/scopes";
import type { IndexedRoleAssignment } from "@/lib/emulator/tenant-index";
import type { WireRoleDefinition } from "@/lib/model/wire/azure";

const ROLE_ASSIGNMENT_READ = "Microsoft.Authorization/roleAssignments/read";

type AssignmentFilter = { atScope: boolean; principalId?: string; assignedTo?: string };

/** The `$filter` forms ARM documents for role assignments, alone or joined with `and`. */
export function parseAssignmentFilter(filter: string | undefined): AssignmentFilter | string {
  const result: AssignmentFilter = { atScope: false };
  if (!filter) return result;
  for (const term of filter.split(/\s+and\s+/i)) {
    const text = term.trim();
    if (/^atScope\(\)$/i.test(text)) {
      result.atScope = true;
      continue;
    }
    const principal = /^principalId\s+eq\s+'([^']+)'$/i.exec(text);
    if (principal) {
      result.principalId = principal[1].toLowerCase();
      continue;
    }
    const assigned = /^assignedTo\('([^']+)'\)$/i.exec(text);
    if (assigned) {
      result.assignedTo = assigned[1].toLowerCase();
      continue;
    }
    return `The filter '${filter}' is not supported. Supported filters are atScope(), principalId eq '{id}' and assignedTo('{id}').`;
  }
  return result;
}

/**
 * Role assignments that a list at `scope` returns: at and above the scope (inherited), and, unless
 * `atScope()`, below it too — in a stable order (outermost scope first, then file order).
 */
function assignmentsForScope(
  arm: ArmRequest,
  scope: string,
  filter: AssignmentFilter,
): IndexedRoleAssignment[] {
  const { index } = arm.context;
  const ancestors = index.scopeAncestors(scope).reverse();
  const result: IndexedRoleAssignment[] = [];
  for (const ancestor of ancestors) result.push(...(index.roleAssignmentsByScope.get(ancestor) ?? []));
  if (!filter.atScope) {
    const subscriptionId = subscriptionOfScope(scope);
    const prefix = scope === "/" ? "/" : `${scope}/`;
    const candidates = subscriptionId
      ? (index.roleAssignmentsBySubscription.get(subscriptionId) ?? [])
      : index.roleAssignments;
    for (const assignment of candidates) {
      if (assignment.scopeLower === scope) continue;
      if (subscriptionId || scope === "/") {
        if (assignment.scopeLower.startsWith(prefix)) result.push(assignment);
      } else if (index.scopeAncestors(assignment.scopeLower).includes(scope)) {
        // A management group: everything in its subtree of groups and subscriptions.
        result.push(assignment);
      }
    }
  }
  const principals = filter.assignedTo
    ? new Set([filter.assignedTo, ...index.transitiveGroupsOf(filter.assignedTo)])
    : filter.principalId
      ? new Set([filter.principalId])
      : undefined;
  return principals ? result.filter((assignment) => principals.has(assignment.principalLower)) : result;
}

function roleDefinitionIdAt(scope: string, definition: WireRoleDefinition): string {
  const subscriptionId = subscriptionOfScope(scope);
  if (subscriptionId && definition.properties.type === "BuiltInRole") {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${definition.name}`;
  }
  return definition.id;
}

function definitionBody(scope: string, definition: WireRoleDefinition): Record<string, unknown> {
  return {
    ...definition,
    id: roleDefinitionIdAt(scope, definition),
    properties: {
      createdOn: "2015-02-02T21:55:09.8806423Z",
      updatedOn: "2025-06-30T00:00:00.0000000Z",
      createdBy: null,
      updatedBy: null,
      ...definition.properties,
    },
  };
}

type DefinitionFilter = { roleName?: string; type?: string; atScopeAndBelow: boolean };

function parseDefinitionFilter(filter: string | undefined): DefinitionFilter | string {
  const result: DefinitionFilter = { atScopeAndBelow: false };
  if (!filter) return result;
  for (const term of filter.split(/\s+and\s+/i)) {
    const text = term.trim();
    const name = /^roleName\s+eq\s+'([^']*)'$/i.exec(text);
    const type = /^type\s+eq\s+'([^']*)'$/i.exec(text);
    if (name) result.roleName = name[1].toLowerCase();
    else if (type) result.type = type[1].toLowerCase();
    else if (/^atScopeAndBelow\(\)$/i.test(text)) result.atScopeAndBelow = true;
    else return `The filter '${filter}' is not supported for role definitions.`;
  }
  return result;
}

/** `{scope}/providers/Microsoft.Authorization/{roleAssignments|roleDefinitions|PIM schedule instances|denyAssignments}[/{name}]`, any scope. */
export function handleAuthorization(arm: ArmRequest): ArmResult | undefined {
  const { lower, segments, request, context, caller } = arm;
  let at = -1;
  for (let position = lower.length - 2; position >= 0; position--) {
    if (lower[position] === "providers" && lower[position + 1] === "microsoft.authorization") {
      at = position;
      break;
    }
  }
  if (at < 0 || request.method !== "GET") return undefined;
  const scopeSpelled = `/${segments.slice(0, at).join("/")}`;
  const scope = normalizeScope(scopeSpelled);
  const collection = lower[at + 2];
  const name = segments[at + 3];
  if (lower.length > at + 4) return undefined;

  const pimOrDeny = handlePimAndDeny(arm, scopeSpelled, collection, name);
  if (pimOrDeny) return pimOrDeny;

  if (collection === "roleassignments") {
    if (name !== undefined) {
      const route = "roleAssignments.get";
      const id = normalizeScope(`${scopeSpelled}/providers/Microsoft.Authorization/roleAssignments/${name}`);
      const found = context.index.roleAssignmentsById.get(id);
      if (!context.authorizer.permits(caller.principalId, ROLE_ASSIGNMENT_READ, scope)) {
        return { route, response: authorizationFailed(caller, ROLE_ASSIGNMENT_READ, scopeSpelled) };
      }
      if (!found) {
        return {
          route,
          response: armError(404, "RoleAssignmentNotFound", `The role assignment '${name}' is not found.`),
        };
      }
      return { route, response: jsonResponse(200, found.assignment) };
    }
    const depth = scope.split("/").filter(Boolean).length;
    const route = /^\/subscriptions\/[^/]+$/.test(scope)
      ? "roleAssignments.listForSubscription"
      : /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(scope) && depth === 4
        ? "roleAssignments.listForResourceGroup"
        : "roleAssignments.listForScope";
    const filterText = queryValue(request.query, "$filter");
    const filter = parseAssignmentFilter(filterText);
    if (typeof filter === "string")
      return { route, response: armError(400, "InvalidFilterInQueryString", filter) };
    if (scope === "/" && !filter.atScope && !filter.principalId && !filter.assignedTo) {
      return {
        route,
        response: armError(
          400,
          "InvalidFilterInQueryString",
          "Listing role assignments at the root scope requires $filter=atScope() or a principal filter.",
        ),
      };
    }
    const fingerprint = `${caller.principalId}|roleAssignments|${scope}|${filterText ?? ""}`.toLowerCase();
    const items = arm.listCache.get(fingerprint, () => {
      const all = assignmentsForScope(arm, scope, filter);
      if (context.authorizer.permits(caller.principalId, ROLE_ASSIGNMENT_READ, scope)) return all;
      return all.filter((assignment) =>
        context.authorizer.permits(caller.principalId, ROLE_ASSIGNMENT_READ, assignment.scopeLower),
      );
    });
    if (items.length === 0 && !context.authorizer.permits(caller.principalId, ROLE_ASSIGNMENT_READ, scope)) {
      const anyBelow = context.authorizer.grantingScopes(caller.principalId, ROLE_ASSIGNMENT_READ).size > 0;
      if (!anyBelow)
        return { route, response: authorizationFailed(caller, ROLE_ASSIGNMENT_READ, scopeSpelled) };
    }
    return {
      route,
      response: armPage(context, request, items, fingerprint, (assignment) => assignment.assignment),
    };
  }

  if (collection === "roledefinitions") {
    // Role definitions are readable by every authenticated caller, as in Azure.
    if (name !== undefined) {
      const definition = context.index.roleDefinitions.get(name.toLowerCase());
      if (!definition) {
        return {
          route: "roleDefinitions.get",
          response: armError(
            404,
            "RoleDefinitionDoesNotExist",
            `The specified role definition with ID '${name}' does not exist.`,
          ),
        };
      }
      return { route: "roleDefinitions.get", response: jsonResponse(200, definitionBody(scope, definition)) };
    }
    const route = "roleDefinitions.list";
    const filterText = queryValue(request.query, "$filter");
    const filter = parseDefinitionFilter(filterText);
    if (typeof filter === "string")
      return { route, response: armError(400, "InvalidFilterInQueryString", filter) };
    const fingerprint = `roleDefinitions|${scope}|${filterText ?? ""}`.toLowerCase();
    const items = arm.listCache.get(fingerprint, () => {
      const ancestors = new Set(context.index.scopeAncestors(scope));
      return [...context.index.roleDefinitions.values()].filter((definition) => {
        if (filter.roleName !== undefined && definition.properties.roleName.toLowerCase() !== filter.roleName)
          return false;
        if (filter.type !== undefined && definition.properties.type.toLowerCase() !== filter.type)
          return false;
        if (definition.properties.type === "BuiltInRole") return true;
        return definition.properties.assignableScopes.some((assignable) => {
          const normalized = normalizeScope(assignable);
          if (ancestors.has(normalized)) return true;
          return filter.atScopeAndBelow && context.index.scopeAncestors(normalized).includes(scope);
        });
      });
    });
    // ARM answers a role definition list in one response, every built-in role (~900) included, with
    // no nextLink: one `az rest` GET of it yields the whole catalogue (Azure/terraform-azure-avm-utl-roledefinitions,
    // scripts/update-data.sh). Paging it at the emulator's test page size would turn one call into hundreds.
    return {
      route,
      response: jsonResponse(200, { value: items.map((definition) => definitionBody(scope, definition)) }),
    };
  }
  return undefined;
}
