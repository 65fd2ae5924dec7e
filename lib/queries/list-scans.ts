import { z } from "zod";
import { prisma } from "@/lib/db/prisma";
import { coverageSchema } from "@/lib/model/tenant-model";

// Scan history (/scans): status, duration, coverage and error counts, newest first.

export const scanErrorSchema = z.object({
  source: z.string().optional(),
  code: z.string().optional(),
  message: z.string(),
});
export const scanErrorsSchema = z.array(scanErrorSchema).catch([]);

export function coverageSummary(raw: unknown) {
  const coverage = coverageSchema.catch({}).parse(raw);
  const entries = Object.values(coverage);
  return {
    sources: entries.length,
    complete: entries.filter((entry) => entry.status === "complete").length,
    partial: entries.filter((entry) => entry.status === "partial").length,
    notRead: entries.filter((entry) => entry.status === "not-read").length,
  };
}

export const SCANS_PAGE_SIZE = 50;

export async function listScans(options: { page?: number } = {}) {
  const page = Math.max(1, options.page ?? 1);
  const [scans, total] = await Promise.all([
    prisma().scan.findMany({
      orderBy: { id: "desc" },
      skip: (page - 1) * SCANS_PAGE_SIZE,
      take: SCANS_PAGE_SIZE,
      include: { tenant: { select: { displayName: true } } },
    }),
    prisma().scan.count(),
  ]);
  return {
    total,
    page,
    pageSize: SCANS_PAGE_SIZE,
    scans: scans.map((scan) => ({
      id: scan.id.toString(),
      tenant: { id: scan.tenantId, displayName: scan.tenant.displayName },
      status: scan.status,
      trigger: scan.trigger,
      phase: scan.phase,
      progress: { done: scan.progressDone, total: scan.progressTotal },
      startedAt: scan.startedAt.toISOString(),
      finishedAt: scan.finishedAt?.toISOString() ?? null,
      durationMs: scan.durationMs,
      coverage: coverageSummary(scan.coverage),
      errorCount: scanErrorsSchema.parse(scan.errors).length,
    })),
  };
}

export type ScansListResponse = Awaited<ReturnType<typeof listScans>>;
export type ScanListItem = ScansListResponse["scans"][number];
