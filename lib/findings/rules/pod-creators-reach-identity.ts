import type { AccessIndex } from "@/lib/access/access-index";
import {
  AttackPathSearch,
  DEFAULT_MAX_HOPS,
  type PodReacher,
  type WantedReachers,
} from "@/lib/access/attack-paths";
import type { AccessPrincipal } from "@/lib/access/types";
import { CONTROLS } from "@/lib/findings/controls";
import { assignmentsOfPrincipal, excessiveAssignments } from "@/lib/findings/identity-privileges";
import {
  allAssignmentsComplete,
  completeKubernetes,
  type FindingRule,
  failuresOrVerdict,
  findingFor,
  findingsPerCluster,
  listedSubjects,
} from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";
import type { RoleDefinition } from "@/lib/model/azure";

type Reach = {
  identityPrincipalId: string;
  identityName: string;
  principal: AccessPrincipal;
  /** the search's answer, whose path is built only when read: a finding reads the hundred it lists */
  reacher: PodReacher;
};

/** Anything beyond reading resource metadata or pulling images: writes, and data actions (reading secrets is one). */
function meaningful(definition: RoleDefinition): boolean {
  return definition.permissions.some(
    (block) => block.dataActions.length > 0 || block.actions.some((action) => !/\/read$/i.test(action)),
  );
}

const SUMMARY_NAMES = 10;

type Reachable = { search: AttackPathSearch; identitiesByCluster: Map<string, Map<string, string>> };

/**
 * Per access index (a scan's batches share it): the search, and for each cluster the identities that hold
 * a role that matters and that pods on that cluster can act as (their reverse edges from the cluster's
 * pod side). Who reaches them is searched per cluster when its batch is evaluated and then dropped: kept
 * for the whole tenant it was every (identity, principal) pair with its path, gigabytes at 500 clusters.
 */
const reachableCache = new WeakMap<AccessIndex, Reachable>();

function reachable(index: AccessIndex): Reachable {
  const cached = reachableCache.get(index);
  if (cached) return cached;
  const search = new AttackPathSearch(index, DEFAULT_MAX_HOPS);
  const identities = new Map<string, string>();
  for (const identity of index.model.identities) identities.set(identity.principalId, identity.name);
  for (const cluster of index.model.clusters) {
    for (const ref of [cluster.kubeletIdentity, ...cluster.addons.map((addon) => addon.identity)]) {
      if (ref?.objectId && ref.resourceId && !identities.has(ref.objectId.toLowerCase()))
        identities.set(ref.objectId.toLowerCase(), ref.resourceId.split("/").pop() ?? ref.resourceId);
    }
  }
  const identitiesByCluster = new Map<string, Map<string, string>>();
  for (const [principalId, name] of identities) {
    const matters = assignmentsOfPrincipal(index, principalId).some((assignment) => {
      const definition = index.rolesByGuid.get(assignment.roleDefinitionId);
      return definition !== undefined && meaningful(definition);
    });
    if (!matters) continue;
    for (const clusterId of search.podSideClustersOf(principalId)) {
      const onCluster = identitiesByCluster.get(clusterId) ?? new Map<string, string>();
      onCluster.set(principalId, name);
      identitiesByCluster.set(clusterId, onCluster);
    }
  }
  const result = { search, identitiesByCluster };
  reachableCache.set(index, result);
  return result;
}

/**
 * Who can act as which identity by running pods (minting tokens, exec) on this cluster: everyone whose
 * way to the identity goes through the cluster's pods — not only those whose shortest way does (one
 * search per identity over every cluster kept just one cluster per principal, so a principal who can run
 * pods on two clusters federated to the identity was missing from one cluster's finding).
 */
function reachesOn(index: AccessIndex, clusterId: string, wanted: WantedReachers): Reach[] {
  const { search, identitiesByCluster } = reachable(index);
  const reaches: Reach[] = [];
  for (const [principalId, name] of identitiesByCluster.get(clusterId) ?? []) {
    for (const { reacher } of search.podReachersOf(principalId, clusterId, wanted)) {
      reaches.push({
        identityPrincipalId: principalId,
        identityName: name,
        principal: reacher.principal,
        reacher,
      });
    }
  }
  return reaches;
}

export const podCreatorsReachIdentity: FindingRule = {
  id: "pod-creators-reach-identity",
  title: "People who can create pods can act as a managed identity",
  severity: "medium",
  controls: [CONTROLS.guideWorkloadIdentity, CONTROLS.guideNodeIdentities],
  evaluate(ctx) {
    const { model, index, access } = ctx;
    return findingsPerCluster(
      this,
      ctx,
      () => ({
        summary:
          "Whoever can create pods (or mint tokens, or exec) in a namespace acts as every identity its service accounts are federated to, and anyone who can create pods on a node acts as the node's identities through IMDS. Keep pod creation in those namespaces to the team that owns the identity, federate one service account per identity, and block IMDS from pods where workloads do not need it.",
        kubectl:
          'kubectl auth can-i create pods --namespace <namespace> --as <principal>\nkubectl get serviceaccounts -A -o json | jq -r \'.items[] | select(.metadata.annotations["azure.workload.identity/client-id"]) | .metadata.namespace + "/" + .metadata.name\'',
      }),
      (cluster, remediation) => {
        const clusterAdmins = new Set(
          (access.get(cluster.id)?.principals ?? [])
            .filter((entry) => entry.grants.some((grant) => grant.level === "cluster-admin"))
            .map((entry) => entry.principal.id),
        );
        const byIdentity = new Map<string, Reach[]>();
        // Where every account that signs in is cluster-admin, so is every directory group's each member.
        const groupsAreAdmins = clusterAdmins.has(index.entraSignInGroup.id);
        // Cluster-admins run anything on the cluster anyway (their cluster-admin is its own finding), and a
        // member reaching through a group is listed as the group: left out by the search, before their
        // reacher is built (with every account in the sign-in group, most of a large tenant's reachers).
        const wanted: WantedReachers = {
          principal: (principal) =>
            !clusterAdmins.has(principal.id) && !(groupsAreAdmins && principal.kind === "Group"),
          firstStep: (firstStepKind) => firstStepKind !== "groupMembership",
        };
        for (const reach of reachesOn(index, cluster.id, wanted)) {
          const list = byIdentity.get(reach.identityPrincipalId) ?? [];
          list.push(reach);
          byIdentity.set(reach.identityPrincipalId, list);
        }
        const failures: Finding[] = [];
        for (const [identityPrincipalId, list] of byIdentity) {
          const privileged = excessiveAssignments(index, identityPrincipalId).length > 0;
          const names = [...new Set(list.map((reach) => reach.principal.displayName))];
          const named =
            names.length <= SUMMARY_NAMES
              ? names.join(", ")
              : `${names.slice(0, SUMMARY_NAMES).join(", ")} and ${names.length - SUMMARY_NAMES} others`;
          // 21 M reaches with their paths at bench/scan's 500 clusters: each finding lists the first by principal id.
          const { listed, unlisted } = listedSubjects(list);
          failures.push(
            findingFor(this, cluster, remediation, {
              status: "fail",
              severity: privileged ? "high" : this.severity,
              summary: `${named} can act as ${list[0].identityName} by running pods on ${cluster.name}${privileged ? ", an identity with write access on a broad scope" : ""}.`,
              objects: [
                {
                  kind: "principal",
                  id: identityPrincipalId,
                  label: `${list[0].identityName} (ManagedIdentity)`,
                },
                ...listed.map((reach) => ({
                  kind: "principal",
                  id: reach.principal.id,
                  // a reach that needs a PIM activation first says so (its path carries the eligibility step)
                  label: `${reach.principal.displayName} (${reach.principal.kind})${reach.reacher.eligible ? ", after a PIM activation" : ""}`,
                })),
              ],
              paths: listed.map((reach) => reach.reacher.path),
              unlisted,
            }),
          );
        }
        return failuresOrVerdict(this, cluster, remediation, failures, {
          unread:
            completeKubernetes(model, cluster) && allAssignmentsComplete(model)
              ? null
              : "the cluster's Kubernetes API and every subscription's role assignments",
          pass: "Only cluster-admins can act as identities that hold roles through pods on this cluster.",
        });
      },
    );
  },
};
