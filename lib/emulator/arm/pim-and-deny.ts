import type { ArmRequest, ArmResult } from "@/lib/emulator/arm/arm-request";
import { armError, armPage, authorizationFailed } from "@/lib/emulator/arm/common";
import { jsonResponse, queryValue } from "@/lib/emulator/http-kit";
import { scheduleWindowOpen } from "@/lib/emulator/schedule-window";
import { normalizeScope } from "@/lib/emulator/scopes";
import type {
  WireDenyAssignment,
  WireRoleAssignment,
  WireRoleAssignmentScheduleInstance,
  WireRoleEligibilityScheduleInstance,
} from "@/lib/model/wire/azure";
import {
  type EffectiveRoleSettings,
  effectiveRoleSettings,
  lastSegment,
  trimScope,
  type WireRoleManagementPolicy,
} from "@/lib/model/wire/role-management-policies";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { tenantHasEntraP2 } from "@/lib/model/wire/tenant-file-licences";

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

type Collection =
  | "roleEligibilityScheduleInstances"
  | "roleAssignmentScheduleInstances"
  | "denyAssignments"
  | "roleManagementPolicies"
  | "roleManagementPolicyAssignments";

const COLLECTIONS: Record<string, Collection> = {
  roleeligibilityscheduleinstances: "roleEligibilityScheduleInstances",
  roleassignmentscheduleinstances: "roleAssignmentScheduleInstances",
  denyassignments: "denyAssignments",
  rolemanagementpolicies: "roleManagementPolicies",
  rolemanagementpolicyassignments: "roleManagementPolicyAssignments",
};

/** Role management policies (RoleManagementPolicy.json, RoleManagementPolicyAssignment.json, 2020-10-01): a role's settings at one scope, never inherited. */
function isPolicyCollection(collection: Collection): boolean {
  return collection === "roleManagementPolicies" || collection === "roleManagementPolicyAssignments";
}

type Item = {
  body: unknown;
  scopeLower: string;
  principalLower: string[];
  nameLower: string;
  /** role management policies: the GUID of the role they govern (a policy may govern none) */
  role?: string;
};

type Filter = {
  atScope: boolean;
  asTarget: boolean;
  principalId?: string;
  assignedTo?: string;
  denyAssignmentName?: string;
  /** role management policies: the role's GUID */
  roleDefinitionId?: string;
};

function parseFilter(collection: Collection, filter: string | undefined): Filter | string {
  const result: Filter = { atScope: false, asTarget: false };
  if (!filter) return result;
  if (isPolicyCollection(collection)) {
    // PIM's REST samples filter policies by role (learn.microsoft.com/rest/api/authorization/
    // privileged-role-policy-rest-sample): `roleDefinitionId eq '{role definition id}'`.
    const role = /^roleDefinitionId\s+eq\s+'([^']+)'$/i.exec(filter.trim());
    if (role) return { ...result, roleDefinitionId: lastSegment(role[1]) };
    return `The filter '${filter}' is not supported. Supported filters are roleDefinitionId eq '{id}'.`;
  }
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

const settingsCache = new WeakMap<TenantFile, EffectiveRoleSettings[]>();

/** The file's policy assignments and, for every eligibility's role and scope without one, PIM's default. */
function roleSettings(tenant: TenantFile): EffectiveRoleSettings[] {
  let settings = settingsCache.get(tenant);
  if (!settings) {
    settings = [...effectiveRoleSettings(tenant).values()];
    settingsCache.set(tenant, settings);
  }
  return settings;
}

function scopeDetails(scope: string) {
  const trimmed = scope.replace(/\/+$/, "") || "/";
  const type = /\/managementgroups\/[^/]+$/i.test(trimmed)
    ? "managementgroup"
    : /^\/subscriptions\/[^/]+$/i.test(trimmed)
      ? "subscription"
      : /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/i.test(trimmed)
        ? "resourcegroup"
        : trimmed === "/"
          ? "tenant"
          : "resource";
  return { id: trimmed, displayName: trimmed.split("/").pop() || "Tenant Root", type };
}

/** The policy as GET roleManagementPolicies answers: its rules, and the same as the computed effectiveRules. */
function policyBody(policy: WireRoleManagementPolicy): unknown {
  return {
    ...policy,
    properties: {
      isOrganizationDefault: false,
      lastModifiedBy: null,
      lastModifiedDateTime: null,
      ...policy.properties,
      effectiveRules: policy.properties.rules,
      policyProperties: { scope: scopeDetails(policy.properties.scope) },
    },
  };
}

function policyItems(arm: ArmRequest): Item[] {
  const seen = new Set<string>();
  const items: Item[] = [];
  for (const { policy, assignment } of roleSettings(arm.context.index.tenant)) {
    const key = policy.id.toLowerCase();
    const role = lastSegment(assignment.properties.roleDefinitionId);
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({
      body: policyBody(policy),
      scopeLower: normalizeScope(policy.properties.scope),
      principalLower: [],
      nameLower: policy.name.toLowerCase(),
      role,
    });
  }
  for (const policy of arm.context.index.tenant.roleManagementPolicies ?? []) {
    // a policy the file lists but assigns to no role is still served
    if (seen.has(policy.id.toLowerCase())) continue;
    seen.add(policy.id.toLowerCase());
    items.push({
      body: policyBody(policy),
      scopeLower: normalizeScope(policy.properties.scope),
      principalLower: [],
      nameLower: policy.name.toLowerCase(),
    });
  }
  return items;
}

function policyAssignmentItems(arm: ArmRequest): Item[] {
  const index = arm.context.index;
  return roleSettings(index.tenant).map(({ policy, assignment }) => {
    const role = lastSegment(assignment.properties.roleDefinitionId);
    const definition = index.roleDefinitions.get(role);
    return {
      body: {
        ...assignment,
        properties: {
          ...assignment.properties,
          effectiveRules: policy.properties.rules,
          policyAssignmentProperties: {
            scope: scopeDetails(assignment.properties.scope),
            roleDefinition: {
              id: assignment.properties.roleDefinitionId,
              displayName: definition?.properties.roleName ?? null,
              type: definition?.properties.type ?? null,
            },
            policy: { id: policy.id, lastModifiedBy: null, lastModifiedDateTime: null },
          },
        },
      },
      scopeLower: normalizeScope(assignment.properties.scope),
      principalLower: [],
      nameLower: assignment.name.toLowerCase(),
      role,
    };
  });
}

function itemsOf(arm: ArmRequest, collection: Collection): Item[] {
  const tenant = arm.context.index.tenant;
  if (collection === "roleManagementPolicies") return policyItems(arm);
  if (collection === "roleManagementPolicyAssignments") return policyAssignmentItems(arm);
  if (collection === "roleEligibilityScheduleInstances")
    return tenant.roleEligibilityScheduleInstances
      .filter((instance) => scheduleWindowOpen(instance.properties))
      .map(pimItem);
  if (collection === "roleAssignmentScheduleInstances")
    return activeInstances(arm)
      .filter((instance) => scheduleWindowOpen(instance.properties))
      .map(pimItem);
  return tenant.denyAssignments.map(denyItem);
}

const READ_ACTION: Record<Collection, string> = {
  roleEligibilityScheduleInstances: "Microsoft.Authorization/roleEligibilityScheduleInstances/read",
  roleAssignmentScheduleInstances: "Microsoft.Authorization/roleAssignmentScheduleInstances/read",
  denyAssignments: "Microsoft.Authorization/denyAssignments/read",
  roleManagementPolicies: "Microsoft.Authorization/roleManagementPolicies/read",
  roleManagementPolicyAssignments: "Microsoft.Authorization/roleManagementPolicyAssignments/read",
};

const NOT_FOUND: Record<Collection, { code: string; what: string }> = {
  roleEligibilityScheduleInstances: {
    code: "RoleAssignmentScheduleInstanceNotFound",
    what: "role schedule instance",
  },
  roleAssignmentScheduleInstances: {
    code: "RoleAssignmentScheduleInstanceNotFound",
    what: "role schedule instance",
  },
  denyAssignments: { code: "DenyAssignmentNotFound", what: "deny assignment" },
  roleManagementPolicies: { code: "RoleManagementPolicyNotFound", what: "role management policy" },
  roleManagementPolicyAssignments: {
    code: "RoleManagementPolicyAssignmentNotFound",
    what: "role management policy assignment",
  },
};

/** `{scope}/providers/Microsoft.Authorization/{roleEligibilityScheduleInstances|roleAssignmentScheduleInstances|denyAssignments|roleManagementPolicies|roleManagementPolicyAssignments}[/{name}]`. */
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
  // One licence for every PIM API, ARM's and Graph's (either spelling in the file).
  const licensed = tenantHasEntraP2(context.index.tenant);

  if (name !== undefined) {
    const route = `${collection}.get`;
    if (!context.authorizer.permits(caller.principalId, action, scope))
      return { route, response: authorizationFailed(caller, action, scopeSpelled) };
    if (pim && !licensed) return { route, response: licenseError() };
    const found = itemsOf(arm, collection).find(
      (item) => item.scopeLower === scope && item.nameLower === name.toLowerCase(),
    );
    if (!found) {
      const { code, what } = NOT_FOUND[collection];
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
    if (isPolicyCollection(collection))
      return itemsOf(arm, collection).filter(
        (item) =>
          item.scopeLower === scope &&
          (filter.roleDefinitionId === undefined || item.role === filter.roleDefinitionId),
      );
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
