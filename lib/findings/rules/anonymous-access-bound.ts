import { effectiveClusterRoleRules } from "@/lib/access/kubernetes-rbac";
import { clusterRoleBindingStep, kubernetesRoleStep, roleBindingStep } from "@/lib/access/paths";
import type { PathStep } from "@/lib/access/types";
import { CONTROLS } from "@/lib/findings/controls";
import {
  anyKubernetes,
  completeKubernetes,
  type FindingRule,
  failuresOrVerdict,
  findingFor,
  findingsPerCluster,
} from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";
import type { PolicyRule, Subject } from "@/lib/model/kubernetes";

/**
 * Requests without credentials run as user `system:anonymous` in group `system:unauthenticated`
 * (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests).
 * Kubernetes compares subject names exactly, so only these exact names are anonymous.
 */
const ANONYMOUS_SUBJECTS: readonly Pick<Subject, "kind" | "name">[] = [
  { kind: "User", name: "system:anonymous" },
  { kind: "Group", name: "system:unauthenticated" },
];

/**
 * The one anonymous grant every cluster has: the bootstrap ClusterRoleBinding system:public-info-viewer
 * lets anyone GET /healthz, /livez, /readyz and /version
 * (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles). A role that grants
 * nothing beyond that is the platform, not a finding; anything more is.
 */
const PUBLIC_INFO_URLS = new Set(["/healthz", "/livez", "/readyz", "/version", "/version/"]);

function onlyPublicInfo(rules: readonly PolicyRule[]): boolean {
  return rules.every(
    (rule) =>
      rule.resources.length === 0 &&
      rule.verbs.every((verb) => verb === "get") &&
      rule.nonResourceURLs.every((url) => PUBLIC_INFO_URLS.has(url)),
  );
}

function anonymousSubjects(subjects: readonly Subject[]): string[] {
  return subjects
    .filter((subject) => ANONYMOUS_SUBJECTS.some((a) => a.kind === subject.kind && a.name === subject.name))
    .map((subject) => `${subject.kind} ${subject.name}`);
}

function describeRules(rules: readonly PolicyRule[]): string {
  const wildcard = rules.some((rule) => rule.verbs.includes("*") && rule.resources.includes("*"));
  if (wildcard) return "everything (verbs and resources *)";
  const verbs = new Set(rules.flatMap((rule) => rule.verbs));
  const writes = [...verbs].filter((verb) => !["get", "list", "watch"].includes(verb));
  return writes.length > 0 ? `${writes.join(", ")} and more` : "reads";
}

export const anonymousAccessBound: FindingRule = {
  id: "anonymous-access-bound",
  title: "Unauthenticated callers are bound to a role",
  severity: "high",
  controls: [CONTROLS.cisAksClusterAdmin, CONTROLS.cisK8sClusterAdmin],
  evaluate(ctx) {
    const { model } = ctx;
    return findingsPerCluster(
      this,
      ctx,
      () => ({
        summary:
          "Remove system:anonymous and system:unauthenticated from every binding but Kubernetes' own system:public-info-viewer: anyone who can reach the API server holds what these bindings grant.",
        kubectl:
          'kubectl get clusterrolebindings,rolebindings -A -o json | jq -r \'.items[] | select(any(.subjects[]?; .name=="system:anonymous" or .name=="system:unauthenticated")) | .metadata.name\'',
      }),
      (cluster, remediation) => {
        const inventory = anyKubernetes(model, cluster);
        const failures: Finding[] = [];
        if (inventory) {
          const clusterRoleRules = effectiveClusterRoleRules(inventory.clusterRoles);
          const rolesByKey = new Map(inventory.roles.map((role) => [`${role.namespace}/${role.name}`, role]));
          const judge = (
            subjects: string[],
            rules: PolicyRule[] | undefined,
            bindingStep: PathStep,
            roleStep: PathStep,
            where: string,
          ) => {
            if (subjects.length === 0) return;
            // A binding to a role that does not exist grants nothing today, but anyone who creates the role later arms it.
            if (rules && onlyPublicInfo(rules)) return;
            const critical = rules?.some((rule) => rule.verbs.includes("*") || rule.resources.includes("*"));
            failures.push(
              findingFor(this, cluster, remediation, {
                status: "fail",
                severity: critical ? "critical" : this.severity,
                summary: `${bindingStep.label} grants ${subjects.join(" and ")} ${rules ? describeRules(rules) : "a role that does not exist yet"} ${where}.`,
                objects: [{ kind: bindingStep.kind, id: bindingStep.id, label: bindingStep.label }],
                paths: [
                  [
                    {
                      kind: "k8s.group",
                      id: "k8s-group:system:unauthenticated",
                      label: "any unauthenticated caller",
                    },
                    bindingStep,
                    roleStep,
                  ],
                ],
              }),
            );
          };
          for (const binding of inventory.clusterRoleBindings) {
            judge(
              anonymousSubjects(binding.subjects),
              clusterRoleRules.get(binding.roleRef.name),
              clusterRoleBindingStep(cluster.id, binding.name),
              kubernetesRoleStep(cluster.id, "ClusterRole", null, binding.roleRef.name),
              "cluster-wide",
            );
          }
          for (const binding of inventory.roleBindings) {
            const rules =
              binding.roleRef.kind === "ClusterRole"
                ? clusterRoleRules.get(binding.roleRef.name)
                : rolesByKey.get(`${binding.namespace}/${binding.roleRef.name}`)?.rules;
            judge(
              anonymousSubjects(binding.subjects),
              rules,
              roleBindingStep(cluster.id, binding.namespace, binding.name),
              kubernetesRoleStep(
                cluster.id,
                binding.roleRef.kind,
                binding.roleRef.kind === "Role" ? binding.namespace : null,
                binding.roleRef.name,
              ),
              `in namespace ${binding.namespace}`,
            );
          }
        }
        return failuresOrVerdict(this, cluster, remediation, failures, {
          unread: completeKubernetes(model, cluster) ? null : "the cluster's Kubernetes API",
          pass: "No binding grants unauthenticated callers more than Kubernetes' public health and version endpoints.",
        });
      },
    );
  },
};
