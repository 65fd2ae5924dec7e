/**
 * ARM scope arithmetic. Scopes are compared lower-cased with duplicate and trailing slashes removed,
 * because ARM ids are case-insensitive and SDKs sometimes send `//subscriptions/...`.
 */

export function normalizeScope(scope: string): string {
  const collapsed = scope
    .trim()
    .toLowerCase()
    .replace(/\/{2,}/g, "/");
  const withLeading = collapsed.startsWith("/") ? collapsed : `/${collapsed}`;
  return withLeading.length > 1 ? withLeading.replace(/\/+$/, "") : withLeading;
}

const MANAGEMENT_GROUP_PREFIX = "/providers/microsoft.management/managementgroups/";

export function managementGroupScope(name: string): string {
  return `${MANAGEMENT_GROUP_PREFIX}${name.toLowerCase()}`;
}

export function managementGroupNameOf(scope: string): string | undefined {
  const normalized = normalizeScope(scope);
  if (!normalized.startsWith(MANAGEMENT_GROUP_PREFIX)) return undefined;
  const rest = normalized.slice(MANAGEMENT_GROUP_PREFIX.length);
  return rest.split("/")[0] || undefined;
}

export function subscriptionOfScope(scope: string): string | undefined {
  const match = /^\/subscriptions\/([^/]+)/.exec(normalizeScope(scope));
  return match?.[1];
}

export function resourceGroupOfScope(scope: string): string | undefined {
  const match = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/.exec(normalizeScope(scope));
  return match?.[1];
}

/**
 * Every ARM scope at or above `scope` that lies inside its subscription, innermost first:
 * `/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/c/namespaces/ns`
 * → itself, the cluster, the resource group, the subscription. Nested resource types drop one
 * type/name pair at a time. Management groups and the root are added by the caller, who knows the tree.
 */
export function subscriptionScopeChain(scope: string): string[] {
  const normalized = normalizeScope(scope);
  const segments = normalized.split("/").filter(Boolean);
  if (segments[0] !== "subscriptions" || segments.length < 2) return [];
  const chain: string[] = [];
  const subscription = `/subscriptions/${segments[1]}`;
  let base = subscription;
  let rest = segments.slice(2);
  const bases = [subscription];
  if (rest[0] === "resourcegroups" && rest.length >= 2) {
    base = `${subscription}/resourcegroups/${rest[1]}`;
    bases.push(base);
    rest = rest.slice(2);
  }
  if (rest[0] === "providers" && rest.length >= 4) {
    const providerBase = `${base}/providers/${rest[1]}`;
    const pairs = rest.slice(2);
    for (let length = pairs.length - (pairs.length % 2); length >= 2; length -= 2) {
      chain.push(`${providerBase}/${pairs.slice(0, length).join("/")}`);
    }
  } else if (rest.length > 0) {
    // Anything else under the subscription or group (e.g. a provider-level path): itself, then the bases.
    chain.push(normalized);
  }
  return [...chain, ...bases.reverse()];
}
