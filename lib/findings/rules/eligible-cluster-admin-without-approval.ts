import type { PathStep } from "@/lib/access/types";
import { CONTROLS } from "@/lib/findings/controls";
import { coverageOf, type FindingRule, findingFor, findingsPerCluster, notRead } from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";
import { PIM_SOURCE } from "@/lib/model/directory";
import { AZURE_PIM_SOURCE } from "@/lib/model/sources";

/**
 * Whether activating what a path rests on needs approval. A path may rest on more than one activation (an
 * eligible role and an eligible group membership, or two eligible parts held together), and every one of
 * them must be activated, so one that needs approval makes the whole path need it. A `roleEligibility` step
 * carries PIM's role settings (`approvalRequired`, from the role management policy for the role at the
 * eligibility's scope) when the scan read them; PIM for Groups steps and eligible directory roles carry none.
 * true = needs approval, false = every activation on it goes without, null = not known.
 */
export function activationApproval(path: readonly PathStep[]): boolean | null {
  let eligibilities = 0;
  let unknown = false;
  for (const step of path) {
    if (step.kind === "roleEligibility") {
      eligibilities++;
      if (step.approvalRequired === true) return true;
      if (step.approvalRequired !== false) unknown = true;
    } else if (
      step.kind === "groupEligibility" ||
      (step.kind === "directoryRoleAssignment" && step.id.startsWith("eligible:"))
    ) {
      eligibilities++;
      unknown = true;
    }
  }
  return eligibilities === 0 || unknown ? null : false;
}

/** The paths' verdict: one known to activate without approval fails; all known to need it pass. */
function approvalOfAll(paths: readonly (readonly PathStep[])[]): boolean | null {
  const approvals = paths.map(activationApproval);
  if (approvals.includes(false)) return false;
  return approvals.every((approval) => approval === true) ? true : null;
}

/** Paths a finding lists per holder; the summary counts the rest (revoking the listed ones may not be enough). */
const LISTED_PATHS = 3;

/** Eligible cluster-admin (a PIM eligible role assignment or PIM for Groups membership) and its activation's approval. */
export const eligibleClusterAdminWithoutApproval: FindingRule = {
  id: "eligible-cluster-admin-without-approval",
  title: "Eligible cluster-admin activates without approval",
  severity: "medium",
  controls: [CONTROLS.pimApproval, CONTROLS.cisAzurePimPrivileged, CONTROLS.cisAksClusterAdmin],
  evaluate(ctx) {
    const { model, access } = ctx;
    return findingsPerCluster(
      this,
      ctx,
      () => ({
        summary:
          "In PIM, require approval (and justification, MFA, a short maximum duration) to activate every role or group membership that yields cluster-admin: Azure resources → role settings → Require approval to activate.",
      }),
      (cluster, remediation) => {
        const findings: Finding[] = [];
        const approved: string[] = [];
        for (const entry of access.get(cluster.id)?.principals ?? []) {
          const paths = [
            ...entry.grants.filter((grant) => grant.level === "cluster-admin" && grant.eligible === true),
            ...entry.escalations.filter(
              (escalation) => escalation.to === "cluster-admin" && escalation.eligible === true,
            ),
          ]
            .map((item) => item.path)
            .filter((path) => path[1]?.kind !== "groupMembership");
          if (paths.length === 0) continue;
          const approval = approvalOfAll(paths);
          if (approval === true) {
            approved.push(entry.principal.displayName);
            continue;
          }
          // Lead with the evidence: the paths that activate without approval first.
          paths.sort(
            (a, b) => Number(activationApproval(a) !== false) - Number(activationApproval(b) !== false),
          );
          const duration = paths
            .map((path) => path.find((step) => step.kind === "roleEligibility")?.maximumDuration)
            .find((value) => value !== undefined);
          const cap =
            paths.length > LISTED_PATHS
              ? ` ${LISTED_PATHS} of ${paths.length} eligible paths are listed.`
              : "";
          const principal = {
            kind: "principal",
            id: entry.principal.id,
            label: `${entry.principal.displayName} (${entry.principal.kind})`,
          };
          findings.push(
            findingFor(this, cluster, remediation, {
              status: approval === false ? "fail" : "not-assessed",
              summary:
                approval === false
                  ? `${entry.principal.displayName} is eligible for cluster-admin on ${cluster.name} and activates it without approval${duration ? ` (for up to ${duration} at a time)` : ""}.${cap}`
                  : `${entry.principal.displayName} is eligible for cluster-admin on ${cluster.name}; approval not known (PIM's role settings for the eligibility were not read, or it is a PIM for Groups eligibility), so whether activation needs approval is not assessed.${cap}`,
              objects: [principal, { kind: "cluster", id: cluster.id, label: cluster.name }],
              paths: paths.slice(0, LISTED_PATHS),
            }),
          );
        }
        if (findings.length > 0) return findings;
        const pimRead =
          coverageOf(model, AZURE_PIM_SOURCE) === "complete" && coverageOf(model, PIM_SOURCE) === "complete";
        return [
          pimRead
            ? findingFor(this, cluster, remediation, {
                status: "pass",
                summary:
                  approved.length > 0
                    ? `Every eligible cluster-admin on ${cluster.name} needs approval to activate (${approved.join(", ")}).`
                    : `Nobody is eligible for cluster-admin on ${cluster.name}: no activation to approve.`,
              })
            : findingFor(this, cluster, remediation, {
                status: "not-assessed",
                summary: notRead("PIM's eligible assignments (Azure resources and groups)"),
              }),
        ];
      },
    );
  },
};
