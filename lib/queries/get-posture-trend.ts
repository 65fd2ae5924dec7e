import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import type { Severity } from "@/lib/findings/types";
import { expandedClusterPairsSql, queryTenantPairs } from "@/lib/queries/expanded-access";
import { keptAcrossRestarts } from "@/lib/queries/scan-aggregates";
import { memoByScan } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { COMPLETED_STATUSES } from "@/lib/queries/snapshot";
import { SEVERITIES } from "@/lib/queries/stored-records";

// The overview's posture trend: for each of the last completed scans up to the one shown, failing
// findings by severity and how many principals held cluster-admin. Chart-ready rows, oldest first.

export const TREND_SCANS = 20;

export type PosturePoint = {
  scanId: string;
  startedAt: string;
  failing: Record<Severity, number>;
  clusterAdmins: number;
};

// A point is a few numbers; the trend charts the latest scans, so many are kept.
const pointOf = memoByScan<PosturePoint>("posture-point", 2000);

async function computePoint(tenantId: string, scanId: bigint, startedAt: Date): Promise<PosturePoint> {
  const asOf = Prisma.sql`valid_from_scan <= ${scanId} AND (valid_to_scan IS NULL OR valid_to_scan > ${scanId})`;
  const [severities, admins] = await Promise.all([
    prisma().$queryRaw<{ severity: string; n: bigint }[]>(Prisma.sql`
      SELECT data->>'severity' AS severity, count(*) AS n FROM snapshot_records
      WHERE tenant_id = ${tenantId} AND kind = 'finding' AND ${asOf} AND data->>'status' = 'fail'
      GROUP BY 1`),
    // The overview card's definition (lib/queries/get-overview.ts): every holder, groups included.
    // worked out per group, not per member's derived row (expandedClusterPairsSql)
    queryTenantPairs<{ n: bigint }>(Prisma.sql`
      SELECT count(DISTINCT principal_id) AS n
      FROM ${expandedClusterPairsSql({ tenantId, scanId, kind: "access.grant", level: "cluster-admin" })} AS pairs`),
  ]);
  const failing = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const row of severities)
    if (row.severity in failing) failing[row.severity as Severity] = Number(row.n);
  return {
    scanId: scanId.toString(),
    startedAt: startedAt.toISOString(),
    failing,
    clusterAdmins: Number(admins[0]?.n ?? 0),
  };
}

export async function getPostureTrend(scope: ScanScope): Promise<PosturePoint[]> {
  const scans = await prisma().scan.findMany({
    where: { tenantId: scope.tenantId, status: { in: [...COMPLETED_STATUSES] }, id: { lte: scope.scanId } },
    orderBy: { id: "desc" },
    take: TREND_SCANS,
    select: { id: true, startedAt: true },
  });
  const points = await Promise.all(
    scans.map((scan) =>
      pointOf(`${scope.tenantId}:${scan.id}`, () =>
        keptAcrossRestarts("posture-point", { tenantId: scope.tenantId, scanId: scan.id }, () =>
          computePoint(scope.tenantId, scan.id, scan.startedAt),
        ),
      ),
    ),
  );
  return points.reverse();
}
