import { effectiveClusterRoleRules } from "@/lib/access/kubernetes-rbac";
import { clusterRoleBindingStep, kubernetesRoleStep, roleBindingStep } from "@/lib/access/paths";
import type { PathStep } from "@/lib/access/types";
import type { ClusterKubernetes, PolicyRule, Subject } from "@/lib/model/kubernetes";

/** One binding of a cluster with the rules its role grants and the steps that explain them. */
export type BoundRules = {
  /** the binding's name (a RoleBinding's is unique within `namespace`) */
  binding: string;
  subjects: Subject[];
  rules: PolicyRule[];
  /** null for a ClusterRoleBinding (cluster-wide); the binding's namespace for a RoleBinding */
  namespace: string | null;
  /** `ClusterRole|<name>` or `Role|<namespace>|<name>`: the role, for caches keyed by it */
  roleKey: string;
  /** the role's name (roleRef.name): the ClusterRole a bind/escalate takeover would rewrite */
  roleName: string;
  /** the binding step and the role step */
  via: PathStep[];
};

/**
 * Every ClusterRoleBinding and RoleBinding of a cluster whose role exists, with its (aggregated) rules:
 * the walk the engine's Kubernetes RBAC routes and each attack-graph module (pod powers, impersonators
 * and what an impersonated subject holds) start from. A ClusterRoleBinding can
 * only name a ClusterRole; a RoleBinding names a Role of its namespace or a ClusterRole.
 */
export function* boundRules(clusterId: string, inventory: ClusterKubernetes): Generator<BoundRules> {
  const clusterRoleRules = effectiveClusterRoleRules(inventory.clusterRoles);
  const roleRules = new Map(inventory.roles.map((role) => [`${role.namespace}/${role.name}`, role.rules]));
  for (const binding of inventory.clusterRoleBindings) {
    const rules =
      binding.roleRef.kind === "ClusterRole" ? clusterRoleRules.get(binding.roleRef.name) : undefined;
    if (!rules) continue;
    yield {
      binding: binding.name,
      subjects: binding.subjects,
      rules,
      namespace: null,
      roleKey: `ClusterRole|${binding.roleRef.name}`,
      roleName: binding.roleRef.name,
      via: [
        clusterRoleBindingStep(clusterId, binding.name),
        kubernetesRoleStep(clusterId, "ClusterRole", null, binding.roleRef.name),
      ],
    };
  }
  for (const binding of inventory.roleBindings) {
    const isClusterRole = binding.roleRef.kind === "ClusterRole";
    const rules = isClusterRole
      ? clusterRoleRules.get(binding.roleRef.name)
      : roleRules.get(`${binding.namespace}/${binding.roleRef.name}`);
    if (!rules) continue;
    yield {
      binding: binding.name,
      subjects: binding.subjects,
      rules,
      namespace: binding.namespace,
      roleKey: isClusterRole
        ? `ClusterRole|${binding.roleRef.name}`
        : `Role|${binding.namespace}|${binding.roleRef.name}`,
      roleName: binding.roleRef.name,
      via: [
        roleBindingStep(clusterId, binding.namespace, binding.name),
        kubernetesRoleStep(
          clusterId,
          binding.roleRef.kind,
          isClusterRole ? null : binding.namespace,
          binding.roleRef.name,
        ),
      ],
    };
  }
}
