import { CONTROLS } from "@/lib/findings/controls";
import { excessiveAssignments } from "@/lib/findings/identity-privileges";
import { allAssignmentsComplete, type FindingRule, notRead, oneFindingPerCluster } from "@/lib/findings/rule";

export const kubeletIdentityOverprivileged: FindingRule = {
  id: "kubelet-identity-overprivileged",
  title: "The kubelet identity holds more than read/pull roles",
  severity: "high",
  controls: [CONTROLS.guideNodeIdentities, CONTROLS.cisAksAcrReadOnly],
  crossCluster: {
    principals: (model) =>
      model.clusters.flatMap((c) => (c.kubeletIdentity?.objectId ? [c.kubeletIdentity.objectId] : [])),
  },
  evaluate(ctx) {
    const { model, index } = ctx;
    return oneFindingPerCluster(
      this,
      ctx,
      (cluster) => {
        const kubelet = cluster.kubeletIdentity;
        return {
          summary:
            "Remove write roles from the kubelet identity: every pod that reaches the node's IMDS can use it. Keep AcrPull on the registry and nothing broader.",
          azCli: `az role assignment delete --assignee ${kubelet?.objectId ?? "<kubelet-object-id>"} --role <role> --scope <scope>`,
        };
      },
      (cluster) => {
        const kubelet = cluster.kubeletIdentity;
        if (!kubelet?.objectId) {
          return {
            status: "not-assessed",
            summary: "The cluster has no kubelet managed identity to assess.",
          };
        }
        const subject = {
          kind: "identity",
          id: kubelet.resourceId ?? kubelet.objectId,
          label: `kubelet identity ${kubelet.resourceId?.split("/").pop() ?? kubelet.objectId}`,
        };
        const excessive = excessiveAssignments(index, kubelet.objectId);
        if (excessive.length > 0) {
          return {
            status: "fail",
            summary: `The kubelet identity holds ${excessive.map((e) => `${e.reason} on ${e.assignment.scope}`).join("; ")}.`,
            objects: [
              subject,
              ...excessive.map((e) => ({
                kind: "roleAssignment",
                id: e.assignment.id,
                label: `${e.definition.roleName} on ${e.assignment.scope}`,
              })),
            ],
            paths: ctx.accessPathsOf(kubelet.objectId),
          };
        }
        if (!allAssignmentsComplete(model)) {
          return {
            status: "not-assessed",
            summary: notRead("every subscription's role assignments"),
            objects: [subject],
          };
        }
        return {
          status: "pass",
          summary: "The kubelet identity holds only read or pull roles.",
          objects: [subject],
        };
      },
    );
  },
};
