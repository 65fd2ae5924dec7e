import type { AccessPrincipal, PathStep } from "@/lib/access/types";
import type { Cluster, RoleAssignment, RoleDefinition } from "@/lib/model/azure";
import { kubernetesNaturalKey } from "@/lib/model/ids";

// Path steps: each names a model object by its natural key so a UI can link it, with a label a
// person can read without looking anything up.

/**
 * One step object per principal object: every path of a principal starts with it, and the store writes and
 * hashes each step object once (lib/model/path-step-refs.ts). Steps are never changed once built.
 */
const principalSteps = new WeakMap<AccessPrincipal, PathStep>();

export function principalStep(principal: AccessPrincipal): PathStep {
  let step = principalSteps.get(principal);
  if (step === undefined) {
    step = { kind: "principal", id: principal.id, label: `${principal.displayName} (${principal.kind})` };
    principalSteps.set(principal, step);
  }
  return step;
}

export function groupStep(group: AccessPrincipal): PathStep {
  return { kind: "groupMembership", id: group.id, label: `member of ${group.displayName}` };
}

/**
 * An eligible membership or ownership of a group (PIM for Groups): the step that activates it. One builder for
 * the engine's grants (evaluate-cluster.ts) and the attack graph's edges (directory-edges.ts), so both name the
 * same step alike.
 */
export function groupEligibilityStep(
  group: AccessPrincipal,
  accessId: "member" | "owner",
  principalId: string,
): PathStep {
  return {
    kind: "groupEligibility",
    id: `${group.id}:${accessId}:${principalId}`,
    label:
      accessId === "member"
        ? `eligible member of ${group.displayName} (PIM for Groups: activates the membership)`
        : `eligible owner of ${group.displayName} (PIM for Groups: activates the ownership, adds itself as a member)`,
  };
}

function describeScope(scope: string): string {
  if (scope === "/") return "the tenant root";
  const segments = scope.split("/");
  const last = segments[segments.length - 1];
  if (scope.includes("/namespaces/")) return `namespace ${last}`;
  if (scope.includes("/providers/microsoft.management/managementgroups/")) return `management group ${last}`;
  if (/^\/subscriptions\/[^/]+$/.test(scope)) return `subscription ${last}`;
  if (/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(scope)) return `resource group ${last}`;
  return last;
}

export function assignmentStep(assignment: RoleAssignment, definition: RoleDefinition): PathStep {
  return {
    kind: "roleAssignment",
    id: assignment.id,
    label: `${definition.roleName} on ${describeScope(assignment.scope)}${assignment.condition ? " (with a condition)" : ""}`,
  };
}

export function roleDefinitionStep(definition: RoleDefinition): PathStep {
  return { kind: "roleDefinition", id: definition.id, label: definition.roleName };
}

export function permissionStep(action: string, pattern: string): PathStep {
  const via = pattern.toLowerCase() === action.toLowerCase() ? "" : ` (granted by "${pattern}")`;
  return { kind: "permission", id: action, label: `${action}${via}` };
}

export function settingStep(cluster: Cluster, setting: string, label: string): PathStep {
  return { kind: "clusterSetting", id: `${cluster.id}#${setting}`, label };
}

export function clusterStep(cluster: Cluster, namespace: string | null = null): PathStep {
  return {
    kind: "cluster",
    id: cluster.id,
    label: namespace === null ? cluster.name : `${cluster.name}, namespace ${namespace}`,
  };
}

export function clusterRoleBindingStep(clusterId: string, name: string): PathStep {
  return {
    kind: "k8s.clusterRoleBinding",
    id: kubernetesNaturalKey(clusterId, "ClusterRoleBinding", null, name),
    label: `ClusterRoleBinding ${name}`,
  };
}

export function roleBindingStep(clusterId: string, namespace: string, name: string): PathStep {
  return {
    kind: "k8s.roleBinding",
    id: kubernetesNaturalKey(clusterId, "RoleBinding", namespace, name),
    label: `RoleBinding ${namespace}/${name}`,
  };
}

export function kubernetesRoleStep(
  clusterId: string,
  kind: "ClusterRole" | "Role",
  namespace: string | null,
  name: string,
): PathStep {
  return {
    kind: kind === "ClusterRole" ? "k8s.clusterRole" : "k8s.role",
    id: kubernetesNaturalKey(clusterId, kind, namespace, name),
    label: kind === "ClusterRole" ? `ClusterRole ${name}` : `Role ${namespace}/${name}`,
  };
}

export function kubernetesGroupStep(name: string): PathStep {
  return { kind: "k8s.group", id: `k8s-group:${name}`, label: `Kubernetes group ${name}` };
}

export function identityStep(resourceId: string, label: string): PathStep {
  return { kind: "identity", id: resourceId, label };
}
