import { assignmentsReaching } from "@/lib/access/access-index";
import { grantingPattern } from "@/lib/access/azure-permissions";
import { directoryPrincipal } from "@/lib/access/evaluate-cluster";
import {
  assignmentStep,
  clusterStep,
  permissionStep,
  principalStep,
  roleDefinitionStep,
} from "@/lib/access/paths";
import type { AccessPrincipal, PathStep } from "@/lib/access/types";
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

/**
 * Whoever may write role assignments at a scope may assign any role there to anyone, themselves
 * included: Azure Kubernetes Service RBAC Cluster Admin, Contributor (the admin credential), Managed
 * Identity Operator. Owner, User Access Administrator and Role Based Access Control Administrator hold
 * it; "Role Based Access Control Administrator … manage access to Azure resources by assigning roles
 * using Azure RBAC" (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged).
 */
export const ROLE_ASSIGNMENT_WRITE = "Microsoft.Authorization/roleAssignments/write";

export const roleAssignmentWriters: FindingRule = {
  id: "role-assignment-writers",
  title: "Principals can write role assignments over the cluster",
  severity: "high",
  controls: [CONTROLS.guideClusterUserPlusRbac, CONTROLS.cisAksEntraRbac],
  evaluate(ctx) {
    const { model, index } = ctx;
    return findingsPerCluster(
      this,
      ctx,
      (cluster) => ({
        summary:
          "Keep role assignment rights (Owner, User Access Administrator, Role Based Access Control Administrator) off the scopes above clusters, or constrain them with a condition that lists the roles they may assign (never the AKS admin roles); make the rest PIM-eligible instead of standing.",
        azCli: `az role assignment list --scope $(az aks show ${azTarget(cluster)} --query id -o tsv) --include-inherited --query "[?contains(roleDefinitionName, 'Owner') || contains(roleDefinitionName, 'Access Administrator')]"`,
      }),
      (cluster, remediation) => {
        const byPrincipal = new Map<
          string,
          { principal: AccessPrincipal; paths: PathStep[][]; roles: Set<string>; conditional: boolean }
        >();
        for (const assignment of assignmentsReaching(index, cluster.id)) {
          const definition = index.rolesByGuid.get(assignment.roleDefinitionId);
          if (!definition) continue;
          const pattern = grantingPattern(definition, "control", ROLE_ASSIGNMENT_WRITE);
          if (pattern === null) continue;
          const principal = directoryPrincipal(index, assignment.principalId, assignment.principalType);
          const item = byPrincipal.get(principal.id) ?? {
            principal,
            paths: [],
            roles: new Set<string>(),
            conditional: true,
          };
          item.paths.push([
            principalStep(principal),
            assignmentStep(assignment, definition),
            roleDefinitionStep(definition),
            permissionStep(ROLE_ASSIGNMENT_WRITE, pattern),
            clusterStep(cluster),
          ]);
          item.roles.add(definition.roleName);
          // One unconditional assignment is enough for the rights to be unconstrained.
          if (!assignment.condition) item.conditional = false;
          byPrincipal.set(principal.id, item);
        }
        const failures: Finding[] = [...byPrincipal.values()].map((item) =>
          findingFor(this, cluster, remediation, {
            status: "fail",
            // A condition usually restricts which roles may be assigned: still a finding, one step lower.
            severity: item.conditional ? "medium" : "high",
            summary: `${item.principal.displayName} can assign any role on ${cluster.name} (cluster-admin included) through ${[...item.roles].join(", ")}${item.conditional ? ", limited by a condition on the assignment" : ""}.`,
            objects: [
              {
                kind: "principal",
                id: item.principal.id,
                label: `${item.principal.displayName} (${item.principal.kind})`,
              },
              { kind: "cluster", id: cluster.id, label: cluster.name },
            ],
            paths: item.paths,
          }),
        );
        return failuresOrVerdict(this, cluster, remediation, failures, {
          unread: clusterAssignmentsComplete(model, cluster)
            ? null
            : "every role assignment above the cluster",
          pass: "Nobody can write role assignments on the cluster or the scopes above it.",
        });
      },
    );
  },
};
