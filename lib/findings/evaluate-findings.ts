import { type AccessIndex, buildAccessIndex } from "@/lib/access/access-index";
import { evaluateTenantAccess } from "@/lib/access/evaluate-tenant";
import type { ClusterAccess, PathStep } from "@/lib/access/types";
import type { FindingContext, FindingRule } from "@/lib/findings/rule";
import { addonIdentityOverprivileged } from "@/lib/findings/rules/addon-identity-overprivileged";
import { adminCredentialViaBroadRole } from "@/lib/findings/rules/admin-credential-via-broad-role";
import { adminGroupOwnedByNonAdmins } from "@/lib/findings/rules/admin-group-owned-by-non-admins";
import { anonymousAccessBound } from "@/lib/findings/rules/anonymous-access-bound";
import { clusterAdminBroadSubject } from "@/lib/findings/rules/cluster-admin-broad-subject";
import { controlPlaneIdentityNotUserAssigned } from "@/lib/findings/rules/control-plane-identity-not-user-assigned";
import { controlPlaneNotManagedIdentity } from "@/lib/findings/rules/control-plane-not-managed-identity";
import { directoryRoleReachesClusters } from "@/lib/findings/rules/directory-role-reaches-clusters";
import { eligibleClusterAdminWithoutApproval } from "@/lib/findings/rules/eligible-cluster-admin-without-approval";
import { entraIntegrationMissing } from "@/lib/findings/rules/entra-integration-missing";
import { escalationToClusterAdmin } from "@/lib/findings/rules/escalation-to-cluster-admin";
import { federatedCredentialOrphaned } from "@/lib/findings/rules/federated-credential-orphaned";
import { kubeletIdentityOverprivileged } from "@/lib/findings/rules/kubelet-identity-overprivileged";
import { kubernetesRbacDisabled } from "@/lib/findings/rules/kubernetes-rbac-disabled";
import { localAccountsEnabled } from "@/lib/findings/rules/local-accounts-enabled";
import { pimNotUsedForClusterAdmin } from "@/lib/findings/rules/pim-not-used-for-cluster-admin";
import { podCreatorsReachIdentity } from "@/lib/findings/rules/pod-creators-reach-identity";
import { podIdentityInUse } from "@/lib/findings/rules/pod-identity-in-use";
import { rbacWildcardRole } from "@/lib/findings/rules/rbac-wildcard-role";
import { roleAssignmentWriters } from "@/lib/findings/rules/role-assignment-writers";
import { runCommandEnabled } from "@/lib/findings/rules/run-command-enabled";
import { secretsReadBroad } from "@/lib/findings/rules/secrets-read-broad";
import { serviceAccountMissingFederatedCredential } from "@/lib/findings/rules/service-account-missing-federated-credential";
import { workloadIdentityDisabled } from "@/lib/findings/rules/workload-identity-disabled";
import { workloadIdentityPrivileged } from "@/lib/findings/rules/workload-identity-privileged";
import type { Finding } from "@/lib/findings/types";
import type { TenantModel } from "@/lib/model/tenant-model";

/** Every rule, in the order reports list them. */
export const FINDING_RULES: readonly FindingRule[] = [
  localAccountsEnabled,
  adminCredentialViaBroadRole,
  escalationToClusterAdmin,
  pimNotUsedForClusterAdmin,
  adminGroupOwnedByNonAdmins,
  directoryRoleReachesClusters,
  eligibleClusterAdminWithoutApproval,
  entraIntegrationMissing,
  kubernetesRbacDisabled,
  runCommandEnabled,
  clusterAdminBroadSubject,
  anonymousAccessBound,
  roleAssignmentWriters,
  rbacWildcardRole,
  secretsReadBroad,
  kubeletIdentityOverprivileged,
  addonIdentityOverprivileged,
  controlPlaneNotManagedIdentity,
  controlPlaneIdentityNotUserAssigned,
  workloadIdentityDisabled,
  workloadIdentityPrivileged,
  podCreatorsReachIdentity,
  podIdentityInUse,
  federatedCredentialOrphaned,
  serviceAccountMissingFederatedCredential,
];

/** The rules that judge access across clusters: evaluated once every cluster has been seen (StreamingFindings.finish). */
export const CROSS_CLUSTER_RULE_IDS: readonly string[] = FINDING_RULES.filter(
  (rule) => rule.crossCluster,
).map((rule) => rule.id);

/** Every path by which a principal holds a grant (credentials-only left out) on the given clusters. */
function grantPaths(access: Iterable<ClusterAccess>, principalId: string): PathStep[][] {
  const paths: PathStep[][] = [];
  for (const clusterAccess of access) {
    const entry = clusterAccess.principals.find((candidate) => candidate.principal.id === principalId);
    for (const grant of entry?.grants ?? []) if (grant.level !== "credentials-only") paths.push(grant.path);
  }
  return paths;
}

/**
 * Runs every rule. `access` is the access engine's output for the same model (computed here when
 * omitted); findings come out grouped by rule, then cluster.
 */
export function evaluateFindings(
  model: TenantModel,
  access?: readonly ClusterAccess[],
  options: { index?: AccessIndex; rules?: readonly FindingRule[] } = {},
): Finding[] {
  const index = options.index ?? buildAccessIndex(model);
  const clusterAccess = access ?? evaluateTenantAccess(model, index);
  const ctx: FindingContext = {
    model,
    index,
    clusters: model.clusters,
    access: new Map(clusterAccess.map((entry) => [entry.cluster.id, entry])),
    accessPathsOf: (principalId) => grantPaths(clusterAccess, principalId),
  };
  return (options.rules ?? FINDING_RULES).flatMap((rule) => rule.evaluate(ctx));
}

/**
 * The same findings as `evaluateFindings`, for a caller that evaluates access a batch of clusters at a
 * time and never holds all of it: `add` judges a batch with the rules that need only that batch's access,
 * keeping the paths cross-cluster rules will ask about; `finish` runs those rules over every cluster.
 */
export class StreamingFindings {
  private readonly perBatch: readonly FindingRule[];
  private readonly atEnd: readonly FindingRule[];
  private readonly paths = new Map<string, PathStep[][]>();

  constructor(
    private readonly model: TenantModel,
    private readonly index: AccessIndex,
    rules: readonly FindingRule[] = FINDING_RULES,
  ) {
    this.perBatch = rules.filter((rule) => !rule.crossCluster);
    this.atEnd = rules.filter((rule) => rule.crossCluster);
    for (const rule of this.atEnd) {
      for (const principalId of rule.crossCluster?.principals(model) ?? []) this.paths.set(principalId, []);
    }
  }

  add(batch: readonly ClusterAccess[]): Finding[] {
    for (const clusterAccess of batch) {
      for (const { principal, grants } of clusterAccess.principals) {
        const paths = this.paths.get(principal.id);
        if (!paths) continue;
        for (const grant of grants) if (grant.level !== "credentials-only") paths.push(grant.path);
      }
    }
    const clusterIds = new Set(batch.map((entry) => entry.cluster.id));
    const ctx: FindingContext = {
      model: this.model,
      index: this.index,
      clusters: this.model.clusters.filter((cluster) => clusterIds.has(cluster.id)),
      access: new Map(batch.map((entry) => [entry.cluster.id, entry])),
      accessPathsOf: () => {
        throw new Error("a rule that reads access across clusters must declare crossCluster");
      },
    };
    return this.perBatch.flatMap((rule) => rule.evaluate(ctx));
  }

  finish(): Finding[] {
    const ctx: FindingContext = {
      model: this.model,
      index: this.index,
      clusters: this.model.clusters,
      access: new Map(),
      accessPathsOf: (principalId) => {
        const paths = this.paths.get(principalId);
        if (!paths) throw new Error(`crossCluster.principals did not name ${principalId}`);
        return paths;
      },
    };
    return this.atEnd.flatMap((rule) => rule.evaluate(ctx));
  }
}
