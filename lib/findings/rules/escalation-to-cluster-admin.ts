import { DEFAULT_MAX_HOPS } from "@/lib/access/attack-paths";
import { CONTROLS } from "@/lib/findings/controls";
import {
  allAssignmentsComplete,
  completeKubernetes,
  type FindingRule,
  failuresOrVerdict,
  findingFor,
  findingsPerCluster,
  shortestEscalation,
} from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";

/**
 * Principals without cluster-admin who can reach it: an attack path of at most five hops across
 * planes (the engine never reports a level its principal already holds). A group is reported once,
 * not once per member, like the other rules.
 */
export const escalationToClusterAdmin: FindingRule = {
  id: "escalation-to-cluster-admin",
  title: "Principals can make themselves cluster-admin",
  severity: "critical",
  controls: [
    CONTROLS.cisAksClusterAdmin,
    CONTROLS.guideClusterUserPlusRbac,
    CONTROLS.guideDisableLocalAccounts,
  ],
  evaluate(ctx) {
    const { model, access } = ctx;
    return findingsPerCluster(
      this,
      ctx,
      () => ({
        summary:
          "Break the first step of each path: remove the role assignment, binding or federated credential it starts from, or narrow it (a namespace, a condition on role assignments, PIM eligibility with approval instead of standing access). `aks-atlas paths --from <principal> --to <cluster>` shows every step.",
        kubectl: "kubectl auth can-i --list --as <principal>",
      }),
      (cluster, remediation) => {
        const failures: Finding[] = [];
        for (const entry of access.get(cluster.id)?.principals ?? []) {
          const paths = entry.escalations.filter(
            (escalation) =>
              escalation.route === "attack-path" &&
              escalation.to === "cluster-admin" &&
              (escalation.hops ?? 1) <= DEFAULT_MAX_HOPS &&
              escalation.path[1]?.kind !== "groupMembership",
          );
          const best = shortestEscalation(paths);
          if (!best) continue;
          const hops = best.hops ?? 1;
          failures.push(
            findingFor(this, cluster, remediation, {
              status: "fail",
              // A path that needs an ABAC condition to allow it may be closed: still worth a look, one step lower.
              severity: best.conditional ? "high" : this.severity,
              summary: `${entry.principal.displayName} is not cluster-admin on ${cluster.name} but can become it in ${hops} ${hops === 1 ? "step" : "steps"}${best.conditional ? " (a condition on a role assignment may stop it)" : ""}: ${best.path
                .slice(1, -1)
                .map((step) => step.label)
                .join(" → ")}.`,
              objects: [
                {
                  kind: "principal",
                  id: entry.principal.id,
                  label: `${entry.principal.displayName} (${entry.principal.kind})`,
                },
                { kind: "cluster", id: cluster.id, label: cluster.name },
              ],
              paths: [best.path],
            }),
          );
        }
        // Paths cross clusters: pods on a cluster whose API was not read may lead here unseen. Say so.
        const unreadElsewhere = model.clusters
          .filter((other) => other.id !== cluster.id && !completeKubernetes(model, other))
          .map((other) => other.name);
        return failuresOrVerdict(this, cluster, remediation, failures, {
          unread:
            completeKubernetes(model, cluster) && allAssignmentsComplete(model)
              ? null
              : "the cluster's Kubernetes API and every subscription's role assignments",
          pass: `Nobody without cluster-admin can reach it in ${DEFAULT_MAX_HOPS} steps or fewer${unreadElsewhere.length > 0 ? ` (paths through pods on ${unreadElsewhere.join(", ")}, whose Kubernetes API was not read completely, could not be followed)` : ""}.`,
        });
      },
    );
  },
};
