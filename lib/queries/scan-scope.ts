import { z } from "zod";
import { InvalidInputError, NotFoundError } from "@/lib/queries/query-errors";
import { completedScan, latestCompletedScan } from "@/lib/queries/snapshot";

/** `?scan=<id>`: a positive integer (scan ids are bigints). */
export const scanParamSchema = z
  .string()
  .trim()
  .regex(/^[1-9]\d{0,17}$/, "scan must be a positive integer scan id")
  .transform((value) => BigInt(value));

/** Which state every read shows: one tenant as of one completed scan. */
export type ScanScope = {
  tenantId: string;
  scanId: bigint;
  scan: {
    id: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    coverage: unknown;
  };
};

/**
 * The latest completed scan (of `tenantId` when given), or the scan named by `scanParam`.
 * Returns null when nothing has been scanned yet (pages show their empty state); throws
 * InvalidInputError for a malformed id and NotFoundError for an unknown or unfinished scan.
 */
export async function resolveScanScope(
  scanParam?: string | null,
  tenantId?: string,
): Promise<ScanScope | null> {
  if (scanParam !== undefined && scanParam !== null && scanParam !== "") {
    const parsed = scanParamSchema.safeParse(scanParam);
    if (!parsed.success) throw new InvalidInputError(`scan: ${parsed.error.issues[0]?.message}`);
    const scan = await completedScan(parsed.data);
    if (!scan || (tenantId && scan.tenantId !== tenantId)) {
      throw new NotFoundError("scan_not_found", `No completed scan ${parsed.data}.`);
    }
    return toScope(scan);
  }
  const scan = await latestCompletedScan(tenantId);
  return scan ? toScope(scan) : null;
}

/** Like resolveScanScope, for JSON reads that need data: no completed scan is a 404. */
export async function requireScanScope(scanParam?: string | null): Promise<ScanScope> {
  const scope = await resolveScanScope(scanParam);
  if (!scope) throw new NotFoundError("no_scan", "No completed scan yet: start one with POST /api/scans.");
  return scope;
}

function toScope(scan: {
  id: bigint;
  tenantId: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  coverage: unknown;
}): ScanScope {
  return {
    tenantId: scan.tenantId,
    scanId: scan.id,
    scan: {
      id: scan.id.toString(),
      status: scan.status,
      startedAt: scan.startedAt.toISOString(),
      finishedAt: scan.finishedAt?.toISOString() ?? null,
      coverage: scan.coverage,
    },
  };
}
