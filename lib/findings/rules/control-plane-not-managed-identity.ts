import { CONTROLS } from "@/lib/findings/controls";
import { azTarget, type FindingRule, oneFindingPerCluster } from "@/lib/findings/rule";

export const controlPlaneNotManagedIdentity: FindingRule = {
  id: "control-plane-not-managed-identity",
  title: "The control plane does not use a managed identity",
  severity: "medium",
  controls: [CONTROLS.policyManagedIdentity],
  evaluate(ctx) {
    return oneFindingPerCluster(
      this,
      ctx,
      (cluster) => ({
        summary: "Move the cluster from a service principal (with a secret to rotate) to a managed identity.",
        azCli: `az aks update ${azTarget(cluster)} --enable-managed-identity`,
        terraform: 'identity { type = "UserAssigned", identity_ids = [...] }',
      }),
      (cluster) => {
        const type = cluster.controlPlaneIdentity.type;
        // Azure Policy da6e2401 flags a cluster only when servicePrincipalProfile exists and its clientId is
        // not "msi" (Azure/azure-policy built-in-policies/policyDefinitions/Kubernetes/AKS_MSI_Audit.json).
        // "None" is a cluster that reports no identity.type and no service principal but that placeholder:
        // nothing shows it uses a service principal, and nothing shows which identity it uses.
        if (type === "None") {
          return {
            status: "not-assessed",
            summary:
              'Not assessed: the cluster reports no managed identity (identity.type) and no service principal (servicePrincipalProfile absent or "msi"), so which identity the control plane uses is unknown.',
          };
        }
        const managed = type === "SystemAssigned" || type === "UserAssigned";
        return {
          status: managed ? "pass" : "fail",
          summary: managed
            ? `The control plane uses a ${type === "UserAssigned" ? "user" : "system"}-assigned managed identity.`
            : `The control plane signs in as service principal ${cluster.controlPlaneIdentity.clientId}, whose secret must be managed.`,
        };
      },
    );
  },
};
