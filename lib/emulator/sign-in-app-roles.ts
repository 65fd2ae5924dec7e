import type { ClientRegistry } from "@/lib/emulator/clients";

/**
 * App roles of the product's sign-in app registration (Atlas.Viewer/Operator/Admin in Entra), assigned to
 * users or groups as an administrator would in "Enterprise applications → Users and groups". Entra puts
 * the values a user holds — directly or through a group — in the ID token's `roles` claim, and in the
 * `roles` of a delegated access token for the product's API (`api://<client id>`).
 *
 * Assigned to a service principal or managed identity (an appRoleAssignment on the SP: an application
 * permission), the value appears in the `roles` of the SP's app-only token for `api://<client id>/.default`
 * — from direct assignments only, as in Entra.
 */
export type SignInAppRoleAssignments = Record<string, string[]>;

/** Resolves references (object id, UPN, display name) to lower-cased object ids; throws on unknown ones. */
export function resolveSignInAppRoles(
  clients: ClientRegistry,
  assignments: SignInAppRoleAssignments | undefined,
): Map<string, string[]> {
  const resolved = new Map<string, string[]>();
  for (const [reference, roles] of Object.entries(assignments ?? {})) {
    const principal = clients.findPrincipal(reference);
    if (!principal) throw new Error(`signInAppRoles: no principal "${reference}" in the emulated directory`);
    const id = principal.id.toLowerCase();
    resolved.set(id, [...new Set([...(resolved.get(id) ?? []), ...roles])]);
  }
  return resolved;
}

/** The role values a user holds: assigned to them, or to any group they belong to transitively. */
export function signInAppRolesOf(
  assignments: Map<string, string[]>,
  principalId: string,
  transitiveGroups: string[],
): string[] {
  const roles = new Set<string>();
  for (const id of [principalId.toLowerCase(), ...transitiveGroups.map((group) => group.toLowerCase())]) {
    for (const role of assignments.get(id) ?? []) roles.add(role);
  }
  return [...roles].sort();
}
