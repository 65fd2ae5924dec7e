import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { type Finding, findingSchema } from "@/lib/findings/types";
import { clusterIdFromSlug } from "@/lib/queries/cluster-slug";
import { FINDINGS_PAGE_SIZE, type FindingFilters } from "@/lib/queries/finding-filters";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";

// The findings list (/findings, GET /api/findings): filtered and paged in SQL, so a 500-cluster
// tenant's thousands of findings never travel to the page at once. Sorted worst first.

const severityOrder = Prisma.sql`CASE data->>'severity' WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`;
const statusOrder = Prisma.sql`CASE data->>'status' WHEN 'fail' THEN 0 WHEN 'not-assessed' THEN 1 ELSE 2 END`;

export function findingConditions(scope: ScanScope, filters: Omit<FindingFilters, "page">): Prisma.Sql {
  const conditions: Prisma.Sql[] = [
    Prisma.sql`tenant_id = ${scope.tenantId}`,
    Prisma.sql`kind = 'finding'`,
    asOfCondition(scope.scanId),
  ];
  if (filters.status !== "all") conditions.push(Prisma.sql`data->>'status' = ${filters.status}`);
  if (filters.severity.length > 0)
    conditions.push(Prisma.sql`data->>'severity' IN (${Prisma.join(filters.severity)})`);
  if (filters.rule) conditions.push(Prisma.sql`data->>'ruleId' = ${filters.rule}`);
  if (filters.framework) {
    conditions.push(
      Prisma.sql`data->'controls' @> ${JSON.stringify([{ framework: filters.framework }])}::jsonb`,
    );
  }
  if (filters.cluster) {
    conditions.push(Prisma.sql`cluster_id = ${clusterIdFromSlug(filters.cluster) ?? filters.cluster}`);
  }
  return Prisma.join(conditions, " AND ");
}

export async function listFindings(scope: ScanScope, filters: FindingFilters) {
  const where = findingConditions(scope, filters);
  const offset = (filters.page - 1) * FINDINGS_PAGE_SIZE;
  const [rows, facets] = await Promise.all([
    prisma().$queryRaw<{ data: unknown; total: bigint }[]>(Prisma.sql`
      SELECT data, count(*) OVER () AS total FROM snapshot_records WHERE ${where}
      ORDER BY ${statusOrder}, ${severityOrder}, data->>'ruleId', data->'cluster'->>'name', natural_key
      LIMIT ${FINDINGS_PAGE_SIZE} OFFSET ${offset}`),
    listFindingFacets(scope),
  ]);
  const findings: Finding[] = rows.map((row) => findingSchema.parse(row.data));
  return {
    scanId: scope.scanId.toString(),
    total: rows.length > 0 ? Number(rows[0].total) : 0,
    page: filters.page,
    pageSize: FINDINGS_PAGE_SIZE,
    findings,
    facets,
  };
}

/** What the filters can choose from: every rule with its failing count, every cluster with findings. */
async function listFindingFacets(scope: ScanScope) {
  const [rules, clusters] = await Promise.all([
    prisma().$queryRaw<{ ruleId: string; title: string; failing: bigint }[]>(Prisma.sql`
      SELECT data->>'ruleId' AS "ruleId", min(data->>'title') AS title,
             count(*) FILTER (WHERE data->>'status' = 'fail') AS failing
      FROM snapshot_records
      WHERE tenant_id = ${scope.tenantId} AND kind = 'finding' AND ${asOfCondition(scope.scanId)}
      GROUP BY 1 ORDER BY 1`),
    prisma().$queryRaw<{ id: string; name: string }[]>(Prisma.sql`
      SELECT natural_key AS id, data->>'name' AS name FROM snapshot_records
      WHERE tenant_id = ${scope.tenantId} AND kind = 'cluster' AND ${asOfCondition(scope.scanId)}
      ORDER BY 2, 1`),
  ]);
  return {
    rules: rules.map((rule) => ({ ruleId: rule.ruleId, title: rule.title, failing: Number(rule.failing) })),
    clusters,
  };
}

export type FindingsListResponse = Awaited<ReturnType<typeof listFindings>>;
