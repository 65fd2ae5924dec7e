import type { PathStep } from "@/lib/access/types";
import { CONTROLS } from "@/lib/findings/controls";
import { excessiveAssignments } from "@/lib/findings/identity-privileges";
import {
  allAssignmentsComplete,
  type FindingContext,
  type FindingRule,
  notRead,
  oneFindingPerCluster,
} from "@/lib/findings/rule";

/** What an identity can reach on clusters (it would appear there with grants). */
export function clusterAccessPaths(ctx: FindingContext, principalId: string): PathStep[][] {
  const paths: PathStep[][] = [];
  for (const clusterAccess of ctx.access.values()) {
    const entry = clusterAccess.principals.find((candidate) => candidate.principal.id === principalId);
    for (const grant of entry?.grants ?? []) if (grant.level !== "credentials-only") paths.push(grant.path);
  }
  return paths;
}

export const kubeletIdentityOverprivileged: FindingRule = {
  id: "kubelet-identity-overprivileged",
  title: "The kubelet identity holds more than read/pull roles",
  severity: "high",
  controls: [CONTROLS.guideNodeIdentities, CONTROLS.cisAksAcrReadOnly],
  evaluate(ctx) {
    const { model, index } = ctx;
    return oneFindingPerCluster(
      this,
      model,
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
            paths: clusterAccessPaths(ctx, kubelet.objectId),
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
