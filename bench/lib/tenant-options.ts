/** How big a generated tenant is, by default, in a benchmark (the generator's own names, and bench flags' below). */
export interface TenantSize {
  subscriptions: number;
  clusters: number;
  roleAssignments: number;
  bindings: number;
  principals: number;
  identities: number;
}

/**
 * The tenant generator's options from a benchmark's flags, with the same flag names in every benchmark:
 * --seed, --subscriptions, --clusters, --assignments, --bindings, --principals, --identities.
 */
export function tenantOptions(number: (flag: string, fallback: number) => number, defaults: TenantSize) {
  return {
    seed: number("seed", 1),
    subscriptions: number("subscriptions", defaults.subscriptions),
    clusters: number("clusters", defaults.clusters),
    roleAssignments: number("assignments", defaults.roleAssignments),
    bindings: number("bindings", defaults.bindings),
    principals: number("principals", defaults.principals),
    identities: number("identities", defaults.identities),
  };
}
