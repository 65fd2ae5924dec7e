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

/** A control-plane action that runs code of the caller's on the nodes in a cluster's node resource group. */
export type NodeCodeExecutionAction = {
  action: string;
  /** the compute it acts on: an assignment at a scale set (or one of its instances) or at a VM gives only its own */
  on: "scaleSet" | "virtualMachine";
  /** how the code gets to run, for the path */
  how: string;
  /** true when the code runs only after something the holder does not control (see `how`) */
  conditional: boolean;
};

/**
 * The actions that run code on the nodes, and so act as the identities the nodes carry (kubelet,
 * add-ons): on the scale sets of VirtualMachineScaleSets node pools and on the standalone VMs of
 * VirtualMachines node pools. The model does not say which kind a cluster's pools are, so the VM
 * actions count too, conditional: they run code only where the node resource group has such VMs.
 * Every string is in learn.microsoft.com/azure/role-based-access-control/permissions/compute
 * (MicrosoftDocs/azure-docs articles/role-based-access-control/permissions/compute.md,
 * Microsoft.Compute). Unconditional ones first: the first a role holds (and no deny takes away)
 * explains the path. Left out: `virtualMachineScaleSets/virtualMachines/write` ("Updates the properties of a
 * Virtual Machine in a VM Scale Set": an instance's model has no extensions or applications of its
 * own to set, and userData is not run by the node), and the diagnosticRunCommand actions (predefined
 * diagnostic scripts).
 */
export const NODE_CODE_EXECUTION_ACTIONS: readonly NodeCodeExecutionAction[] = [
  {
    // the scale set model: an extension in virtualMachineProfile.extensionProfile, applied at once
    // with upgradePolicy Automatic, which the same write can set
    action: AKS_ACTIONS.writeScaleSet,
    on: "scaleSet",
    how: "changes the node scale sets (an extension, applied to every instance)",
    conditional: false,
  },
  {
    // "Executes a predefined script on a Virtual Machine instance in a Virtual Machine Scale Set";
    // POST …/virtualMachineScaleSets/{vmss}/virtualMachines/{instanceId}/runCommand takes a `script`
    // (REST: Virtual Machine Scale Set VMs - Run Command; az vmss run-command invoke)
    action: "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action",
    on: "scaleSet",
    how: "runs a script on a node through run command (az vmss run-command invoke)",
    conditional: false,
  },
  {
    // "Creates a new run command for Virtual Machine in Virtual Machine Scale Set" (managed run
    // commands: PUT …/virtualMachines/{instanceId}/runCommands/{name} with source.script; az vmss run-command create)
    action: "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommands/write",
    on: "scaleSet",
    how: "runs a script on a node through a managed run command (az vmss run-command create)",
    conditional: false,
  },
  {
    // "Creates a new extension for Virtual Machine in Virtual Machine Scale Set" (a Custom Script extension on one instance)
    action: "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/extensions/write",
    on: "scaleSet",
    how: "installs a Custom Script extension on a node",
    conditional: false,
  },
  {
    // "Creates a new Virtual Machine Scale Set Extension": it joins the scale set model, which
    // instances take when created or upgraded to the latest model; with upgradePolicy Manual (which
    // this action cannot change) existing instances keep theirs until then
    // (learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-upgrade-policy)
    action: "Microsoft.Compute/virtualMachineScaleSets/extensions/write",
    on: "scaleSet",
    how: "adds a Custom Script extension to the node scale sets' model (run by instances created or upgraded to the latest model)",
    conditional: true,
  },
  {
    // "Executes a predefined script on the virtual machine" (az vm run-command invoke)
    action: "Microsoft.Compute/virtualMachines/runCommand/action",
    on: "virtualMachine",
    how: "runs a script on the node VMs of a VirtualMachines node pool, if any, through run command (az vm run-command invoke)",
    conditional: true,
  },
  {
    // "Creates a new virtual machine run command or updates an existing one" (az vm run-command create)
    action: "Microsoft.Compute/virtualMachines/runCommands/write",
    on: "virtualMachine",
    how: "runs a script on the node VMs of a VirtualMachines node pool, if any, through a managed run command (az vm run-command create)",
    conditional: true,
  },
  {
    // "Creates a new virtual machine extension or updates an existing one" (Custom Script extension)
    action: "Microsoft.Compute/virtualMachines/extensions/write",
    on: "virtualMachine",
    how: "installs a Custom Script extension on the node VMs of a VirtualMachines node pool, if any",
    conditional: true,
  },
  {
    // "Creates a new virtual machine or updates an existing virtual machine": extensions are child
    // resources, not in the VM's model; what runs is a VM application (applicationProfile.
    // galleryApplications, whose install script runs on the VM), which needs a gallery application
    // version the holder can read
    action: "Microsoft.Compute/virtualMachines/write",
    on: "virtualMachine",
    how: "adds a VM application (its install script), from a gallery it can read, to the node VMs of a VirtualMachines node pool, if any",
    conditional: true,
  },
];

/** A node-code-execution action a role grants, with the pattern that grants it. */
export type GrantedNodeCodeExecution = NodeCodeExecutionAction & { pattern: string };

/** Assignments at or below a node resource group that may run code on its nodes: at a scale set or VM, or below one. */
export function nodeComputeOf(scope: string): NodeCodeExecutionAction["on"] | null {
  const lower = scope.toLowerCase();
  if (lower.includes("/providers/microsoft.compute/virtualmachinescalesets/")) return "scaleSet";
  if (lower.includes("/providers/microsoft.compute/virtualmachines/")) return "virtualMachine";
  return null;
}

/**
 * The scope deny assignments are read down to for an assignment at the node resource group or above: the
 * node-code-execution actions act on the scale sets and VMs in the group, never on the group itself, so a
 * deny at the group with `doNotApplyToChildScopes` does not reach them ("doNotApplyToChildScopes: Determines
 * if the deny assignment applies to child scopes", learn.microsoft.com/azure/role-based-access-control/
 * deny-assignments#deny-assignment-properties). A stand-in child of the group: its chain of scopes is the
 * group's, then itself, which no deny sits at.
 */
export function nodeComputeScope(nodeResourceGroupId: string): string {
  return `${nodeResourceGroupId}/providers/microsoft.compute/*`;
}

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
