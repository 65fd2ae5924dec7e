import { normalizeArmId } from "@/lib/model/ids";

// Cluster pages are addressed by a short slug instead of the url-encoded ARM id:
// `<cluster name>~<resource group>~<subscription id>`, all lower case. `~` occurs in neither AKS
// cluster names, resource-group names nor GUIDs, so the slug parses back to exactly one id.
// An id that is not a canonical managed-cluster id (never produced by the model, but possible in
// foreign data) falls back to its url-encoded form, which parses back too.

const CLUSTER_ID =
  /^\/subscriptions\/([^/~]+)\/resourcegroups\/([^/~]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/~]+)$/;

export function clusterSlug(clusterId: string): string {
  const id = normalizeArmId(clusterId);
  const match = CLUSTER_ID.exec(id);
  if (!match) return encodeURIComponent(id);
  const [, subscriptionId, resourceGroup, name] = match;
  return `${name}~${resourceGroup}~${subscriptionId}`;
}

/** The lower-cased ARM id a slug (or a url-encoded ARM id) names; null when it names none. */
export function clusterIdFromSlug(slug: string): string | null {
  let value = slug.trim();
  if (value.includes("%")) {
    try {
      value = decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  if (value.startsWith("/")) {
    const id = normalizeArmId(value);
    return CLUSTER_ID.test(id) || id.length > 1 ? id : null;
  }
  const parts = value.toLowerCase().split("~");
  if (parts.length !== 3 || parts.some((part) => part === "" || part.includes("/"))) return null;
  const [name, resourceGroup, subscriptionId] = parts;
  return `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/microsoft.containerservice/managedclusters/${name}`;
}

/** The app path of a cluster's page. */
export function clusterHref(clusterId: string): string {
  return `/clusters/${clusterSlug(clusterId)}`;
}

/** The app path of a principal's page (ids may contain `:` and `/`, e.g. service accounts). */
export function principalHref(principalId: string): string {
  return `/principals/${encodeURIComponent(principalId)}`;
}

export function principalIdFromParam(param: string): string {
  try {
    return decodeURIComponent(param).trim();
  } catch {
    return param.trim();
  }
}
