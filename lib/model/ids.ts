// Identifier normalization shared by the scanner, the store and the analysis code.
// ARM ids are case-insensitive, so every id the model keeps is lower-cased once, here.

/** Lower-cases an ARM id, collapses duplicate slashes and drops a trailing slash ("/" stays "/"). */
export function normalizeArmId(id: string): string {
  const collapsed = id
    .trim()
    .toLowerCase()
    .replace(/\/{2,}/g, "/");
  const withLeading = collapsed.startsWith("/") ? collapsed : `/${collapsed}`;
  return withLeading.length > 1 ? withLeading.replace(/\/+$/, "") : withLeading;
}

/** Directory object ids and client ids are GUIDs compared case-insensitively. */
export function normalizeGuid(id: string): string {
  return id.trim().toLowerCase();
}

/** The trailing GUID of a role definition id (`/subscriptions/x/providers/.../roleDefinitions/<guid>` or the bare GUID). */
export function roleDefinitionGuid(roleDefinitionId: string): string {
  const segments = roleDefinitionId.trim().split("/").filter(Boolean);
  return normalizeGuid(segments[segments.length - 1] ?? "");
}

/** The tenant-level id of a role definition: how built-in roles are addressed regardless of subscription. */
export function tenantRoleDefinitionId(guid: string): string {
  return `/providers/microsoft.authorization/roledefinitions/${normalizeGuid(guid)}`;
}

export function subscriptionArmId(subscriptionId: string): string {
  return `/subscriptions/${normalizeGuid(subscriptionId)}`;
}

export function managementGroupArmId(name: string): string {
  return normalizeArmId(`/providers/Microsoft.Management/managementGroups/${name}`);
}

/** The Azure RBAC scope of a namespace inside an AKS cluster. */
export function clusterNamespaceScope(clusterId: string, namespace: string): string {
  return `${normalizeArmId(clusterId)}/namespaces/${namespace.toLowerCase()}`;
}

export type ParsedArmId = {
  subscriptionId: string | null;
  resourceGroup: string | null;
  /** e.g. `microsoft.containerservice/managedclusters`, null for subscription and resource-group ids */
  resourceType: string | null;
  name: string | null;
};

/** Splits a (lower-cased) ARM resource id into its parts; tolerant of partial ids. */
export function parseArmId(id: string): ParsedArmId {
  const segments = normalizeArmId(id).split("/").filter(Boolean);
  const valueAfter = (key: string): string | null => {
    const at = segments.indexOf(key);
    return at >= 0 && at + 1 < segments.length ? segments[at + 1] : null;
  };
  const providersAt = segments.indexOf("providers");
  let resourceType: string | null = null;
  let name: string | null = null;
  if (providersAt >= 0 && providersAt + 3 < segments.length) {
    // providers/<namespace>/<type>/<name>[/<childType>/<childName>...]
    const rest = segments.slice(providersAt + 1);
    const typeParts = [rest[0]];
    for (let i = 1; i < rest.length; i += 2) typeParts.push(rest[i]);
    resourceType = typeParts.join("/");
    name = rest.length % 2 === 1 ? rest[rest.length - 1] : null;
  }
  return {
    subscriptionId: valueAfter("subscriptions"),
    resourceGroup: valueAfter("resourcegroups"),
    resourceType,
    name,
  };
}

/** Natural key of a Kubernetes object: `<cluster id>|<Kind>|<namespace or "">|<name>`. */
export function kubernetesNaturalKey(
  clusterId: string,
  kind: string,
  namespace: string | null,
  name: string,
): string {
  return `${normalizeArmId(clusterId)}|${kind}|${namespace ?? ""}|${name}`;
}
