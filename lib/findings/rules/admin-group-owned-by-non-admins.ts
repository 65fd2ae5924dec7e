import { CONTROLS } from "@/lib/findings/controls";
import {
  coverageOf,
  type FindingRule,
  failuresOrVerdict,
  findingFor,
  findingsPerCluster,
} from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";
import { DIRECTORY_SOURCE } from "@/lib/model/sources";

/**
 * An owner of a group may add members to it, themselves included, without PIM or approval. When the
 * group is a cluster's Entra admin group (aadProfile.adminGroupObjectIDs), every owner is a
 * cluster-admin in waiting: an owner who is not a standing cluster-admin there already holds more than
 * the group's membership shows. An owner who is only eligible still fails: ownership bypasses the
 * activation.
 */
export const adminGroupOwnedByNonAdmins: FindingRule = {
  id: "admin-group-owned-by-non-admins",
  title: "A cluster admin group is owned by someone who is not a cluster-admin",
  severity: "high",
  controls: [CONTROLS.guideManagedEntra, CONTROLS.pimGroups, CONTROLS.cisAzurePimPrivileged],
  evaluate(ctx) {
    const { model, index, access } = ctx;
    const ownersOf = new Map(
      (model.directoryOwners ?? [])
        .filter((ownership) => ownership.objectKind === "Group")
        .map((ownership) => [ownership.objectId, ownership]),
    );
    return findingsPerCluster(
      this,
      ctx,
      () => ({
        summary:
          "Remove owners who are not meant to be cluster-admins from the admin group (or make the group role-assignable and manage it through PIM for Groups with approval); owners can add themselves as members.",
        azCli: "az ad group owner remove --group <admin-group-id> --owner-object-id <owner-id>",
      }),
      (cluster, remediation) => {
        const groupIds = cluster.entra?.adminGroupIds ?? [];
        if (groupIds.length === 0) {
          return [
            findingFor(this, cluster, remediation, {
              status: "pass",
              summary: `${cluster.name} has no Entra admin group.`,
            }),
          ];
        }
        const entries = new Map(
          (access.get(cluster.id)?.principals ?? []).map((entry) => [entry.principal.id, entry]),
        );
        const failures: Finding[] = [];
        for (const groupId of groupIds) {
          const ownership = ownersOf.get(groupId);
          const groupName =
            ownership?.displayName ?? index.principalsById.get(groupId)?.displayName ?? groupId;
          for (const ownerId of ownership?.ownerIds ?? []) {
            const entry = entries.get(ownerId);
            const standingAdmin = entry?.grants.some(
              (grant) => grant.level === "cluster-admin" && grant.eligible !== true,
            );
            if (standingAdmin) continue;
            const ownerName =
              entry?.principal.displayName ?? index.principalsById.get(ownerId)?.displayName ?? ownerId;
            const ownerKind = entry?.principal.kind ?? index.principalsById.get(ownerId)?.kind ?? "User";
            const path = entry?.escalations.find(
              (escalation) =>
                escalation.to === "cluster-admin" &&
                escalation.path.some((step) => step.kind === "directoryOwnership" && step.id === groupId),
            )?.path;
            failures.push(
              findingFor(this, cluster, remediation, {
                status: "fail",
                summary: `${ownerName} owns ${groupName}, the admin group of ${cluster.name}, without being a standing cluster-admin there: they can add themselves to the group and become cluster-admin, with no PIM activation or approval.`,
                objects: [
                  { kind: "principal", id: ownerId, label: `${ownerName} (${ownerKind})` },
                  { kind: "group", id: groupId, label: groupName },
                  { kind: "cluster", id: cluster.id, label: cluster.name },
                ],
                ...(path ? { paths: [path] } : {}),
              }),
            );
          }
        }
        return failuresOrVerdict(this, cluster, remediation, failures, {
          unread: coverageOf(model, DIRECTORY_SOURCE) === "complete" ? null : "the directory (group owners)",
          pass: `Every owner of ${cluster.name}'s admin ${groupIds.length === 1 ? "group" : "groups"} is a standing cluster-admin there.`,
        });
      },
    );
  },
};
