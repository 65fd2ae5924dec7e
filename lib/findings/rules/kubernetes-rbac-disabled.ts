import { CONTROLS } from "@/lib/findings/controls";
import { type FindingRule, oneFindingPerCluster } from "@/lib/findings/rule";

export const kubernetesRbacDisabled: FindingRule = {
  id: "kubernetes-rbac-disabled",
  title: "Kubernetes RBAC is disabled",
  severity: "critical",
  controls: [CONTROLS.policyKubernetesRbac],
  evaluate(ctx) {
    return oneFindingPerCluster(
      this,
      ctx,
      (cluster) => ({
        summary:
          "enableRBAC cannot be changed on an existing cluster: recreate it with Kubernetes RBAC and Entra ID integration.",
        azCli: `az aks create --resource-group ${cluster.resourceGroup} --name <new-cluster> --enable-aad --enable-azure-rbac`,
        terraform: "role_based_access_control_enabled = true",
      }),
      (cluster) => ({
        status: cluster.kubernetesRbac ? "pass" : "fail",
        summary: cluster.kubernetesRbac
          ? "enableRBAC is true."
          : "enableRBAC is false: every authenticated caller can do anything in the cluster.",
      }),
    );
  },
};
