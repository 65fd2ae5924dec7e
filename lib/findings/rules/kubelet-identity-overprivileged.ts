import type { AccessIndex } from "@/lib/access/access-index";
import { CONTROLS } from "@/lib/findings/controls";
import {
  assignmentsOfPrincipal,
  type ExcessiveAssignment,
  excessiveAssignments,
} from "@/lib/findings/identity-privileges";
import { allAssignmentsComplete, type FindingRule, notRead, oneFindingPerCluster } from "@/lib/findings/rule";

/**
 * CIS AKS 5.1.2, "Minimize cluster access to read-only for Azure Container Registry (ACR)": the identity that
 * pulls images needs pull access only (kubescape/regolibrary C-0250, rule
 * ensure-service-principle-has-read-only-permissions: any action not ending in "read" fails). A registry write
 * (AcrPush's push/write, AcrDelete's artifacts/delete ...) fails even on one registry: any pod reaching the
 * node's IMDS could replace the images clusters run. Wildcards and broad scopes are excessiveAssignments' own.
 */
function registryWrites(index: AccessIndex, principalId: string, already: ExcessiveAssignment[]) {
  const seen = new Set(already.map((excessive) => excessive.assignment.id));
  const result: ExcessiveAssignment[] = [];
  for (const assignment of assignmentsOfPrincipal(index, principalId)) {
    if (seen.has(assignment.id)) continue;
    const definition = index.rolesByGuid.get(assignment.roleDefinitionId);
    const write = definition?.permissions
      .flatMap((block) => block.actions)
      .find((action) => /^microsoft\.containerregistry\//i.test(action) && !/\/read$/i.test(action));
    if (definition && write)
      result.push({
        assignment,
        definition,
        reason: `${definition.roleName} grants "${write}" (CIS AKS 5.1.2: registry access should be read-only)`,
      });
  }
  return result;
}

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
        const broad = excessiveAssignments(index, kubelet.objectId);
        const excessive = [...broad, ...registryWrites(index, kubelet.objectId, broad)];
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
