/**
 * The benchmark's baseline: the same rules evaluated the obvious way, without any tenant-level
 * index. For each cluster it scans every role assignment (is its scope an ancestor of the cluster?),
 * looks role definitions and group memberships up by linear search, and works out what each role
 * allows anew for every assignment and every binding. It only counts grants (it builds no paths),
 * which flatters it. It exists to measure what the index buys, not to be used.
 */
import { AKS_ACTIONS, kubernetesDataAction, roleAllows } from "@/lib/access/azure-permissions";
import { effectiveClusterRoleRules, rulesAllow } from "@/lib/access/kubernetes-rbac";
import { scopeFacts } from "@/lib/access/levels";
import type { Cluster, RoleDefinition } from "@/lib/model/azure";
import type { TenantModel } from "@/lib/model/tenant-model";

function ancestorScopes(model: TenantModel, cluster: Cluster): string[] {
  const subscription = model.subscriptions.find((s) => s.subscriptionId === cluster.subscriptionId);
  const scopes = ["/"];
  for (let group = subscription?.managementGroupId ?? null; group; ) {
    scopes.push(group);
    group = model.managementGroups.find((candidate) => candidate.id === group)?.parentId ?? null;
  }
  return scopes;
}

function appliesTo(scope: string, cluster: Cluster, above: readonly string[]): boolean {
  return (
    above.includes(scope) ||
    cluster.id === scope ||
    cluster.id.startsWith(`${scope}/`) ||
    scope.startsWith(`${cluster.id}/namespaces/`)
  );
}

function membersOf(model: TenantModel, principalId: string): number {
  return (
    model.groupMemberships.find((membership) => membership.groupId === principalId)?.memberIds.length ?? 0
  );
}

export function naiveClusterGrantCount(model: TenantModel, cluster: Cluster): number {
  let grants = 0;
  const above = ancestorScopes(model, cluster);
  const azureRbac = cluster.entra.mode === "managed" && cluster.entra.azureRbac;
  for (const assignment of model.roleAssignments) {
    if (!appliesTo(assignment.scope, cluster, above)) continue;
    const definition: RoleDefinition | undefined = model.roleDefinitions.find(
      (d) => d.guid === assignment.roleDefinitionId,
    );
    if (!definition) continue;
    const reach = 1 + membersOf(model, assignment.principalId);
    const namespaced = assignment.scope.startsWith(`${cluster.id}/namespaces/`);
    if (
      !namespaced &&
      !cluster.localAccountsDisabled &&
      roleAllows(definition, "control", AKS_ACTIONS.listAdminCredential)
    ) {
      grants += reach;
    }
    if (!namespaced && roleAllows(definition, "control", AKS_ACTIONS.listUserCredential)) grants += reach;
    if (azureRbac) {
      const facts = scopeFacts(
        (verb, group, resource) => {
          const action = kubernetesDataAction(verb, group, resource);
          return action !== null && roleAllows(definition, "data", action);
        },
        namespaced ? "namespace" : "cluster",
      );
      if (facts.level) grants += reach;
    }
  }
  const inventory = model.kubernetes[cluster.id];
  if (inventory && cluster.kubernetesRbac) {
    const clusterRoleRules = effectiveClusterRoleRules(inventory.clusterRoles);
    const bindings = [
      ...inventory.clusterRoleBindings.map((b) => ({
        rules: clusterRoleRules.get(b.roleRef.name),
        scope: "cluster" as const,
        subjects: b.subjects,
      })),
      ...inventory.roleBindings.map((b) => ({
        rules:
          b.roleRef.kind === "ClusterRole"
            ? clusterRoleRules.get(b.roleRef.name)
            : inventory.roles.find((r) => r.namespace === b.namespace && r.name === b.roleRef.name)?.rules,
        scope: "namespace" as const,
        subjects: b.subjects,
      })),
    ];
    for (const binding of bindings) {
      if (!binding.rules) continue;
      const rules = binding.rules;
      const facts = scopeFacts(
        (verb, apiGroup, resource) => rulesAllow(rules, { verb, apiGroup, resource }),
        binding.scope,
      );
      if (!facts.level) continue;
      for (const subject of binding.subjects) {
        const principal = model.principals.find(
          (p) =>
            p.id === subject.name.toLowerCase() ||
            p.userPrincipalName?.toLowerCase() === subject.name.toLowerCase(),
        );
        grants += 1 + (principal ? membersOf(model, principal.id) : 0);
      }
    }
  }
  return grants;
}
