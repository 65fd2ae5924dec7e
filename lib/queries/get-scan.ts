import { z } from "zod";
import { prisma } from "@/lib/db/prisma";
import { coverageSchema } from "@/lib/model/tenant-model";
import { coverageSummary, scanErrorsSchema } from "@/lib/queries/list-scans";
import { NotFoundError } from "@/lib/queries/query-errors";
import { scanParamSchema } from "@/lib/queries/scan-scope";

// One scan (/scans/[id]): status, phase and progress, per-source coverage, errors, API calls and
// what the store wrote.

export async function getScan(rawId: string) {
  const parsed = scanParamSchema.safeParse(rawId);
  if (!parsed.success) throw new NotFoundError("scan_not_found", `No scan ${rawId}.`);
  const scan = await prisma().scan.findUnique({
    where: { id: parsed.data },
    include: { tenant: { select: { displayName: true } } },
  });
  if (!scan) throw new NotFoundError("scan_not_found", `No scan ${rawId}.`);
  const coverage = coverageSchema.catch({}).parse(scan.coverage);
  return {
    id: scan.id.toString(),
    tenant: { id: scan.tenantId, displayName: scan.tenant.displayName },
    status: scan.status,
    trigger: scan.trigger,
    phase: scan.phase,
    progress: { done: scan.progressDone, total: scan.progressTotal },
    startedAt: scan.startedAt.toISOString(),
    finishedAt: scan.finishedAt?.toISOString() ?? null,
    durationMs: scan.durationMs,
    coverage: Object.entries(coverage)
      .map(([source, entry]) => ({ source, status: entry.status, reason: entry.reason ?? null }))
      .sort((a, b) => a.status.localeCompare(b.status) || a.source.localeCompare(b.source)),
    coverageSummary: coverageSummary(scan.coverage),
    errors: scanErrorsSchema.parse(scan.errors),
    counts: z.record(z.string(), z.number()).catch({}).parse(scan.counts),
    apiCalls: z.record(z.string(), z.number()).catch({}).parse(scan.apiCalls),
    rowsInserted: scan.rowsInserted,
    rowsClosed: scan.rowsClosed,
    productVersion: scan.productVersion,
  };
}

export type ScanResponse = Awaited<ReturnType<typeof getScan>>;
