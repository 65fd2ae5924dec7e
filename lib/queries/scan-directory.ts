import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { type RoleAssignment, roleAssignmentSchema } from "@/lib/model/azure";
import type { DifferenceCluster } from "@/lib/queries/cluster-differences";
import { memoByScan } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";

// Tenant-wide facts the principal page reads on every request, read once per scan (a completed scan's state
// never changes; lib/queries/scan-memo.ts): every role assignment, and every cluster's settings. On a 500-cluster
// tenant each was a 20–30 ms filter over JSON documents per request (8,000 assignments by their principal
// id, which no index has; 500 clusters' settings), twice per principal page for the assignments.

const assignmentsMemo = memoByScan<readonly RoleAssignment[]>("role-assignments");
const clustersMemo = memoByScan<readonly DifferenceCluster[]>("difference-clusters");

const scanKey = (scope: ScanScope) => `${scope.tenantId}|${scope.scanId}`;

/** Every role assignment of the scan (the cluster page filters them by scope: 40–75 ms over JSON per request). */
export function allRoleAssignments(scope: ScanScope): Promise<readonly RoleAssignment[]> {
  return assignmentsMemo(scanKey(scope), async () =>
    (
      await prisma().$queryRaw<{ data: unknown }[]>(Prisma.sql`
        SELECT data FROM snapshot_records
        WHERE tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)} AND kind = 'roleAssignment'`)
    ).map((row) => roleAssignmentSchema.parse(row.data)),
  );
}

/** The role assignments held by any of `holders` (a principal and its groups), in the order stored. */
export async function roleAssignmentsOf(
  scope: ScanScope,
  holders: readonly string[],
): Promise<RoleAssignment[]> {
  const wanted = new Set(holders);
  return (await allRoleAssignments(scope)).filter((assignment) => wanted.has(assignment.principalId));
}

/** Every cluster of the scan with the settings that decide what a role gives on it. */
export function differenceClusters(scope: ScanScope): Promise<readonly DifferenceCluster[]> {
  return clustersMemo(scanKey(scope), () =>
    prisma().$queryRaw<DifferenceCluster[]>(Prisma.sql`
      SELECT natural_key AS id, data->>'name' AS name, data->>'subscriptionId' AS "subscriptionId",
             coalesce((data->>'localAccountsDisabled')::boolean, false) AS "localAccountsDisabled",
             coalesce(data->'entra'->>'mode', 'none') AS "entraMode",
             coalesce((data->'entra'->>'azureRbac')::boolean, false) AS "azureRbac"
      FROM snapshot_records
      WHERE tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)} AND kind = 'cluster'`),
  );
}
