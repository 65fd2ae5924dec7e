import { z } from "zod";

/**
 * The three roles, lowest first. Each includes everything below it: an operator can do what a viewer
 * can, an admin what an operator can.
 */
export const ROLES = ["viewer", "operator", "admin"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** App role values as defined in the Entra app registration's manifest (`roles` claim). */
export const APP_ROLE_VALUES: Readonly<Record<string, Role>> = {
  "Atlas.Viewer": "viewer",
  "Atlas.Operator": "operator",
  "Atlas.Admin": "admin",
};

export type RoleGroups = Readonly<Record<Role, readonly string[]>>;

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** Whether `role` (null: signed in but holding no role) reaches `minimum`. */
export function roleSatisfies(role: Role | null, minimum: Role): boolean {
  return role !== null && roleRank(role) >= roleRank(minimum);
}

function highest(roles: Iterable<Role>): Role | null {
  let best: Role | null = null;
  for (const role of roles) if (best === null || roleRank(role) > roleRank(best)) best = role;
  return best;
}

export const roleClaimsSchema = z.looseObject({
  roles: z.array(z.string()).optional(),
  groups: z.array(z.string()).optional(),
});

export type RoleClaims = z.infer<typeof roleClaimsSchema>;

/**
 * The highest role a token grants: from app roles (`roles` claim, `Atlas.*`) and from the configured
 * group object ids (`groups` claim). Unknown role values and groups grant nothing, so a token with
 * neither is a signed-in user without access (null) — never a viewer by default.
 */
export function roleFromClaims(claims: RoleClaims, groups: RoleGroups): Role | null {
  const granted: Role[] = [];
  for (const value of claims.roles ?? []) {
    const role = APP_ROLE_VALUES[value];
    if (role) granted.push(role);
  }
  const memberOf = new Set((claims.groups ?? []).map((id) => id.toLowerCase()));
  for (const role of ROLES) {
    if (groups[role].some((id) => memberOf.has(id.toLowerCase()))) granted.push(role);
  }
  return highest(granted);
}

/** What each role may do, as the UI and docs say it. */
export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  viewer: "reads everything: clusters, principals, findings, drift, reports",
  operator: "also starts scans, creates reports and shares them by link",
  admin: "also changes settings and schedules, and revokes any share link",
};
