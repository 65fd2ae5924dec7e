import { CONTROLS } from "@/lib/findings/controls";
import { azTarget, type FindingRule, oneFindingPerCluster } from "@/lib/findings/rule";

export const localAccountsEnabled: FindingRule = {
  id: "local-accounts-enabled",
  title: "Local accounts are enabled",
  severity: "high",
  controls: [CONTROLS.policyLocalAuthDisabled, CONTROLS.guideDisableLocalAccounts],
  evaluate(ctx) {
    return oneFindingPerCluster(
      this,
      ctx,
      (cluster) => ({
        summary:
          "Disable local accounts so the static admin kubeconfig (system:masters) can no longer be fetched.",
        azCli: `az aks update ${azTarget(cluster)} --disable-local-accounts`,
        terraform: "local_account_disabled = true",
      }),
      (cluster) => ({
        status: cluster.localAccountsDisabled ? "pass" : "fail",
        summary: cluster.localAccountsDisabled
          ? "disableLocalAccounts is true: listClusterAdminCredential is refused."
          : "disableLocalAccounts is false: anyone holding listClusterAdminCredential/action gets a system:masters kubeconfig.",
      }),
    );
  },
};
