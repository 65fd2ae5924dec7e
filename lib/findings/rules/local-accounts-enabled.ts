import { CONTROLS } from "@/lib/findings/controls";
import {
  azTarget,
  clusterConfigurationRead,
  type FindingRule,
  findingFor,
  notRead,
} from "@/lib/findings/rule";

export const localAccountsEnabled: FindingRule = {
  id: "local-accounts-enabled",
  title: "Local accounts are enabled",
  severity: "high",
  controls: [CONTROLS.policyLocalAuthDisabled, CONTROLS.guideDisableLocalAccounts],
  evaluate({ model }) {
    return model.clusters.map((cluster) => {
      const remediation = {
        summary:
          "Disable local accounts so the static admin kubeconfig (system:masters) can no longer be fetched.",
        azCli: `az aks update ${azTarget(cluster)} --disable-local-accounts`,
        terraform: "local_account_disabled = true",
      };
      if (!clusterConfigurationRead(model, cluster)) {
        return findingFor(this, cluster, remediation, {
          status: "not-assessed",
          summary: notRead("the cluster's configuration"),
        });
      }
      return findingFor(this, cluster, remediation, {
        status: cluster.localAccountsDisabled ? "pass" : "fail",
        summary: cluster.localAccountsDisabled
          ? "disableLocalAccounts is true: listClusterAdminCredential is refused."
          : "disableLocalAccounts is false: anyone holding listClusterAdminCredential/action gets a system:masters kubeconfig.",
      });
    });
  },
};
