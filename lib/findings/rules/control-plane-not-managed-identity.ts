import { CONTROLS } from "@/lib/findings/controls";
import {
  azTarget,
  clusterConfigurationRead,
  type FindingRule,
  findingFor,
  notRead,
} from "@/lib/findings/rule";

export const controlPlaneNotManagedIdentity: FindingRule = {
  id: "control-plane-not-managed-identity",
  title: "The control plane does not use a managed identity",
  severity: "medium",
  controls: [CONTROLS.policyManagedIdentity],
  evaluate({ model }) {
    return model.clusters.map((cluster) => {
      const remediation = {
        summary: "Move the cluster from a service principal (with a secret to rotate) to a managed identity.",
        azCli: `az aks update ${azTarget(cluster)} --enable-managed-identity`,
        terraform: 'identity { type = "UserAssigned", identity_ids = [...] }',
      };
      if (!clusterConfigurationRead(model, cluster)) {
        return findingFor(this, cluster, remediation, {
          status: "not-assessed",
          summary: notRead("the cluster's configuration"),
        });
      }
      const type = cluster.controlPlaneIdentity.type;
      const managed = type === "SystemAssigned" || type === "UserAssigned";
      return findingFor(this, cluster, remediation, {
        status: managed ? "pass" : "fail",
        summary: managed
          ? `The control plane uses a ${type === "UserAssigned" ? "user" : "system"}-assigned managed identity.`
          : type === "ServicePrincipal"
            ? `The control plane signs in as service principal ${cluster.controlPlaneIdentity.clientId}, whose secret must be managed.`
            : "The cluster reports no control-plane identity.",
      });
    });
  },
};
