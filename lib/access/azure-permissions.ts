import { actionMatches } from "@/lib/access/wildcard";
import type { RoleDefinition } from "@/lib/model/azure";

// What a role definition allows. Azure evaluates each permission block on its own: an action is
// allowed when some block lists a matching action and that same block does not exclude it.

export type PermissionPlane = "control" | "data";

export function roleAllows(definition: RoleDefinition, plane: PermissionPlane, action: string): boolean {
  return definition.permissions.some((block) => {
    const allowed = plane === "control" ? block.actions : block.dataActions;
    const excluded = plane === "control" ? block.notActions : block.notDataActions;
    return (
      allowed.some((pattern) => actionMatches(pattern, action)) &&
      !excluded.some((pattern) => actionMatches(pattern, action))
    );
  });
}

/** The pattern that grants `action` (for explaining a path), or null. */
/** per role definition, `<plane>|<action>` → the granting pattern (definitions are immutable once loaded) */
const grantingCache = new WeakMap<RoleDefinition, Map<string, string | null>>();

export function grantingPattern(
  definition: RoleDefinition,
  plane: PermissionPlane,
  action: string,
): string | null {
  let cache = grantingCache.get(definition);
  if (!cache) {
    cache = new Map();
    grantingCache.set(definition, cache);
  }
  const key = `${plane}|${action}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const pattern = findGrantingPattern(definition, plane, action);
  cache.set(key, pattern);
  return pattern;
}

function findGrantingPattern(
  definition: RoleDefinition,
  plane: PermissionPlane,
  action: string,
): string | null {
  for (const block of definition.permissions) {
    const allowed = plane === "control" ? block.actions : block.dataActions;
    const excluded = plane === "control" ? block.notActions : block.notDataActions;
    if (excluded.some((pattern) => actionMatches(pattern, action))) continue;
    const pattern = allowed.find((candidate) => actionMatches(candidate, action));
    if (pattern !== undefined) return pattern;
  }
  return null;
}

export const AKS_ACTIONS = {
  listAdminCredential: "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
  /** the legacy credential call; refused like listClusterAdminCredential when local accounts are disabled */
  listAccessProfileCredential:
    "Microsoft.ContainerService/managedClusters/accessProfiles/listCredential/action",
  listUserCredential: "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
  writeCluster: "Microsoft.ContainerService/managedClusters/write",
  runCommand: "Microsoft.ContainerService/managedClusters/runCommand/action",
  assignIdentity: "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
  writeScaleSet: "Microsoft.Compute/virtualMachineScaleSets/write",
} as const;

/** Kubernetes verbs → the suffix of the Azure RBAC data action that stands for them. */
export function dataActionSuffix(verb: string): string | null {
  switch (verb) {
    case "get":
    case "list":
    case "watch":
      return "read";
    case "create":
    case "update":
    case "patch":
      return "write";
    case "delete":
    case "deletecollection":
      return "delete";
    case "bind":
    case "escalate":
    case "impersonate":
    case "use":
      return `${verb}/action`;
    default:
      return null;
  }
}

/**
 * The data action Azure RBAC for Kubernetes checks for a request:
 * `Microsoft.ContainerService/managedClusters/[<apiGroup>/]<resource>/<verb suffix>`. Subresources
 * (pods/exec) are actions on their own (`pods/exec/action`).
 */
export function kubernetesDataAction(verb: string, apiGroup: string, resource: string): string | null {
  const prefix = `Microsoft.ContainerService/managedClusters/${apiGroup === "" ? "" : `${apiGroup}/`}`;
  if (resource.includes("/")) return `${prefix}${resource}/action`;
  const suffix = dataActionSuffix(verb);
  return suffix === null ? null : `${prefix}${resource}/${suffix}`;
}
