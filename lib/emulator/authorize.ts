import type { IndexedRoleAssignment, TenantIndex } from "@/lib/emulator/tenant-index";
import type { WireRoleDefinition } from "@/lib/model/wire/azure";

/** Azure RBAC has two permission planes: control-plane `actions` and data-plane `dataActions`. */
export type PermissionPlane = "action" | "dataAction";

const patternCache = new Map<string, RegExp>();

/** Azure operation patterns: `*` matches any run of characters (slashes included), case-insensitively. */
export function operationMatches(pattern: string, operation: string): boolean {
  let regex = patternCache.get(pattern);
  if (!regex) {
    const source = pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    regex = new RegExp(`^${source}$`, "i");
    patternCache.set(pattern, regex);
  }
  return regex.test(operation);
}

/** Whether a role grants an operation: some permission block includes it and does not exclude it. */
export function roleGrants(
  definition: WireRoleDefinition,
  operation: string,
  plane: PermissionPlane,
): boolean {
  return definition.properties.permissions.some((permission) => {
    const allowed = plane === "action" ? permission.actions : permission.dataActions;
    const denied = plane === "action" ? permission.notActions : permission.notDataActions;
    return (
      allowed.some((pattern) => operationMatches(pattern, operation)) &&
      !denied.some((pattern) => operationMatches(pattern, operation))
    );
  });
}

/**
 * Evaluates Azure RBAC as ARM does for the emulator's callers: role assignments of the principal
 * and of every group it belongs to transitively, at the target scope or any ancestor (resource →
 * resource group → subscription → management groups → root), `actions` minus `notActions` (or the
 * data-action pair), wildcards included. Deny assignments are not modelled. An assignment with an
 * ABAC condition is not counted for data actions (the emulator cannot evaluate conditions, and
 * granting would be the unsafe reading).
 */
export class AzureAuthorizer {
  private readonly assignmentsMemo = new Map<string, IndexedRoleAssignment[]>();
  private readonly grantMemo = new Map<string, Set<string>>();

  constructor(private readonly index: TenantIndex) {}

  /** Assignments that apply to the principal: its own and its groups'. */
  assignmentsFor(principalId: string): IndexedRoleAssignment[] {
    const key = principalId.toLowerCase();
    const memo = this.assignmentsMemo.get(key);
    if (memo) return memo;
    const principals = [key, ...this.index.transitiveGroupsOf(key)];
    const assignments = principals.flatMap((id) => this.index.roleAssignmentsByPrincipal.get(id) ?? []);
    this.assignmentsMemo.set(key, assignments);
    return assignments;
  }

  /** The assignment scopes (lower-cased) at which the principal holds the operation. */
  grantingScopes(principalId: string, operation: string, plane: PermissionPlane = "action"): Set<string> {
    const key = `${principalId.toLowerCase()}\u0000${plane}\u0000${operation.toLowerCase()}`;
    const memo = this.grantMemo.get(key);
    if (memo) return memo;
    const scopes = new Set<string>();
    for (const assignment of this.assignmentsFor(principalId)) {
      if (plane === "dataAction" && assignment.assignment.properties.condition) continue;
      const definition = this.index.roleDefinitions.get(assignment.roleGuid);
      if (definition && roleGrants(definition, operation, plane)) scopes.add(assignment.scopeLower);
    }
    this.grantMemo.set(key, scopes);
    return scopes;
  }

  permits(principalId: string, operation: string, scope: string, plane: PermissionPlane = "action"): boolean {
    const scopes = this.grantingScopes(principalId, operation, plane);
    if (scopes.size === 0) return false;
    return this.index.scopeAncestors(scope).some((ancestor) => scopes.has(ancestor));
  }

  /**
   * Whether the principal holds any role assignment at, above or below a scope — what makes a
   * subscription show up in `GET /subscriptions`.
   */
  hasAnyAssignmentTouching(principalId: string, scope: string): boolean {
    const ancestors = new Set(this.index.scopeAncestors(scope));
    const prefix = `${scope.toLowerCase()}/`;
    return this.assignmentsFor(principalId).some(
      (assignment) => ancestors.has(assignment.scopeLower) || assignment.scopeLower.startsWith(prefix),
    );
  }
}
