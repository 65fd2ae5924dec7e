// Which roles may the holder of `Microsoft.Authorization/roleAssignments/write` assign, given the
// ABAC condition on its own assignment? Role Based Access Control Administrator is usually
// assigned with one. The forms Microsoft documents ("Delegate Azure role assignment management to
// others with conditions", learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples)
// constrain the role of the new assignment with
//   @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {g1, g2}
// (only these roles: an allow-list) or
//   @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {g1, g2}
// (any role but these: a deny-list, e.g. "all roles except Owner, UAA and RBAC Administrator"),
// inside `(!(ActionMatches{'…/roleAssignments/write'})) OR (…)`. The `@Resource[…]` clauses govern
// deletion and do not limit what may be assigned. Anything else (principal constraints, several
// role clauses combined) is not evaluated: the result is "unknown" and paths through it are
// reported as conditional.

export type AssignableRoles =
  | { kind: "any" }
  | { kind: "only"; roleGuids: Set<string> }
  | { kind: "except"; roleGuids: Set<string> }
  | { kind: "unknown" };

const ROLE_CLAUSE =
  /@Request\[\s*Microsoft\.Authorization\/roleAssignments:RoleDefinitionId\s*\]\s+(ForAnyOfAnyValues:GuidEquals|ForAnyOfAllValues:GuidNotEquals|GuidEquals|GuidNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase)\s*(\{[^}]*\}|[0-9a-fA-F-]{36})/gi;
const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;

const cache = new Map<string, AssignableRoles>();

export function assignableRoles(condition: string | null): AssignableRoles {
  if (condition === null || condition.trim() === "") return { kind: "any" };
  const cached = cache.get(condition);
  if (cached) return cached;
  const result = parse(condition);
  cache.set(condition, result);
  return result;
}

function parse(condition: string): AssignableRoles {
  // Conditions on who may receive the assignment decide per request; we do not guess.
  if (/@Request\[\s*Microsoft\.Authorization\/roleAssignments:Principal(Id|Type)\s*\]/i.test(condition))
    return { kind: "unknown" };
  if (!/roleAssignments\/write/i.test(condition)) return { kind: "unknown" };
  const clauses = [...condition.matchAll(ROLE_CLAUSE)];
  if (clauses.length !== 1) return { kind: "unknown" };
  const [, operator, operand] = clauses[0];
  const roleGuids = new Set((operand.match(GUID) ?? []).map((guid) => guid.toLowerCase()));
  if (roleGuids.size === 0) return { kind: "unknown" };
  return /NotEquals/i.test(operator) ? { kind: "except", roleGuids } : { kind: "only", roleGuids };
}

export function mayAssign(roles: AssignableRoles, roleGuid: string): boolean {
  switch (roles.kind) {
    case "any":
    case "unknown":
      return true;
    case "only":
      return roles.roleGuids.has(roleGuid.toLowerCase());
    case "except":
      return !roles.roleGuids.has(roleGuid.toLowerCase());
  }
}
