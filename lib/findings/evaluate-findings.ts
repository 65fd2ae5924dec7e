import { type AccessIndex, buildAccessIndex } from "@/lib/access/access-index";
import { evaluateTenantAccess } from "@/lib/access/evaluate-tenant";
import type { ClusterAccess } from "@/lib/access/types";
import type { FindingContext, FindingRule } from "@/lib/findings/rule";
import { addonIdentityOverprivileged } from "@/lib/findings/rules/addon-identity-overprivileged";
import { adminCredentialViaBroadRole } from "@/lib/findings/rules/admin-credential-via-broad-role";
import { clusterAdminBroadSubject } from "@/lib/findings/rules/cluster-admin-broad-subject";
import { controlPlaneIdentityNotUserAssigned } from "@/lib/findings/rules/control-plane-identity-not-user-assigned";
import { controlPlaneNotManagedIdentity } from "@/lib/findings/rules/control-plane-not-managed-identity";
import { entraIntegrationMissing } from "@/lib/findings/rules/entra-integration-missing";
import { federatedCredentialOrphaned } from "@/lib/findings/rules/federated-credential-orphaned";
import { kubeletIdentityOverprivileged } from "@/lib/findings/rules/kubelet-identity-overprivileged";
import { kubernetesRbacDisabled } from "@/lib/findings/rules/kubernetes-rbac-disabled";
import { localAccountsEnabled } from "@/lib/findings/rules/local-accounts-enabled";
import { podIdentityInUse } from "@/lib/findings/rules/pod-identity-in-use";
import { rbacWildcardRole } from "@/lib/findings/rules/rbac-wildcard-role";
import { runCommandEnabled } from "@/lib/findings/rules/run-command-enabled";
import { secretsReadBroad } from "@/lib/findings/rules/secrets-read-broad";
import { serviceAccountMissingFederatedCredential } from "@/lib/findings/rules/service-account-missing-federated-credential";
import { workloadIdentityDisabled } from "@/lib/findings/rules/workload-identity-disabled";
import type { Finding } from "@/lib/findings/types";
import type { TenantModel } from "@/lib/model/tenant-model";

/** Every rule, in the order reports list them. */
export const FINDING_RULES: readonly FindingRule[] = [
  localAccountsEnabled,
  adminCredentialViaBroadRole,
  entraIntegrationMissing,
  kubernetesRbacDisabled,
  runCommandEnabled,
  clusterAdminBroadSubject,
  rbacWildcardRole,
  secretsReadBroad,
  kubeletIdentityOverprivileged,
  addonIdentityOverprivileged,
  controlPlaneNotManagedIdentity,
  controlPlaneIdentityNotUserAssigned,
  workloadIdentityDisabled,
  podIdentityInUse,
  federatedCredentialOrphaned,
  serviceAccountMissingFederatedCredential,
];

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
    access: new Map(clusterAccess.map((entry) => [entry.cluster.id, entry])),
  };
  return (options.rules ?? FINDING_RULES).flatMap((rule) => rule.evaluate(ctx));
}
