import { DEFAULT_MAX_HOPS } from "@/lib/access/attack-paths";
import type { Escalation } from "@/lib/access/types";
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

type HeldGrant = { level: string; eligible?: boolean; conditional: boolean };

/**
 * How the principal holds cluster-admin when it has an attack path there: not at all, or only after a PIM
 * activation or under a condition — then the path is the route that needs neither (lib/access/attack-paths.ts,
 * heldRestriction), and "is not cluster-admin" would misstate it.
 */
function heldAs(grants: readonly HeldGrant[]): string {
  const admin = grants.filter((grant) => grant.level === "cluster-admin");
  if (admin.length === 0) return "is not cluster-admin";
  if (admin.every((grant) => grant.eligible === true && grant.conditional))
    return "holds cluster-admin only after a PIM activation and under a condition";
  if (admin.every((grant) => grant.eligible === true))
    return "holds cluster-admin only after a PIM activation";
  if (admin.every((grant) => grant.conditional)) return "holds cluster-admin only under a condition";
  return "holds cluster-admin only after a PIM activation or under a condition";
}

/** What the path does without, for a principal holding cluster-admin only eligibly or conditionally. */
function heldWithout(grants: readonly HeldGrant[]): string {
  const admin = grants.filter((grant) => grant.level === "cluster-admin");
  if (admin.length === 0) return "";
  const eligible = admin.some((grant) => grant.eligible === true);
  const conditional = admin.some((grant) => grant.conditional);
  return eligible && conditional
    ? " without an activation or a condition"
    : eligible
      ? " without an activation"
      : " without a condition";
}

function stepsOf(escalation: Escalation): string {
  const hops = escalation.hops ?? 1;
  return `${hops} ${hops === 1 ? "step" : "steps"}`;
}

function labelsOf(escalation: Escalation): string {
  return escalation.path
    .slice(1, -1)
    .map((step) => step.label)
    .join(" → ");
}

/** The route beside the shortest, by what it does without (lib/access/attack-paths.ts, ALTERNATIVE_LEVEL). */
function surerSentence(shortest: Escalation, surer: Escalation): string {
  const without = [
    shortest.eligible && !surer.eligible ? "an activation" : null,
    shortest.conditional && !surer.conditional ? "a condition" : null,
  ].filter((part): part is string => part !== null);
  return `Without ${without.join(" or ")}, in ${stepsOf(surer)}${surer.conditional ? " (a condition on a role assignment may stop it)" : ""}${surer.eligible ? " (a step needs a PIM activation)" : ""}: ${labelsOf(surer)}.`;
}

/**
 * Principals without cluster-admin who can reach it: an attack path of at most five hops across
 * planes (the engine never reports a level its principal already holds standing; one held only after a PIM
 * activation or under a condition gets its route that needs neither). A group is reported once,
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
          const best = shortestEscalation(paths.filter((escalation) => !escalation.alternative));
          if (!best) continue;
          // A longer route that needs no activation (or no condition) where the shortest does.
          const surer = paths.find((escalation) => escalation.alternative);
          failures.push(
            findingFor(this, cluster, remediation, {
              status: "fail",
              // A path that needs an ABAC condition to allow it may be closed: still worth a look, one step lower.
              severity: best.conditional && (surer?.conditional ?? true) ? "high" : this.severity,
              summary: `${entry.principal.displayName} ${heldAs(entry.grants)} on ${cluster.name} but can become it${heldWithout(entry.grants)} in ${stepsOf(best)}${best.conditional ? " (a condition on a role assignment may stop it)" : ""}${best.eligible ? " (a step needs a PIM activation)" : ""}: ${labelsOf(best)}.${surer ? ` ${surerSentence(best, surer)}` : ""}`,
              objects: [
                {
                  kind: "principal",
                  id: entry.principal.id,
                  label: `${entry.principal.displayName} (${entry.principal.kind})`,
                },
                { kind: "cluster", id: cluster.id, label: cluster.name },
              ],
              paths: surer ? [best.path, surer.path] : [best.path],
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
