import { countScans, coverageSummary, listScans } from "@/lib/queries/scans";

// Scan history (/scans): status, duration, coverage and error counts, newest first.

export const SCANS_PAGE_SIZE = 50;

export async function getScansPage(options: { page?: number } = {}) {
  const page = Math.max(1, options.page ?? 1);
  const [scans, total] = await Promise.all([
    listScans({ limit: SCANS_PAGE_SIZE, skip: (page - 1) * SCANS_PAGE_SIZE }),
    countScans(),
  ]);
  return {
    total,
    page,
    pageSize: SCANS_PAGE_SIZE,
    scans: scans.map((scan) => ({
      id: scan.id.toString(),
      tenant: scan.tenant,
      status: scan.status,
      trigger: scan.trigger,
      phase: scan.phase,
      progress: scan.progress,
      startedAt: scan.startedAt.toISOString(),
      finishedAt: scan.finishedAt?.toISOString() ?? null,
      durationMs: scan.durationMs,
      coverage: coverageSummary(scan.coverage),
      errorCount: scan.errors.length,
    })),
  };
}

export type ScansListResponse = Awaited<ReturnType<typeof getScansPage>>;
export type ScanListItem = ScansListResponse["scans"][number];
