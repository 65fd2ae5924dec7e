import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import type { DbConnection } from "@/lib/db/queryable";
import { modelFromRecords } from "@/lib/model/records";
import type { Coverage, TenantModel } from "@/lib/model/tenant-model";
import { withPathSteps } from "@/lib/queries/path-steps";

/**
 * Reads of the versioned snapshot: a row is part of scan N's state when
 * valid_from_scan <= N < coalesce(valid_to_scan, ∞). Rows of a source that scan N could not read
 * completely are carried forward and reported stale.
 */

export const COMPLETED_STATUSES = ["succeeded", "partial"] as const;

export async function latestCompletedScan(tenantId?: string) {
  return prisma().scan.findFirst({
    where: { status: { in: [...COMPLETED_STATUSES] }, ...(tenantId ? { tenantId } : {}) },
    orderBy: { id: "desc" },
  });
}

export type CompletedScan = NonNullable<Awaited<ReturnType<typeof latestCompletedScan>>>;

export async function completedScan(scanId: bigint) {
  return prisma().scan.findFirst({ where: { id: scanId, status: { in: [...COMPLETED_STATUSES] } } });
}

/** Rows current as of a scan: valid from it or before, not yet closed by it; `alias` qualifies the columns. */
export function asOfCondition(scanId: bigint, alias?: string): Prisma.Sql {
  const t = alias ? Prisma.raw(`${alias}.`) : Prisma.empty;
  return Prisma.sql`${t}valid_from_scan <= ${scanId} AND (${t}valid_to_scan IS NULL OR ${t}valid_to_scan > ${scanId})`;
}

export interface StoredRecord {
  kind: string;
  naturalKey: string;
  source: string;
  clusterId: string | null;
  data: unknown;
  validFromScan: bigint;
}

export async function recordsAsOf(query: {
  tenantId: string;
  scanId: bigint;
  kinds?: readonly string[];
  clusterId?: string;
}): Promise<StoredRecord[]> {
  const kinds = query.kinds?.length ? Prisma.sql`AND kind IN (${Prisma.join(query.kinds)})` : Prisma.empty;
  const cluster = query.clusterId ? Prisma.sql`AND cluster_id = ${query.clusterId}` : Prisma.empty;
  const stored = await prisma().$queryRaw<StoredRecord[]>(Prisma.sql`
    SELECT kind, natural_key AS "naturalKey", source, cluster_id AS "clusterId", data, valid_from_scan AS "validFromScan"
    FROM snapshot_records
    WHERE tenant_id = ${query.tenantId} AND ${asOfCondition(query.scanId)} ${kinds} ${cluster}
    ORDER BY kind, natural_key`);
  return withPathSteps(query.tenantId, stored);
}

/** The whole inventory model of a tenant as of a scan (for analysis and exports, not for page reads). */
export async function modelAsOf(tenantId: string, scanId: bigint, coverage: Coverage): Promise<TenantModel> {
  const records = await recordsAsOf({ tenantId, scanId });
  return modelFromRecords(tenantId, records, coverage);
}

/**
 * The same read on a plain pg client, inside the scan's own transaction (before it is visible to anyone).
 * Ordered like modelAsOf: the model's arrays, and so the order of every finding's evidence, must not depend
 * on where rows sit in the table — a parallel scan of a large table returns them in a different order each
 * time, and an unchanged tenant would rewrite its findings.
 */
export async function modelAsOfInTransaction(
  client: DbConnection,
  tenantId: string,
  scanId: bigint,
  coverage: Coverage,
): Promise<TenantModel> {
  const { rows } = await client.query<{ kind: string; data: unknown; clusterId: string | null }>(
    `SELECT kind, data, cluster_id AS "clusterId" FROM snapshot_records
     WHERE tenant_id = $1 AND valid_from_scan <= $2 AND (valid_to_scan IS NULL OR valid_to_scan > $2)
       AND NOT (kind LIKE 'access.%' OR kind = 'finding')
     ORDER BY kind, natural_key`,
    [tenantId, scanId.toString()],
  );
  return modelFromRecords(tenantId, rows, coverage);
}
