import { CONTROLS } from "@/lib/findings/controls";
import {
  azTarget,
  clusterConfigurationRead,
  type FindingRule,
  findingFor,
  notRead,
} from "@/lib/findings/rule";

export const workloadIdentityDisabled: FindingRule = {
  id: "workload-identity-disabled",
  title: "Workload identity is not enabled",
  severity: "medium",
  controls: [CONTROLS.policyWorkloadIdentity, CONTROLS.guideWorkloadIdentity],
  evaluate({ model }) {
    return model.clusters.map((cluster) => {
      const remediation = {
        summary:
          "Enable the OIDC issuer and workload identity so pods can use federated credentials instead of secrets or node identities.",
        azCli: `az aks update ${azTarget(cluster)} --enable-oidc-issuer --enable-workload-identity`,
        terraform: "oidc_issuer_enabled = true\nworkload_identity_enabled = true",
      };
      if (!clusterConfigurationRead(model, cluster)) {
        return findingFor(this, cluster, remediation, {
          status: "not-assessed",
          summary: notRead("the cluster's configuration"),
        });
      }
      const enabled = cluster.workloadIdentityEnabled && cluster.oidcIssuer.enabled;
      const missing = [
        ...(cluster.oidcIssuer.enabled ? [] : ["the OIDC issuer"]),
        ...(cluster.workloadIdentityEnabled ? [] : ["workload identity"]),
      ];
      return findingFor(this, cluster, remediation, {
        status: enabled ? "pass" : "fail",
        summary: enabled
          ? `Workload identity is enabled (issuer ${cluster.oidcIssuer.issuerUrl}).`
          : `Not enabled: ${missing.join(" and ")}.`,
      });
    });
  },
};
