import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { findingSubject } from "@/lib/findings/records";
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

/** Which of a cluster's findings: one rule's, or the one finding of a rule about a subject. */
export type ClusterFindingsFilter = {
  ruleId?: string;
  /** what the finding is about: its first evidence object's id, or "cluster" (lib/findings/records.ts) */
  subject?: string;
};

/**
 * Every finding of one cluster (failing, not assessed and passing), worst first; narrowed by `filter` (the
 * cluster page loads one finding's evidence and remediation when its card is opened).
 */
export async function getClusterFindings(
  scope: ScanScope,
  clusterId: string,
  filter: ClusterFindingsFilter = {},
): Promise<ClusterFindingsResponse> {
  const all = await clusterFindings(scope, clusterId, () => readClusterFindings(scope, clusterId));
  if (filter.ruleId === undefined && filter.subject === undefined) return all;
  return {
    scanId: all.scanId,
    findings: all.findings.filter(
      (finding) =>
        (filter.ruleId === undefined || finding.ruleId === filter.ruleId) &&
        (filter.subject === undefined || findingSubject(finding) === filter.subject),
    ),
  };
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
