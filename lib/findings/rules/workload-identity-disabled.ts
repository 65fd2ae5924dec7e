import { CONTROLS } from "@/lib/findings/controls";
import { azTarget, type FindingRule, oneFindingPerCluster } from "@/lib/findings/rule";

export const workloadIdentityDisabled: FindingRule = {
  id: "workload-identity-disabled",
  title: "Workload identity is not enabled",
  severity: "medium",
  controls: [CONTROLS.policyWorkloadIdentity, CONTROLS.guideWorkloadIdentity],
  evaluate(ctx) {
    return oneFindingPerCluster(
      this,
      ctx,
      (cluster) => ({
        summary:
          "Enable the OIDC issuer and workload identity so pods can use federated credentials instead of secrets or node identities.",
        azCli: `az aks update ${azTarget(cluster)} --enable-oidc-issuer --enable-workload-identity`,
        terraform: "oidc_issuer_enabled = true\nworkload_identity_enabled = true",
      }),
      (cluster) => {
        const enabled = cluster.workloadIdentityEnabled && cluster.oidcIssuer.enabled;
        const missing = [
          ...(cluster.oidcIssuer.enabled ? [] : ["the OIDC issuer"]),
          ...(cluster.workloadIdentityEnabled ? [] : ["workload identity"]),
        ];
        return {
          status: enabled ? "pass" : "fail",
          summary: enabled
            ? `Workload identity is enabled (issuer ${cluster.oidcIssuer.issuerUrl}).`
            : `Not enabled: ${missing.join(" and ")}.`,
        };
      },
    );
  },
};
