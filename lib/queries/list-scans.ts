import { countScans, coverageSummary, listScans, scanHeadline } from "@/lib/queries/scans";

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
    // A row of the history: the scan's headline (as the API and the scan's page have it), its tenant,
    // and its coverage and errors counted rather than listed.
    scans: scans.map((scan) => ({
      ...scanHeadline(scan),
      tenant: scan.tenant,
      coverage: coverageSummary(scan.coverage),
      errorCount: scan.errors.length,
    })),
  };
}

export type ScansListResponse = Awaited<ReturnType<typeof getScansPage>>;
export type ScanListItem = ScansListResponse["scans"][number];
