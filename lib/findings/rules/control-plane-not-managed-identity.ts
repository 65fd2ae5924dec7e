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
        const managed = type === "SystemAssigned" || type === "UserAssigned";
        return {
          status: managed ? "pass" : "fail",
          summary: managed
            ? `The control plane uses a ${type === "UserAssigned" ? "user" : "system"}-assigned managed identity.`
            : type === "ServicePrincipal"
              ? `The control plane signs in as service principal ${cluster.controlPlaneIdentity.clientId}, whose secret must be managed.`
              : "The cluster reports no control-plane identity.",
        };
      },
    );
  },
};
