import { grantingPattern } from "@/lib/access/azure-permissions";
import type { PathStep } from "@/lib/access/types";
import { CONTROLS } from "@/lib/findings/controls";
import {
  clusterAssignmentsComplete,
  type FindingRule,
  findingFor,
  findingsPerCluster,
  notRead,
} from "@/lib/findings/rule";
import { disableLocalAccountsRemediation } from "@/lib/findings/rules/local-accounts-enabled";
import type { Finding } from "@/lib/findings/types";
import { BUILT_IN_ROLE_IDS } from "@/lib/model/builtin-roles";

const NAMED_BROAD_ROLES = new Set<string>([BUILT_IN_ROLE_IDS.owner, BUILT_IN_ROLE_IDS.contributor]);

export const adminCredentialViaBroadRole: FindingRule = {
  id: "admin-credential-via-broad-role",
  title: "The cluster admin credential is reachable through a broad Azure role",
  severity: "critical",
  controls: [
    CONTROLS.policyLocalAuthDisabled,
    CONTROLS.guideDisableLocalAccounts,
    CONTROLS.guideClusterUserPlusRbac,
  ],
  evaluate(ctx) {
    const { model, index, access } = ctx;
    const definitionsById = new Map(
      index.model.roleDefinitions.map((definition) => [definition.id, definition]),
    );
    return findingsPerCluster(
      this,
      ctx,
      (cluster) =>
        disableLocalAccountsRemediation(
          cluster,
          "Disable local accounts; give people the AKS Cluster User role and Kubernetes (or Azure) RBAC instead of Owner/Contributor on scopes above the cluster.",
        ),
      (cluster, remediation): Finding[] => {
        if (cluster.localAccountsDisabled) {
          return [
            findingFor(this, cluster, remediation, {
              status: "pass",
              summary: "Local accounts are disabled: no role yields the admin credential.",
            }),
          ];
        }
        // Per direct assignee (a group is reported once, not once per member).
        const byPrincipal = new Map<
          string,
          { label: string; kind: string; paths: PathStep[][]; roles: Set<string> }
        >();
        for (const entry of access.get(cluster.id)?.principals ?? []) {
          for (const grant of entry.grants) {
            if (grant.route !== "local-admin-credential" || grant.path[1]?.kind === "groupMembership")
              continue;
            const roleStep = grant.path.find((step) => step.kind === "roleDefinition");
            const permission = grant.path.find((step) => step.kind === "permission");
            const definition = roleStep ? definitionsById.get(roleStep.id) : undefined;
            if (!definition || !permission) continue;
            const pattern = grantingPattern(definition, "control", permission.id) ?? "";
            if (!NAMED_BROAD_ROLES.has(definition.guid) && !pattern.includes("*")) continue;
            const item = byPrincipal.get(entry.principal.id) ?? {
              label: entry.principal.displayName,
              kind: entry.principal.kind,
              paths: [],
              roles: new Set<string>(),
            };
            item.paths.push(grant.path);
            item.roles.add(`${definition.roleName} ("${pattern}")`);
            byPrincipal.set(entry.principal.id, item);
          }
        }
        if (byPrincipal.size === 0) {
          return [
            clusterAssignmentsComplete(model, cluster)
              ? findingFor(this, cluster, remediation, {
                  status: "pass",
                  summary:
                    "Local accounts are enabled, but no broad or wildcard role reaches listClusterAdminCredential.",
                })
              : findingFor(this, cluster, remediation, {
                  status: "not-assessed",
                  summary: notRead("every role assignment above the cluster"),
                }),
          ];
        }
        return [...byPrincipal].map(([principalId, item]) =>
          findingFor(this, cluster, remediation, {
            status: "fail",
            summary: `${item.label} can fetch the system:masters kubeconfig through ${[...item.roles].join(", ")} while local accounts are enabled.`,
            objects: [
              { kind: "principal", id: principalId, label: `${item.label} (${item.kind})` },
              { kind: "cluster", id: cluster.id, label: cluster.name },
            ],
            paths: item.paths,
          }),
        );
      },
    );
  },
};
