import type { Grant } from "@/lib/access/types";
import { CONTROLS } from "@/lib/findings/controls";
import {
  azTarget,
  clusterAssignmentsComplete,
  type FindingRule,
  failuresOrVerdict,
  findingFor,
  findingsPerCluster,
} from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";
import type { Principal } from "@/lib/model/directory";

/**
 * Emergency access (break-glass) accounts keep standing access on purpose: Microsoft's guidance is to
 * assign them permanently so that they work when PIM or Conditional Access does not
 * (learn.microsoft.com/entra/identity/role-based-access-control/security-emergency-access). We know
 * them by name only, so the rule says whom it left out.
 */
const BREAK_GLASS = /break[\s_-]?glass|emergency[\s_-]?access/i;

export function isBreakGlass(principal: Pick<Principal, "displayName" | "userPrincipalName">): boolean {
  return BREAK_GLASS.test(principal.displayName) || BREAK_GLASS.test(principal.userPrincipalName ?? "");
}

/**
 * A standing cluster-admin grant that rests on an Azure role assignment (not an eligibility), by whatever
 * route: Azure RBAC, the admin kubeconfig, the user kubeconfig of a cluster without Entra integration (a
 * cluster-admin certificate), or a Kubernetes binding that a role's Azure RBAC permissions complete (the
 * authorizers add up). Made eligible, the assignment gives each of them only once activated.
 */
function standingAzureClusterAdmin(grant: Grant): boolean {
  return (
    grant.level === "cluster-admin" &&
    grant.eligible !== true &&
    grant.path.some((step) => step.kind === "roleAssignment")
  );
}

/**
 * Users and groups that hold cluster-admin through a standing Azure role assignment (AKS RBAC Cluster
 * Admin, the Cluster Admin Role, Contributor/Owner with the admin credential ...) where a PIM eligible
 * assignment would do. Workload identities (service principals, managed identities) cannot activate
 * PIM and are left to the other rules; a group is reported once, not once per member.
 */
export const pimNotUsedForClusterAdmin: FindingRule = {
  id: "pim-not-used-for-cluster-admin",
  title: "People hold cluster-admin standing instead of through PIM",
  severity: "high",
  controls: [
    CONTROLS.guideJustInTime,
    CONTROLS.cisAzurePimPrivileged,
    CONTROLS.pimAzureResources,
    CONTROLS.cisAksClusterAdmin,
  ],
  evaluate(ctx) {
    const { model, index, access } = ctx;
    return findingsPerCluster(
      this,
      ctx,
      (cluster) => ({
        summary:
          "Replace the standing role assignment with a PIM eligible assignment (with approval and a short activation) for the people who need cluster-admin; keep standing access for break-glass accounts only.",
        azCli: `az role assignment delete --assignee <principal> --role <role> --scope $(az aks show ${azTarget(cluster)} --query id -o tsv)  # then create an eligible assignment: PUT .../providers/Microsoft.Authorization/roleEligibilityScheduleRequests/<guid>`,
        terraform: 'resource "azurerm_pim_eligible_role_assignment" "cluster_admin" { ... }',
      }),
      (cluster, remediation) => {
        const failures: Finding[] = [];
        const exempt: string[] = [];
        for (const entry of access.get(cluster.id)?.principals ?? []) {
          if (entry.principal.kind !== "User" && entry.principal.kind !== "Group") continue;
          const grants = entry.grants.filter(
            (grant) => standingAzureClusterAdmin(grant) && grant.path[1]?.kind !== "groupMembership",
          );
          if (grants.length === 0) continue;
          const principal = index.principalsById.get(entry.principal.id);
          if (principal && isBreakGlass(principal)) {
            exempt.push(entry.principal.displayName);
            continue;
          }
          const roles = [
            ...new Set(
              grants.flatMap((grant) =>
                grant.path.filter((step) => step.kind === "roleDefinition").map((step) => step.label),
              ),
            ),
          ];
          const expiring = grants.every((grant) => grant.expires !== undefined);
          failures.push(
            findingFor(this, cluster, remediation, {
              status: "fail",
              // A time-bound assignment at least ends: one step lower.
              severity: expiring ? "medium" : this.severity,
              summary: `${entry.principal.displayName} holds cluster-admin on ${cluster.name} standing through ${roles.join(", ") || "an Azure role assignment"}${expiring ? " (time-bound)" : ""}; a PIM eligible assignment would give it only when activated.`,
              objects: [
                {
                  kind: "principal",
                  id: entry.principal.id,
                  label: `${entry.principal.displayName} (${entry.principal.kind})`,
                },
                { kind: "cluster", id: cluster.id, label: cluster.name },
              ],
              paths: grants.map((grant) => grant.path),
            }),
          );
        }
        return failuresOrVerdict(this, cluster, remediation, failures, {
          unread: clusterAssignmentsComplete(model, cluster)
            ? null
            : "every role assignment above the cluster",
          pass: `No user or group holds cluster-admin on ${cluster.name} through a standing Azure role assignment${exempt.length > 0 ? ` (break-glass accounts left out: ${exempt.join(", ")})` : ""}.`,
        });
      },
    );
  },
};
