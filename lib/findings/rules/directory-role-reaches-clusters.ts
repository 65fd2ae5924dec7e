import { DEFAULT_MAX_HOPS } from "@/lib/access/attack-paths";
import type { Escalation } from "@/lib/access/types";
import { CONTROLS } from "@/lib/findings/controls";
import {
  coverageOf,
  type FindingRule,
  failuresOrVerdict,
  findingFor,
  findingsPerCluster,
} from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";
import { DIRECTORY_SOURCE } from "@/lib/model/sources";

/** The shortest first; a standing path before an eligible one, an unconditional before a conditional one. */
/**
 * The path a finding shows: standing before one that needs a PIM activation, however longer — the shortest
 * path to cluster-admin may need an activation while the route listed beside it does not (`alternative`,
 * lib/access/attack-paths.ts), and "after a PIM activation" would understate a role that works today.
 */
function best(paths: Escalation[]): Escalation {
  return [...paths].sort(
    (a, b) =>
      Number(a.eligible ?? false) - Number(b.eligible ?? false) ||
      (a.hops ?? 1) - (b.hops ?? 1) ||
      Number(a.conditional ?? false) - Number(b.conditional ?? false),
  )[0];
}

/** The step that gives a path its directory privilege: a directory role, or a Microsoft Graph application permission. */
const DIRECTORY_PRIVILEGE_STEPS = new Set(["directoryRoleAssignment", "graphAppRoleAssignment"]);

/**
 * Entra directory roles (Global Administrator, Privileged Role Administrator, Groups Administrator ...) and
 * Microsoft Graph application permissions (RoleManagement.ReadWrite.Directory, Application.ReadWrite.All ...)
 * whose holders reach cluster-admin through the directory edges (lib/access/directory-edges.ts): the
 * cluster's access is then governed by the directory's most privileged roles and permissions, which AKS
 * RBAC does not show. One finding per principal and cluster, naming the role or permission; an eligible
 * (PIM) role is one step lower, and so is a permission's route that holds only under a condition the scan
 * could not check (a Temporary Access Pass policy, PIM settings).
 */
export const directoryRoleReachesClusters: FindingRule = {
  id: "directory-role-reaches-clusters",
  title: "A directory role or Graph permission leads to cluster-admin",
  severity: "high",
  controls: [CONTROLS.cisAzurePimPrivileged, CONTROLS.pimDirectoryRoles, CONTROLS.guideManagedEntra],
  evaluate(ctx) {
    const { model, access } = ctx;
    return findingsPerCluster(
      this,
      ctx,
      () => ({
        summary:
          "Keep the directory roles that lead to clusters (Global Administrator, Privileged Role Administrator, Groups/User Administrator, Application Administrators) few, eligible through PIM with approval, and make admin groups role-assignable so that only Privileged Role Administrators can change them. Grant Microsoft Graph application permissions that write the directory (RoleManagement, AppRoleAssignment, Application, Directory, group and authentication-method write permissions) to as few applications as possible, and keep their owners and credentials as guarded as the roles they amount to.",
        azCli:
          "az rest --method GET --url 'https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '<id>''",
      }),
      (cluster, remediation) => {
        const failures: Finding[] = [];
        for (const entry of access.get(cluster.id)?.principals ?? []) {
          const paths = entry.escalations.filter(
            (escalation) =>
              escalation.to === "cluster-admin" &&
              (escalation.hops ?? 1) <= DEFAULT_MAX_HOPS &&
              escalation.path[1]?.kind !== "groupMembership" &&
              escalation.path.some((step) => DIRECTORY_PRIVILEGE_STEPS.has(step.kind)),
          );
          if (paths.length === 0) continue;
          const chosen = best(paths);
          const role = chosen.path.find((step) => DIRECTORY_PRIVILEGE_STEPS.has(step.kind));
          const permission = role?.kind === "graphAppRoleAssignment";
          const hops = chosen.hops ?? 1;
          const steps = `${hops} ${hops === 1 ? "step" : "steps"}`;
          failures.push(
            findingFor(this, cluster, remediation, {
              status: "fail",
              severity:
                chosen.eligible || (permission && chosen.conditional === true) ? "medium" : this.severity,
              summary: `${
                permission
                  ? `${entry.principal.displayName} can become cluster-admin on ${cluster.name} in ${steps} through ${role.label}${chosen.conditional ? ", under a condition the scan could not check" : ""}`
                  : `${entry.principal.displayName} holds ${role?.label ?? "a directory role"} and can become cluster-admin on ${cluster.name} in ${steps}`
              }${chosen.eligible ? " after a PIM activation" : ""}: ${chosen.path
                .slice(1, -1)
                .map((step) => step.label)
                .join(" → ")}.`,
              objects: [
                {
                  kind: "principal",
                  id: entry.principal.id,
                  label: `${entry.principal.displayName} (${entry.principal.kind})`,
                },
                ...(role ? [{ kind: role.kind, id: role.id, label: role.label }] : []),
                { kind: "cluster", id: cluster.id, label: cluster.name },
              ],
              paths: [chosen.path],
            }),
          );
        }
        return failuresOrVerdict(this, cluster, remediation, failures, {
          // a model stored without directory roles has none to read back: the directory's coverage decides
          unread:
            coverageOf(model, DIRECTORY_SOURCE) === "complete" ? null : "the directory's role assignments",
          pass: `No directory role or Microsoft Graph application permission leads to cluster-admin on ${cluster.name} in ${DEFAULT_MAX_HOPS} steps or fewer.`,
        });
      },
    );
  },
};
