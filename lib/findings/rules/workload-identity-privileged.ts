import { grantingPattern } from "@/lib/access/azure-permissions";
import { assignmentStep, clusterStep, identityStep, roleDefinitionStep } from "@/lib/access/paths";
import type { PathStep } from "@/lib/access/types";
import { CONTROLS } from "@/lib/findings/controls";
import { assignmentsOfPrincipal } from "@/lib/findings/identity-privileges";
import {
  allAssignmentsComplete,
  anyKubernetes,
  completeKubernetes,
  type FindingRule,
  failuresOrVerdict,
  findingFor,
  findingsPerCluster,
} from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";
import type { Cluster, ManagedIdentity, RoleDefinition } from "@/lib/model/azure";
import { BUILT_IN_ROLE_IDS } from "@/lib/model/builtin-roles";
import { parseArmId } from "@/lib/model/ids";
import type { TenantModel } from "@/lib/model/tenant-model";

/** Roles that hand whoever holds them the resources below (Contributor) or the access to them (the rest). */
const PRIVILEGED_ROLES = new Set<string>([
  BUILT_IN_ROLE_IDS.owner,
  BUILT_IN_ROLE_IDS.contributor,
  BUILT_IN_ROLE_IDS.userAccessAdministrator,
  BUILT_IN_ROLE_IDS.roleBasedAccessControlAdministrator,
]);

/** A custom role is as privileged when it grants every action or role assignment writes. */
function privileged(definition: RoleDefinition): boolean {
  if (PRIVILEGED_ROLES.has(definition.guid)) return true;
  return (
    grantingPattern(definition, "control", "Microsoft.Authorization/roleAssignments/write") !== null ||
    definition.permissions.some((block) => block.actions.includes("*"))
  );
}

/** Resource group, subscription, management group or the root. */
function resourceGroupOrAbove(scope: string): boolean {
  const { subscriptionId, resourceType } = parseArmId(scope);
  return subscriptionId === null || resourceType === null;
}

/** An identity pods can act as: a user-assigned managed identity, or an application's service principal. */
type PodUsable = {
  principalId: string;
  /** the step and object naming it */
  object: PathStep;
  name: string;
  how: string;
};

/**
 * Identities a pod on the cluster can get tokens for: every user-assigned identity with a federated
 * credential that trusts the cluster's OIDC issuer (Entra compares the issuer exactly; which service
 * account the subject names only decides *which* pods, and any pod creator can pick the account), every
 * application's service principal whose application has such a credential (workload identity federates
 * to applications too: learn.microsoft.com/azure/aks/workload-identity-overview), and AAD Pod Identity's
 * AzureIdentity objects on the cluster.
 */
function identitiesUsableFromPods(model: TenantModel, cluster: Cluster): PodUsable[] {
  const usable = new Map<string, PodUsable>();
  const add = (entry: PodUsable) => {
    if (!usable.has(entry.principalId)) usable.set(entry.principalId, entry);
  };
  const asIdentity = (identity: ManagedIdentity, how: string): PodUsable => ({
    principalId: identity.principalId,
    object: identityStep(identity.id, identity.name),
    name: identity.name,
    how,
  });
  const byId = new Map(model.identities.map((identity) => [identity.id, identity]));
  const issuer = cluster.oidcIssuer.issuerUrl;
  if (issuer && cluster.oidcIssuer.enabled) {
    for (const credential of model.federatedCredentials) {
      const identity = byId.get(credential.identityId);
      if (identity && credential.issuer === issuer)
        add(
          asIdentity(
            identity,
            `federated credential ${credential.name} (${credential.subject || "flexible"})`,
          ),
        );
    }
    const servicePrincipals = new Map(
      model.principals.flatMap((principal) =>
        principal.kind === "ServicePrincipal" && principal.appId
          ? [[principal.appId, principal] as const]
          : [],
      ),
    );
    for (const credential of model.applicationFederatedCredentials ?? []) {
      const servicePrincipal = servicePrincipals.get(credential.appId);
      if (!servicePrincipal || credential.issuer !== issuer) continue;
      add({
        principalId: servicePrincipal.id,
        object: {
          kind: "principal",
          id: servicePrincipal.id,
          label: `service principal ${servicePrincipal.displayName}`,
        },
        name: servicePrincipal.displayName,
        how: `application federated credential ${credential.name} (${credential.subject || "flexible"})`,
      });
    }
  }
  for (const azureIdentity of anyKubernetes(model, cluster)?.azureIdentities ?? []) {
    if (!azureIdentity.resourceId) continue;
    const identity = byId.get(azureIdentity.resourceId.toLowerCase());
    if (identity) add(asIdentity(identity, `AzureIdentity ${azureIdentity.namespace}/${azureIdentity.name}`));
  }
  return [...usable.values()];
}

export const workloadIdentityPrivileged: FindingRule = {
  id: "workload-identity-privileged",
  title: "An identity usable from pods holds a privileged role on a broad scope",
  severity: "high",
  controls: [CONTROLS.guideWorkloadIdentity, CONTROLS.guideNodeIdentities],
  evaluate(ctx) {
    const { model, index } = ctx;
    return findingsPerCluster(
      this,
      ctx,
      () => ({
        summary:
          "Give workload identities data-plane roles on the one resource they use (Key Vault Secrets User on a vault, Storage Blob Data Reader on an account), never Owner, Contributor or access administration on a resource group or above: anyone who can create pods with the trusted service account acts as the identity.",
        azCli:
          "az role assignment list --assignee <identity principal id> --all -o table\naz role assignment delete --ids <assignment id>",
      }),
      (cluster, remediation) => {
        const failures: Finding[] = [];
        for (const usable of identitiesUsableFromPods(model, cluster)) {
          const paths: PathStep[][] = [];
          const roles: string[] = [];
          for (const assignment of assignmentsOfPrincipal(index, usable.principalId)) {
            const definition = index.rolesByGuid.get(assignment.roleDefinitionId);
            if (!definition || !privileged(definition) || !resourceGroupOrAbove(assignment.scope)) continue;
            roles.push(assignmentStep(assignment, definition).label);
            paths.push([
              clusterStep(cluster),
              {
                kind: "workloadIdentity",
                id: `${cluster.id}#${usable.object.id}`,
                label: `pods can use it through ${usable.how}`,
              },
              usable.object,
              assignmentStep(assignment, definition),
              roleDefinitionStep(definition),
            ]);
          }
          if (paths.length === 0) continue;
          failures.push(
            findingFor(this, cluster, remediation, {
              status: "fail",
              summary: `${usable.name}, usable from pods on ${cluster.name} through ${usable.how}, holds ${roles.join("; ")}.`,
              objects: [
                { kind: usable.object.kind, id: usable.object.id, label: usable.name },
                { kind: "cluster", id: cluster.id, label: cluster.name },
              ],
              paths,
            }),
          );
        }
        return failuresOrVerdict(this, cluster, remediation, failures, {
          unread:
            allAssignmentsComplete(model) && completeKubernetes(model, cluster)
              ? null
              : "every subscription's role assignments and the cluster's Kubernetes API",
          pass: "No identity that pods on this cluster can use holds Owner, Contributor or access administration on a resource group or above.",
        });
      },
    );
  },
};
