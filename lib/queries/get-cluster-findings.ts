import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { type Finding, findingSchema } from "@/lib/findings/types";
import { withPathSteps } from "@/lib/queries/path-steps";
import { NotFoundError } from "@/lib/queries/query-errors";
import { memoByScanObject } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";
import { SEVERITY_RANK } from "@/lib/queries/stored-records";

const STATUS_RANK: Record<Finding["status"], number> = { fail: 0, "not-assessed": 1, pass: 2 };

export type ClusterFindingsResponse = {
  scanId: string;
  findings: readonly Finding[];
};

/**
 * The findings of the clusters read last, per scan (a completed scan's never change): hundreds of findings
 * with their evidence paths on a busy cluster (760 on bench/pages' widest, ~60 ms a read), the same on every
 * visit of the cluster page. Eight clusters: those findings are ~5 MB of objects.
 */
const clusterFindings = memoByScanObject<ClusterFindingsResponse>("cluster-findings", 8);

/** Every finding of one cluster (failing, not assessed and passing), worst first. */
export function getClusterFindings(scope: ScanScope, clusterId: string): Promise<ClusterFindingsResponse> {
  return clusterFindings(scope, clusterId, () => readClusterFindings(scope, clusterId));
}

async function readClusterFindings(scope: ScanScope, clusterId: string): Promise<ClusterFindingsResponse> {
  const stored = await prisma().$queryRaw<{ kind: string; data: unknown }[]>(Prisma.sql`
    SELECT kind, data FROM snapshot_records
    WHERE tenant_id = ${scope.tenantId} AND cluster_id = ${clusterId}
      AND kind IN ('cluster', 'finding') AND ${asOfCondition(scope.scanId)}`);
  const rows = await withPathSteps(scope.tenantId, stored);
  if (!rows.some((row) => row.kind === "cluster")) {
    throw new NotFoundError("cluster_not_found", `No cluster ${clusterId} in scan ${scope.scanId}.`);
  }
  const findings = rows.filter((row) => row.kind === "finding").map((row) => findingSchema.parse(row.data));
  findings.sort(
    (a, b) =>
      STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.evidence.summary.localeCompare(b.evidence.summary),
  );
  return { scanId: scope.scanId.toString(), findings };
}
