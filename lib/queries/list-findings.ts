import { z } from "zod";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { type Finding, findingSchema, severitySchema } from "@/lib/findings/types";
import { clusterIdFromSlug } from "@/lib/queries/cluster-slug";
import { FINDINGS_PAGE_SIZE, type FindingFilters } from "@/lib/queries/finding-filters";
import { memoByScan } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";
import { SEVERITY_RANK } from "@/lib/queries/stored-records";

// The findings list (/findings, GET /api/findings). A narrow index of every finding (rule, severity,
// status, cluster, frameworks) is read once per scan; filters, ordering (worst first) and paging run
// over it, and only the page's documents are read, by key.

const entrySchema = z.object({
  key: z.string(),
  ruleId: z.string(),
  title: z.string(),
  severity: severitySchema,
  status: z.enum(["fail", "pass", "not-assessed"]),
  clusterId: z.string(),
  clusterName: z.string(),
  frameworks: z.array(z.string()),
});
type FindingEntry = z.infer<typeof entrySchema>;

const STATUS_RANK = { fail: 0, "not-assessed": 1, pass: 2 } as const;

const indexOf = memoByScan<FindingEntry[]>("finding-index");

/** Every finding of a scan, sorted, without documents (once per scan). */

export function findingIndex(scope: ScanScope): Promise<FindingEntry[]> {
  return indexOf(`${scope.tenantId}:${scope.scanId}`, async () => {
    const rows = await prisma().$queryRaw<unknown[]>(Prisma.sql`
      SELECT natural_key AS key, data->>'ruleId' AS "ruleId", data->>'title' AS title,
             data->>'severity' AS severity, data->>'status' AS status, cluster_id AS "clusterId",
             data->'cluster'->>'name' AS "clusterName",
             coalesce((SELECT jsonb_agg(DISTINCT c->>'framework') FROM jsonb_array_elements(data->'controls') c),
                      '[]'::jsonb) AS frameworks
      FROM snapshot_records
      WHERE tenant_id = ${scope.tenantId} AND kind = 'finding' AND ${asOfCondition(scope.scanId)}`);
    return z
      .array(entrySchema)
      .parse(rows)
      .sort(
        (a, b) =>
          STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
          SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
          a.ruleId.localeCompare(b.ruleId) ||
          a.clusterName.localeCompare(b.clusterName) ||
          a.key.localeCompare(b.key),
      );
  });
}

export function matchesFilters(
  entry: FindingEntry,
  filters: Omit<FindingFilters, "page">,
  clusterId: string | null,
) {
  return (
    (filters.status === "all" || entry.status === filters.status) &&
    (filters.severity.length === 0 || filters.severity.includes(entry.severity)) &&
    (!filters.rule || entry.ruleId === filters.rule) &&
    (!filters.framework || entry.frameworks.includes(filters.framework)) &&
    (clusterId === null || entry.clusterId === clusterId)
  );
}

export async function listFindings(scope: ScanScope, filters: FindingFilters) {
  const index = await findingIndex(scope);
  const clusterId = filters.cluster ? (clusterIdFromSlug(filters.cluster) ?? filters.cluster) : null;
  const matching = index.filter((entry) => matchesFilters(entry, filters, clusterId));
  const offset = (filters.page - 1) * FINDINGS_PAGE_SIZE;
  const page = matching.slice(offset, offset + FINDINGS_PAGE_SIZE);
  const documents = page.length
    ? await prisma().$queryRaw<{ key: string; data: unknown }[]>(Prisma.sql`
        SELECT natural_key AS key, atlas_record_data(tenant_id, kind, data) AS data FROM snapshot_records
        WHERE tenant_id = ${scope.tenantId} AND kind = 'finding' AND ${asOfCondition(scope.scanId)}
          AND natural_key IN (${Prisma.join(page.map((entry) => entry.key))})`)
    : [];
  const byKey = new Map(documents.map((row) => [row.key, row.data]));
  const findings: Finding[] = page.map((entry) => findingSchema.parse(byKey.get(entry.key)));

  const rules = new Map<string, { ruleId: string; title: string; failing: number }>();
  const clusters = new Map<string, { id: string; name: string }>();
  for (const entry of index) {
    const rule = rules.get(entry.ruleId) ?? { ruleId: entry.ruleId, title: entry.title, failing: 0 };
    if (entry.status === "fail") rule.failing += 1;
    rules.set(entry.ruleId, rule);
    clusters.set(entry.clusterId, { id: entry.clusterId, name: entry.clusterName });
  }
  return {
    scanId: scope.scanId.toString(),
    total: matching.length,
    page: filters.page,
    pageSize: FINDINGS_PAGE_SIZE,
    findings,
    facets: {
      rules: [...rules.values()].sort((a, b) => a.ruleId.localeCompare(b.ruleId)),
      clusters: [...clusters.values()].sort(
        (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
      ),
    },
  };
}

export type FindingsListResponse = Awaited<ReturnType<typeof listFindings>>;
