// ARM lists a subscription's role assignments, PIM eligibilities and deny assignments at, above and below it
// (learn.microsoft.com/rest/api/authorization/role-assignments/list-for-subscription: "at, above or below
// the scope"), so every management group such an item sits at is above that subscription — known even to a
// scanner that may not read the management group hierarchy (listing management groups needs read on them;
// a scanner granted Reader on its subscriptions only sees none). Without it, an Owner at a management group
// would reach nothing: a false "nobody".

const MANAGEMENT_GROUP_SCOPE = /^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/;

/** The management groups `items` (model objects, lower-cased scopes) sit at, minus those in `known`. */
export function managementGroupsSeenAbove(
  items: Iterable<{ scope: string }>,
  known: ReadonlySet<string>,
): string[] {
  const seen = new Set<string>();
  for (const { scope } of items) if (MANAGEMENT_GROUP_SCOPE.test(scope) && !known.has(scope)) seen.add(scope);
  return [...seen].sort();
}
