import { CONTROLS } from "@/lib/findings/controls";
import {
  clusterAssignmentsComplete,
  completeKubernetes,
  type FindingRule,
  failuresOrVerdict,
  findingFor,
  findingsPerCluster,
} from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";

export const secretsReadBroad: FindingRule = {
  id: "secrets-read-broad",
  title: "Secrets can be read cluster-wide or in kube-system",
  severity: "high",
  controls: [CONTROLS.cisAksSecrets, CONTROLS.cisK8sSecrets],
  evaluate(ctx) {
    const { model, access } = ctx;
    return findingsPerCluster(
      this,
      ctx,
      () => ({
        summary:
          "Limit secret reads to the namespaces (and, with resourceNames, the secrets) a subject needs: reading secrets in kube-system or everywhere reads service-account tokens and credentials of other workloads.",
        kubectl: "kubectl auth can-i get secrets --namespace kube-system --as <subject>",
      }),
      (cluster, remediation) => {
        const findings: Finding[] = [];
        for (const entry of access.get(cluster.id)?.principals ?? []) {
          const { principal } = entry;
          // kube-system's own controllers need secrets; they are the platform, not a finding.
          if (
            principal.kind === "ServiceAccount" &&
            principal.id.startsWith("system:serviceaccount:kube-system:")
          )
            continue;
          const escalations = entry.escalations.filter(
            // Standing access only: an eligible role (PIM) is judged by the eligibility rules, with its activation controls.
            (escalation) =>
              escalation.to === "kube-system-secrets" &&
              escalation.eligible !== true &&
              escalation.path[1]?.kind !== "groupMembership",
          );
          if (escalations.length === 0) continue;
          findings.push(
            findingFor(this, cluster, remediation, {
              status: "fail",
              summary: `${principal.displayName} can read secrets in kube-system${escalations.some((e) => e.path.at(-1)?.label === cluster.name) ? " and every other namespace" : ""}.`,
              objects: [
                {
                  kind: "principal",
                  id: principal.id,
                  label: `${principal.displayName} (${principal.kind})`,
                },
              ],
              paths: escalations.map((escalation) => escalation.path),
            }),
          );
        }
        return failuresOrVerdict(this, cluster, remediation, findings, {
          unread:
            completeKubernetes(model, cluster) && clusterAssignmentsComplete(model, cluster)
              ? null
              : "the cluster's Kubernetes API and role assignments",
          pass: "Nobody but cluster-admins and kube-system reads secrets cluster-wide or in kube-system.",
        });
      },
    );
  },
};
