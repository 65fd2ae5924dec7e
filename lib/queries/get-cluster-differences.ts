import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { managementGroupSchema, roleDefinitionSchema } from "@/lib/model/azure";
import { principalSchema } from "@/lib/model/directory";
import {
  type ClusterDifference,
  clusterDifferences,
  type DifferenceAssignment,
} from "@/lib/queries/cluster-differences";
import { differenceClusters, roleAssignmentsOf } from "@/lib/queries/scan-directory";
import { memoByScanObject } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";

// The principal page's "Why clusters differ": the principal's Azure role assignments (direct and through
// its groups), their roles, and the settings of the clusters they cover, judged by clusterDifferences.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The notes of the principals read last, per scan (a completed scan's never change): a principal whose roles
 * cover 475 clusters took ~15 ms of each visit of its page to judge them. Sixteen, as the principal pages.
 */
const notes = memoByScanObject<ClusterDifference[]>("cluster-differences", 16);

export function getClusterDifferences(scope: ScanScope, rawId: string): Promise<ClusterDifference[]> {
  const id = GUID.test(rawId) ? rawId.toLowerCase() : rawId;
  return notes(scope, id, () => readClusterDifferences(scope, id));
}

async function readClusterDifferences(scope: ScanScope, id: string): Promise<ClusterDifference[]> {
  const db = prisma();
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;
  const groups = await db.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT natural_key AS id FROM snapshot_records
    WHERE ${tenant} AND kind = 'groupMembership' AND data->'memberIds' @> ${JSON.stringify([id])}::jsonb`);
  const holders = [id, ...groups.map((group) => group.id)];
  const assignments = await roleAssignmentsOf(scope, holders);
  if (assignments.length === 0) return [];
  const guids = [...new Set(assignments.map((assignment) => assignment.roleDefinitionId))];
  const groupIds = [...new Set(assignments.map((a) => a.principalId).filter((holder) => holder !== id))];
  const [roles, clusters, managementGroups, groupNames] = await Promise.all([
    db
      .$queryRaw<{ data: unknown }[]>(Prisma.sql`
        SELECT data FROM snapshot_records
        WHERE ${tenant} AND kind = 'roleDefinition' AND data->>'guid' IN (${Prisma.join(guids)})`)
      .then((rows) => rows.map((row) => roleDefinitionSchema.parse(row.data))),
    differenceClusters(scope),
    assignments.some((assignment) => assignment.scope.includes("/managementgroups/"))
      ? db
          .$queryRaw<{ data: unknown }[]>(Prisma.sql`
            SELECT data FROM snapshot_records WHERE ${tenant} AND kind = 'managementGroup'`)
          .then((rows) => rows.map((row) => managementGroupSchema.parse(row.data)))
      : [],
    groupIds.length
      ? db
          .$queryRaw<{ data: unknown }[]>(Prisma.sql`
            SELECT data FROM snapshot_records
            WHERE ${tenant} AND kind = 'principal' AND natural_key IN (${Prisma.join(groupIds)})`)
          .then((rows) => rows.map((row) => principalSchema.parse(row.data)))
      : [],
  ]);
  const roleByGuid = new Map(roles.map((role) => [role.guid, role]));
  const nameOfGroup = new Map(groupNames.map((group) => [group.id, group.displayName]));
  const resolved: DifferenceAssignment[] = assignments.flatMap((assignment) => {
    const role = roleByGuid.get(assignment.roleDefinitionId);
    if (!role) return [];
    const via =
      assignment.principalId === id
        ? null
        : (nameOfGroup.get(assignment.principalId) ?? assignment.principalId);
    return [{ scope: assignment.scope, role, via }];
  });
  // a management group covers the subscriptions directly under it and under every group below it
  const children = new Map<string, string[]>();
  for (const group of managementGroups) {
    if (!group.parentId) continue;
    const parent = group.parentId.toLowerCase();
    children.set(parent, [...(children.get(parent) ?? []), group.id.toLowerCase()]);
  }
  const byId = new Map(managementGroups.map((group) => [group.id.toLowerCase(), group]));
  const subscriptionsOfGroup = (name: string): ReadonlySet<string> => {
    const found = new Set<string>();
    const queue = [`/providers/microsoft.management/managementgroups/${name.toLowerCase()}`];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const next = queue.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      for (const subscription of byId.get(next)?.subscriptionIds ?? []) found.add(subscription.toLowerCase());
      queue.push(...(children.get(next) ?? []));
    }
    return found;
  };
  return clusterDifferences(clusters, resolved, subscriptionsOfGroup);
}
