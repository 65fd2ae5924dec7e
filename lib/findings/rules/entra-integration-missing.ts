import { CONTROLS } from "@/lib/findings/controls";
import { azTarget, type FindingRule, oneFindingPerCluster } from "@/lib/findings/rule";

const SUMMARIES = {
  managed: "AKS-managed Entra ID integration is enabled.",
  legacy: "The cluster uses the legacy (server/client application) Entra integration, which is deprecated.",
  none: "The cluster has no Entra ID integration: its user kubeconfig is a certificate with cluster-admin rights.",
} as const;

export const entraIntegrationMissing: FindingRule = {
  id: "entra-integration-missing",
  title: "Managed Entra ID integration is not enabled",
  severity: "high",
  controls: [CONTROLS.policyEntraIntegration, CONTROLS.cisAksEntraRbac, CONTROLS.guideManagedEntra],
  evaluate(ctx) {
    return oneFindingPerCluster(
      this,
      ctx,
      (cluster) => ({
        summary:
          "Enable AKS-managed Entra ID integration (it also replaces the legacy server/client application integration) and name an admin group.",
        azCli: `az aks update ${azTarget(cluster)} --enable-aad --aad-admin-group-object-ids <group-object-id>`,
        terraform:
          "azure_active_directory_role_based_access_control { azure_rbac_enabled = true, admin_group_object_ids = [...] }",
      }),
      (cluster) => ({
        status: cluster.entra.mode === "managed" ? "pass" : "fail",
        severity: cluster.entra.mode === "none" ? "critical" : undefined,
        summary: SUMMARIES[cluster.entra.mode],
      }),
    );
  },
};
