import { assignmentsReaching } from "@/lib/access/access-index";
import { CONTROLS } from "@/lib/findings/controls";
import {
  completeKubernetes,
  type FindingRule,
  failuresOrVerdict,
  findingFor,
  findingsPerCluster,
} from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";
import { kubernetesNaturalKey } from "@/lib/model/ids";
import type { PolicyRule } from "@/lib/model/kubernetes";

/** Roles Kubernetes and AKS ship (and reconcile): wildcards there are by design. */
function isBuiltIn(name: string, labels: Record<string, string>): boolean {
  return (
    name === "cluster-admin" ||
    name.startsWith("system:") ||
    labels["kubernetes.io/bootstrapping"] === "rbac-defaults" ||
    labels["addonmanager.kubernetes.io/mode"] !== undefined
  );
}

function wildcardFields(rules: readonly PolicyRule[]): string[] {
  const fields = new Set<string>();
  for (const rule of rules) {
    if (rule.verbs.includes("*")) fields.add("verbs");
    if (rule.resources.includes("*")) fields.add("resources");
    if (rule.apiGroups.includes("*")) fields.add("apiGroups");
  }
  return [...fields];
}

export const rbacWildcardRole: FindingRule = {
  id: "rbac-wildcard-role",
  title: "A role uses wildcards",
  severity: "medium",
  controls: [CONTROLS.cisAksWildcards, CONTROLS.cisK8sWildcards, CONTROLS.policyWildcards],
  evaluate(ctx) {
    const { model, index } = ctx;
    return findingsPerCluster(
      this,
      ctx,
      () => ({
        summary:
          "Replace wildcards with the verbs, resources and API groups the role needs; new resource types should not be granted silently.",
        kubectl:
          "kubectl get clusterroles,roles -A -o json | jq '.items[] | select(any(.rules[]?; (.verbs + .resources + (.apiGroups // [])) | index(\"*\")))| .metadata.name'",
      }),
      (cluster, remediation) => {
        const findings: Finding[] = [];
        const inventory = model.kubernetes[cluster.id];
        for (const role of inventory?.clusterRoles ?? []) {
          // Aggregated roles only collect other roles' rules; the source role is the one to fix.
          if (role.aggregationRule || isBuiltIn(role.name, role.labels)) continue;
          const fields = wildcardFields(role.rules);
          if (fields.length === 0) continue;
          findings.push(
            findingFor(this, cluster, remediation, {
              status: "fail",
              summary: `ClusterRole ${role.name} has "*" in ${fields.join(", ")}.`,
              objects: [
                {
                  kind: "k8s.clusterRole",
                  id: kubernetesNaturalKey(cluster.id, "ClusterRole", null, role.name),
                  label: `ClusterRole ${role.name}`,
                },
              ],
            }),
          );
        }
        for (const role of inventory?.roles ?? []) {
          if (isBuiltIn(role.name, role.labels)) continue;
          const fields = wildcardFields(role.rules);
          if (fields.length === 0) continue;
          findings.push(
            findingFor(this, cluster, remediation, {
              status: "fail",
              summary: `Role ${role.namespace}/${role.name} has "*" in ${fields.join(", ")}.`,
              objects: [
                {
                  kind: "k8s.role",
                  id: kubernetesNaturalKey(cluster.id, "Role", role.namespace, role.name),
                  label: `Role ${role.namespace}/${role.name}`,
                },
              ],
            }),
          );
        }
        // Custom Azure roles assigned where they reach this cluster, with wildcard (data) actions.
        const seen = new Set<string>();
        for (const assignment of assignmentsReaching(index, cluster.id)) {
          const definition = index.rolesByGuid.get(assignment.roleDefinitionId);
          if (definition?.type !== "CustomRole" || seen.has(definition.id)) continue;
          const wild = definition.permissions
            .flatMap((block) => [...block.actions, ...block.dataActions])
            .filter((action) => action.includes("*"));
          if (wild.length === 0) continue;
          seen.add(definition.id);
          findings.push(
            findingFor(this, cluster, remediation, {
              status: "fail",
              summary: `Custom Azure role "${definition.roleName}" reaches ${cluster.name} with wildcard actions ${wild.map((a) => `"${a}"`).join(", ")}.`,
              objects: [{ kind: "roleDefinition", id: definition.id, label: definition.roleName }],
            }),
          );
        }
        return failuresOrVerdict(this, cluster, remediation, findings, {
          unread: completeKubernetes(model, cluster) ? null : "the cluster's Kubernetes API",
          pass: "No custom Role, ClusterRole or custom Azure role reaching the cluster uses wildcards.",
        });
      },
    );
  },
};
