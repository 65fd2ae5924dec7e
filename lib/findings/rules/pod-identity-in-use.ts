import { CONTROLS } from "@/lib/findings/controls";
import {
  anyKubernetes,
  azTarget,
  completeKubernetes,
  type FindingRule,
  notRead,
  oneFindingPerCluster,
} from "@/lib/findings/rule";
import type { EvidenceObject } from "@/lib/findings/types";
import { kubernetesNaturalKey } from "@/lib/model/ids";

export const podIdentityInUse: FindingRule = {
  id: "pod-identity-in-use",
  title: "AAD Pod Identity (deprecated) is in use",
  severity: "medium",
  controls: [CONTROLS.guideLeavePodIdentity, CONTROLS.guideWorkloadIdentity],
  evaluate(ctx) {
    const { model } = ctx;
    return oneFindingPerCluster(
      this,
      ctx,
      (cluster) => ({
        summary:
          "Move the workloads to workload identity (federated credential on the same user-assigned identity, annotated service account), then remove the pod identities and the add-on.",
        // `--audiences` is the option az defines (identity/aaz/latest/identity/federated_credential/_create.py);
        // the pod identity flags live in the aks-preview extension only (not in acs/_params.py of the core CLI).
        azCli: `az identity federated-credential create --name <name> --identity-name <identity> --resource-group <rg> --issuer <cluster-oidc-issuer> --subject system:serviceaccount:<namespace>:<service-account> --audiences api://AzureADTokenExchange\naz extension add --name aks-preview\naz aks update ${azTarget(cluster)} --disable-pod-identity`,
        kubectl: "kubectl delete azureidentitybinding,azureidentity --all --all-namespaces",
      }),
      (cluster) => {
        const objects: EvidenceObject[] = [{ kind: "cluster", id: cluster.id, label: cluster.name }];
        const reasons: string[] = [];
        if (cluster.podIdentity.enabled)
          reasons.push("the pod identity add-on (podIdentityProfile) is enabled");
        const inventory = anyKubernetes(model, cluster);
        if (inventory) {
          for (const identity of inventory.azureIdentities) {
            objects.push({
              kind: "k8s.azureIdentity",
              id: kubernetesNaturalKey(cluster.id, "AzureIdentity", identity.namespace, identity.name),
              label: `AzureIdentity ${identity.namespace}/${identity.name}`,
            });
          }
          const pods = inventory.pods.filter((pod) => pod.aadPodIdBinding !== null);
          for (const pod of pods) {
            objects.push({
              kind: "k8s.pod",
              id: kubernetesNaturalKey(cluster.id, "Pod", pod.namespace, pod.name),
              label: `Pod ${pod.namespace}/${pod.name}`,
            });
          }
          if (inventory.azureIdentities.length > 0)
            reasons.push(`${inventory.azureIdentities.length} AzureIdentity object(s)`);
          if (pods.length > 0) reasons.push(`${pods.length} pod(s) labelled aadpodidbinding`);
        }
        if (reasons.length > 0) {
          return {
            status: "fail",
            summary: `AAD Pod Identity is in use: ${reasons.join(", ")}.`,
            objects,
          };
        }
        if (!completeKubernetes(model, cluster)) {
          return {
            status: "not-assessed",
            summary: notRead("the cluster's Kubernetes API"),
          };
        }
        return {
          status: "pass",
          summary: "No pod identity add-on, AzureIdentity objects or aadpodidbinding pods.",
        };
      },
    );
  },
};
