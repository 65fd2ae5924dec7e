import {
  type ApplicationFederatedCredential,
  DIRECTORY_ROLE_NAMES,
  type DirectoryRoleAssignment,
  GRAPH_ESCALATION_PERMISSIONS,
  type GraphAppRoleAssignment,
  type GroupEligibility,
  type GroupMembership,
  type Principal,
  type PrincipalKind,
} from "@/lib/model/directory";
import { normalizeGuid } from "@/lib/model/ids";
import { asLowerString, asString, field, requireString } from "@/lib/model/wire-reader";

// Directory objects → model. Accepts the tenant file's shape (`type`, `servicePrincipalType`) and
// Microsoft Graph's (`@odata.type`, `servicePrincipalType`).
//
// Only users, groups and service principals (managed identities among them) can sign in and hold
// access. A group's members may also be devices (`#microsoft.graph.device`) and organizational
// contacts (`#microsoft.graph.orgContact`) — directoryObject types listed in Graph's group
// `members` relationship (learn.microsoft.com/graph/api/group-list-members) — and an object
// whose type Graph does not say is none we can vouch for: none of them is a principal.

function principalKindOf(object: unknown): PrincipalKind | null {
  const odataType = asString(field(object, "@odata.type"))?.toLowerCase() ?? "";
  const type = asString(field(object, "type"))?.toLowerCase() ?? odataType.replace("#microsoft.graph.", "");
  if (type === "user") return "User";
  if (type === "group") return "Group";
  // Managed identities are service principals of type ManagedIdentity in the directory.
  const servicePrincipalType = asString(field(object, "servicePrincipalType"))?.toLowerCase();
  if (type === "managedidentity") return "ManagedIdentity";
  if (type === "serviceprincipal")
    return servicePrincipalType === "managedidentity" ? "ManagedIdentity" : "ServicePrincipal";
  return null;
}

/** The principal a directory object is, or null for objects that are no principal (devices, contacts, untyped). */
export function principalFromDirectoryObject(object: unknown): Principal | null {
  const kind = principalKindOf(object);
  if (kind === null) return null;
  const id = normalizeGuid(requireString(field(object, "id"), "principal", "id"));
  const principal: Principal = {
    id,
    kind,
    displayName: asString(field(object, "displayName")) ?? id,
  };
  const userPrincipalName = asString(field(object, "userPrincipalName"));
  if (userPrincipalName !== null) principal.userPrincipalName = userPrincipalName;
  const appId = asLowerString(field(object, "appId"));
  if (appId !== null) principal.appId = appId;
  if (kind === "Group" && field(object, "isAssignableToRole") === true) principal.isAssignableToRole = true;
  return principal;
}

/**
 * Transitive membership from direct membership. Nesting may be deep and may even be cyclic in a
 * hand-written tenant file, so each group is expanded breadth-first with a visited set, reusing the
 * complete closure of any nested group already expanded.
 */
export function groupMembershipsFromDirect(
  groups: ReadonlyArray<{ groupId: string; directMemberIds: readonly string[] }>,
): GroupMembership[] {
  const direct = new Map<string, string[]>();
  for (const group of groups) {
    const groupId = normalizeGuid(group.groupId);
    const members = new Set([...(direct.get(groupId) ?? []), ...group.directMemberIds.map(normalizeGuid)]);
    direct.set(groupId, [...members].sort());
  }
  const closures = new Map<string, string[]>();
  const closureOf = (groupId: string): string[] => {
    const known = closures.get(groupId);
    if (known) return known;
    const visited = new Set<string>();
    const queue = [...(direct.get(groupId) ?? [])];
    while (queue.length > 0) {
      const member = queue.pop() as string;
      if (visited.has(member)) continue;
      visited.add(member);
      const nestedClosure = closures.get(member);
      if (nestedClosure) for (const nested of nestedClosure) visited.add(nested);
      else queue.push(...(direct.get(member) ?? []));
    }
    visited.delete(groupId);
    const closure = [...visited].sort();
    closures.set(groupId, closure);
    return closure;
  };
  return [...direct.keys()].sort().map((groupId) => ({
    groupId,
    directMemberIds: direct.get(groupId) ?? [],
    memberIds: closureOf(groupId),
  }));
}

// Graph's role management and PIM shapes (learn.microsoft.com/graph/api/resources/unifiedroleassignment,
// unifiedroleeligibilityscheduleinstance, privilegedaccessgroupeligibilityscheduleinstance).

/** A unifiedRoleAssignment (eligible = false) or unifiedRoleEligibilityScheduleInstance (eligible = true). */
export function directoryRoleAssignmentFromWire(object: unknown, eligible: boolean): DirectoryRoleAssignment {
  const what = eligible ? "role eligibility" : "role assignment";
  const roleDefinitionId = normalizeGuid(
    requireString(field(object, "roleDefinitionId"), what, "roleDefinitionId"),
  );
  return {
    id: requireString(field(object, "id"), what, "id"),
    principalId: normalizeGuid(requireString(field(object, "principalId"), what, "principalId")),
    roleDefinitionId,
    roleName: DIRECTORY_ROLE_NAMES[roleDefinitionId] ?? roleDefinitionId,
    directoryScopeId: asString(field(object, "directoryScopeId")) ?? "/",
    eligible,
    endDateTime: asString(field(object, "endDateTime")),
  };
}

/** A privilegedAccessGroupEligibilityScheduleInstance; null for an accessId we do not know. */
export function groupEligibilityFromWire(object: unknown): GroupEligibility | null {
  const accessId = asLowerString(field(object, "accessId"));
  if (accessId !== "member" && accessId !== "owner") return null;
  return {
    id: requireString(field(object, "id"), "group eligibility", "id"),
    groupId: normalizeGuid(requireString(field(object, "groupId"), "group eligibility", "groupId")),
    principalId: normalizeGuid(
      requireString(field(object, "principalId"), "group eligibility", "principalId"),
    ),
    accessId,
    endDateTime: asString(field(object, "endDateTime")),
  };
}

/**
 * A Graph v1.0 federatedIdentityCredential of `application` (learn.microsoft.com/graph/api/resources/federatedidentitycredential).
 * `issuer` and `subject` are kept verbatim (Entra compares them as exact strings); a credential without a
 * subject (a flexible one, whose expression only Graph beta returns) keeps subject "" and is matched as
 * unknown (lib/access/federated-match.ts).
 */
export function applicationFederatedCredentialFromWire(
  application: { id: string; appId: string },
  object: unknown,
): ApplicationFederatedCredential {
  const what = "federated identity credential";
  const audiences = field(object, "audiences");
  const expression = field(object, "claimsMatchingExpression");
  const expressionValue = asString(field(expression, "value"));
  const languageVersion = field(expression, "languageVersion");
  return {
    applicationId: normalizeGuid(application.id),
    appId: normalizeGuid(application.appId),
    id: requireString(field(object, "id"), what, "id").toLowerCase(),
    name: requireString(field(object, "name"), what, "name"),
    issuer: requireString(field(object, "issuer"), what, "issuer"),
    subject: asString(field(object, "subject")) ?? "",
    audiences: Array.isArray(audiences) ? audiences.filter((value) => typeof value === "string") : [],
    claimsMatchingExpression:
      expressionValue === null
        ? null
        : {
            value: expressionValue,
            languageVersion: typeof languageVersion === "number" ? languageVersion : 1,
          },
  };
}

/**
 * A Graph appRoleAssignment of one of Microsoft Graph's app roles (the caller lists those of Microsoft
 * Graph's service principal); null for a permission that leads nowhere (GRAPH_ESCALATION_PERMISSIONS) or a
 * removed assignment (`deletedDateTime`).
 */
export function graphAppRoleAssignmentFromWire(object: unknown): GraphAppRoleAssignment | null {
  const appRoleId = asLowerString(field(object, "appRoleId"));
  const permission = appRoleId ? GRAPH_ESCALATION_PERMISSIONS[appRoleId] : undefined;
  if (!appRoleId || !permission || asString(field(object, "deletedDateTime"))) return null;
  return {
    id: requireString(field(object, "id"), "app role assignment", "id"),
    principalId: normalizeGuid(
      requireString(field(object, "principalId"), "app role assignment", "principalId"),
    ),
    appRoleId,
    permission,
  };
}
