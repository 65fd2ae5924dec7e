import { CONTROLS } from "@/lib/findings/controls";
import { azTarget, type FindingRule, oneFindingPerCluster } from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";
import type { Cluster } from "@/lib/model/azure";

/**
 * Disabling local accounts, as learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad says to:
 * - on a cluster without AKS-managed Entra integration, "any attempt to authenticate with user or admin
 *   credentials will fail" once local accounts are off, so the same update enables it (the page's
 *   `--enable-aad --aad-admin-group-object-ids <id> --disable-local-accounts`);
 * - "the administrator must rotate the cluster certificates to revoke certificates they might have had access
 *   to": an admin kubeconfig fetched before is a client certificate and keeps working until `az aks
 *   rotate-certs` (which makes the API server unavailable while it runs: Azure/azure-cli acs/commands.py).
 */
export function disableLocalAccountsRemediation(cluster: Cluster, summary: string): Finding["remediation"] {
  const enableEntra =
    cluster.entra.mode === "managed" ? "" : " --enable-aad --aad-admin-group-object-ids <group-object-id>";
  return {
    summary: `${summary} Then rotate the cluster certificates (az aks rotate-certs; the API server is unavailable while it runs): admin kubeconfigs fetched before stay valid until then.`,
    azCli: `az aks update ${azTarget(cluster)}${enableEntra} --disable-local-accounts\naz aks rotate-certs ${azTarget(cluster)}`,
    terraform: "local_account_disabled = true",
  };
}

export const localAccountsEnabled: FindingRule = {
  id: "local-accounts-enabled",
  title: "Local accounts are enabled",
  severity: "high",
  controls: [CONTROLS.policyLocalAuthDisabled, CONTROLS.guideDisableLocalAccounts],
  evaluate(ctx) {
    return oneFindingPerCluster(
      this,
      ctx,
      (cluster) =>
        disableLocalAccountsRemediation(
          cluster,
          cluster.entra.mode === "managed"
            ? "Disable local accounts so the static admin kubeconfig (system:masters) can no longer be fetched."
            : "Enable AKS-managed Entra ID integration with an admin group and disable local accounts, so the static admin kubeconfig (system:masters) can no longer be fetched (without Entra integration nobody could sign in).",
        ),
      (cluster) => ({
        status: cluster.localAccountsDisabled ? "pass" : "fail",
        summary: cluster.localAccountsDisabled
          ? "disableLocalAccounts is true: listClusterAdminCredential is refused."
          : "disableLocalAccounts is false: anyone holding listClusterAdminCredential/action gets a system:masters kubeconfig.",
      }),
    );
  },
};
