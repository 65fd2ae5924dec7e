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

const AKS_DATA_PREFIX = "Microsoft.ContainerService/managedClusters/";

/**
 * The data action Azure RBAC for Kubernetes checks for a request:
 * `Microsoft.ContainerService/managedClusters/[<apiGroup>/]<resource>/<verb suffix>`, as the AKS
 * authorization webhook (guard) composes it (kubeguard/guard authz/providers/azure/rbac/
 * checkaccessreqhelper.go, getResourceAndAction): `pods/exec` is an action of its own
 * (`pods/exec/action`, whatever the verb); every other subresource is checked as its parent
 * resource with the request's verb (`create serviceaccounts/token` is `serviceaccounts/write`,
 * `create pods/attach` is `pods/write`, `get nodes/proxy` is `nodes/read`).
 */
export function kubernetesDataAction(verb: string, apiGroup: string, resource: string): string | null {
  const prefix = `${AKS_DATA_PREFIX}${apiGroup === "" ? "" : `${apiGroup}/`}`;
  const slash = resource.indexOf("/");
  const parent = slash < 0 ? resource : resource.slice(0, slash);
  if (slash >= 0 && parent === "pods" && resource.slice(slash + 1) === "exec")
    return `${prefix}pods/exec/action`;
  const suffix = dataActionSuffix(verb);
  return suffix === null ? null : `${prefix}${parent}/${suffix}`;
}

/**
 * The API groups the AKS resource provider publishes data actions for (the Microsoft.ContainerService
 * managedClusters data actions in learn.microsoft.com/azure/role-based-access-control/permissions/
 * containers). guard checks a resource it finds no such action for as a custom resource.
 */
const PUBLISHED_API_GROUPS = new Set([
  "",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "apps",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "events.k8s.io",
  "extensions",
  "flowcontrol.apiserver.k8s.io",
  "metrics.k8s.io",
  "networking.k8s.io",
  "node.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "scheduling.k8s.io",
  "storage.k8s.io",
]);

/**
 * Every data action a request may be checked as. A custom resource (an API group the provider
 * publishes no actions for) is `customresources/<read|write|delete>` when the cluster checks custom
 * resources as such (guard getAuthInfoListForCustomResource; "the custom role must grant the
 * applicable custom resource data action, such as .../managedClusters/customresources/read",
 * MicrosoftDocs/azure-aks-docs articles/aks/entra-id-authorization.md) and
 * `<group>/<resource>/<verb>` otherwise: a role granting either may grant the request.
 */
export function kubernetesDataActions(verb: string, apiGroup: string, resource: string): string[] {
  const action = kubernetesDataAction(verb, apiGroup, resource);
  if (action === null) return [];
  const suffix = dataActionSuffix(verb);
  if (PUBLISHED_API_GROUPS.has(apiGroup) || apiGroup === "*" || !suffix || suffix.includes("/"))
    return [action];
  return [action, `${AKS_DATA_PREFIX}customresources/${suffix}`];
}
