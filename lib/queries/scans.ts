import { z } from "zod";
import { prisma } from "@/lib/db/prisma";
import { coverageSchema } from "@/lib/model/tenant-model";

// The one reader of scan rows: getScan and listScans, for the scans API, the scans pages and whoever
// else needs a scan. Each row's JSON columns are parsed (never cast): a column written by another version
// of the product reads as empty rather than as a wrong type.

export const scanErrorSchema = z.object({
  source: z.string().optional(),
  code: z.string().optional(),
  message: z.string(),
});
export const scanErrorsSchema = z.array(scanErrorSchema).catch([]);
const numbersSchema = z.record(z.string(), z.number()).catch({});
const scanCoverageSchema = coverageSchema.catch({});

type ScanRow = NonNullable<Awaited<ReturnType<ReturnType<typeof prisma>["scan"]["findUnique"]>>> & {
  tenant: { displayName: string };
};

function parseScan(row: ScanRow) {
  return {
    id: row.id,
    tenant: { id: row.tenantId, displayName: row.tenant.displayName },
    status: row.status,
    trigger: row.trigger,
    phase: row.phase,
    progress: { done: row.progressDone, total: row.progressTotal },
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: row.durationMs,
    counts: numbersSchema.parse(row.counts),
    coverage: scanCoverageSchema.parse(row.coverage),
    errors: scanErrorsSchema.parse(row.errors),
    apiCalls: numbersSchema.parse(row.apiCalls),
    rowsInserted: row.rowsInserted,
    rowsClosed: row.rowsClosed,
    productVersion: row.productVersion,
  };
}

/** One scan as stored, with its tenant's display name and its JSON columns parsed. */
export type Scan = ReturnType<typeof parseScan>;

const withTenant = { tenant: { select: { displayName: true } } } as const;

export async function getScan(id: bigint): Promise<Scan | null> {
  const row = await prisma().scan.findUnique({ where: { id }, include: withTenant });
  return row ? parseScan(row) : null;
}

/** Scans newest first: of one tenant or all, `limit` of them, before a scan id or after `skip` others. */
export async function listScans(query: {
  tenantId?: string;
  limit: number;
  before?: bigint;
  skip?: number;
}): Promise<Scan[]> {
  const rows = await prisma().scan.findMany({
    where: {
      ...(query.tenantId ? { tenantId: query.tenantId } : {}),
      ...(query.before ? { id: { lt: query.before } } : {}),
    },
    orderBy: { id: "desc" },
    skip: query.skip,
    take: query.limit,
    include: withTenant,
  });
  return rows.map(parseScan);
}

export function countScans(): Promise<number> {
  return prisma().scan.count();
}

/**
 * What every view of a scan opens with, JSON-ready (ids as strings, times as ISO): the API answer, the
 * scan history page and one scan's page all start from it, so they cannot drift apart in wording or type.
 */
export function scanHeadline(scan: Scan) {
  return {
    id: scan.id.toString(),
    status: scan.status,
    trigger: scan.trigger,
    phase: scan.phase,
    progress: scan.progress,
    startedAt: scan.startedAt.toISOString(),
    finishedAt: scan.finishedAt?.toISOString() ?? null,
    durationMs: scan.durationMs,
  };
}

/** The documented JSON of one scan in GET /api/scans and GET /api/scans/:id (a contract: add, never reshape). */
export function scanResponse(scan: Scan) {
  // Spelled out in the documented order: the headline, with tenantId after the id, then the rest.
  const { id, ...headline } = scanHeadline(scan);
  return {
    id,
    tenantId: scan.tenant.id,
    ...headline,
    counts: scan.counts,
    coverage: scan.coverage,
    errors: scan.errors,
    apiCalls: scan.apiCalls,
    rowsInserted: scan.rowsInserted,
    rowsClosed: scan.rowsClosed,
    productVersion: scan.productVersion,
  };
}

export type ScanResponse = ReturnType<typeof scanResponse>;

/** How many sources a scan read completely, partly or not at all. */
export function coverageSummary(coverage: Scan["coverage"]) {
  const entries = Object.values(coverage);
  return {
    sources: entries.length,
    complete: entries.filter((entry) => entry.status === "complete").length,
    partial: entries.filter((entry) => entry.status === "partial").length,
    notRead: entries.filter((entry) => entry.status === "not-read").length,
  };
}
