import { CONTROLS } from "@/lib/findings/controls";
import {
  azTarget,
  clusterConfigurationRead,
  type FindingRule,
  findingFor,
  notRead,
} from "@/lib/findings/rule";

export const entraIntegrationMissing: FindingRule = {
  id: "entra-integration-missing",
  title: "Managed Entra ID integration is not enabled",
  severity: "high",
  controls: [CONTROLS.policyEntraIntegration, CONTROLS.cisAksEntraRbac, CONTROLS.guideManagedEntra],
  evaluate({ model }) {
    return model.clusters.map((cluster) => {
      const remediation = {
        summary:
          "Enable AKS-managed Entra ID integration (it also replaces the legacy server/client application integration) and name an admin group.",
        azCli: `az aks update ${azTarget(cluster)} --enable-aad --aad-admin-group-object-ids <group-object-id>`,
        terraform:
          "azure_active_directory_role_based_access_control { azure_rbac_enabled = true, admin_group_object_ids = [...] }",
      };
      if (!clusterConfigurationRead(model, cluster)) {
        return findingFor(this, cluster, remediation, {
          status: "not-assessed",
          summary: notRead("the cluster's configuration"),
        });
      }
      const summaries = {
        managed: "AKS-managed Entra ID integration is enabled.",
        legacy:
          "The cluster uses the legacy (server/client application) Entra integration, which is deprecated.",
        none: "The cluster has no Entra ID integration: its user kubeconfig is a certificate with cluster-admin rights.",
      } as const;
      return findingFor(this, cluster, remediation, {
        status: cluster.entra.mode === "managed" ? "pass" : "fail",
        severity: cluster.entra.mode === "none" ? "critical" : undefined,
        summary: summaries[cluster.entra.mode],
      });
    });
  },
};
