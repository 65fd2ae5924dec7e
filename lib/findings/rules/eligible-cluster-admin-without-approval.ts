import { CONTROLS } from "@/lib/findings/controls";
import { coverageOf, type FindingRule, findingFor, findingsPerCluster, notRead } from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";
import { PIM_SOURCE } from "@/lib/model/directory";
import { AZURE_PIM_SOURCE } from "@/lib/model/sources";
import type { TenantModel } from "@/lib/model/tenant-model";

/**
 * Whether an eligibility's activation needs approval lives in PIM's role management policies
 * (`roleManagementPolicyAssignments`, Graph `policies/roleManagementPolicyAssignments`). The scanner
 * does not read them yet, so `approvalRequired` is unknown for every eligibility: the rule names each
 * eligible cluster-admin and says so (not assessed), never passes one. When the model gains the
 * policies, this is where a known "no approval" fails.
 */
function approvalRequired(_model: TenantModel): boolean | null {
  return null;
}

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
          const approval = approvalRequired(model);
          if (approval === true) continue;
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
                  ? `${entry.principal.displayName} is eligible for cluster-admin on ${cluster.name} and activates it without approval.`
                  : `${entry.principal.displayName} is eligible for cluster-admin on ${cluster.name}; approval not known (the scan does not read PIM's activation settings), so whether activation needs approval is not assessed.`,
              objects: [principal, { kind: "cluster", id: cluster.id, label: cluster.name }],
              paths: paths.slice(0, 3),
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
                summary: `Nobody is eligible for cluster-admin on ${cluster.name}: no activation to approve.`,
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
