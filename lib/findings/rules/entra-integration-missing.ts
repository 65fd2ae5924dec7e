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
    const legacy = new Set(
      ctx.clusters.filter((cluster) => cluster.entra.mode === "legacy").map((cluster) => cluster.id),
    );
    return oneFindingPerCluster(
      this,
      ctx,
      (cluster) => ({
        summary:
          "Enable AKS-managed Entra ID integration (it also replaces the legacy server/client application integration) and name an admin group.",
        azCli: `az aks update ${azTarget(cluster)} --enable-aad --aad-admin-group-object-ids <group-object-id>`,
        // A block on one line may hold one argument at most (hashicorp/hcl hclsyntax/spec.md, OneLineBlock).
        terraform:
          "azure_active_directory_role_based_access_control {\n  azure_rbac_enabled     = true\n  admin_group_object_ids = [...]\n}",
      }),
      (cluster) => ({
        status: cluster.entra.mode === "managed" ? "pass" : "fail",
        severity: cluster.entra.mode === "none" ? "critical" : undefined,
        summary: SUMMARIES[cluster.entra.mode],
      }),
    ).map((finding) => {
      // Azure Policy 450d2877 flags a cluster only when `aadProfile` does not exist
      // (Azure/azure-policy built-in-policies/policyDefinitions/Kubernetes/AKS_AAD_Integration_Audit.json):
      // a legacy integration has an aadProfile and is compliant there, so its failure does not cite the policy.
      return legacy.has(finding.cluster.id) && finding.status === "fail"
        ? {
            ...finding,
            controls: finding.controls.filter((control) => control.id !== CONTROLS.policyEntraIntegration.id),
          }
        : finding;
    });
  },
};
