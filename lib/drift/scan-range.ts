import type { Queryable } from "@/lib/db/queryable";
import { APP_ERROR_STATUS, AppError } from "@/lib/http/app-error";
import { coverageSchema } from "@/lib/model/tenant-model";

/** Bad input (400): scans of different tenants, `from` not before `to`, an ambiguous cluster name. */
export class DriftInputError extends AppError {
  override name = "DriftInputError";
  constructor(code: string, message: string) {
    super(code, APP_ERROR_STATUS.bad_request, message);
  }
}

/** Something named does not exist (404): a scan, a cluster, or no completed scan at all. */
export class DriftNotFoundError extends AppError {
  override name = "DriftNotFoundError";
  constructor(code: string, message: string) {
    super(code, APP_ERROR_STATUS.not_found, message);
  }
}

export type DriftScan = {
  id: bigint;
  tenantId: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  coverage: unknown;
};

export type DriftRange = { tenantId: string; from: DriftScan | null; to: DriftScan };

/** Only scans that committed their snapshot take part in drift; failed and running ones never wrote rows. */
const COMPLETED = `status IN ('succeeded', 'partial')`;

/** A scans row as drift reads it (SCAN_COLUMNS); the timeline reads these and more. */
export type ScanRow = {
  id: string;
  tenant_id: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  coverage: unknown;
};

export const SCAN_COLUMNS = "id::text AS id, tenant_id, status, started_at, finished_at, coverage";

/** The one mapping of a scans row to drift's scan (the range and the timeline alike). */
export function toScan(row: ScanRow): DriftScan {
  return {
    id: BigInt(row.id),
    tenantId: row.tenant_id,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    coverage: row.coverage,
  };
}

async function completedScan(db: Queryable, id: bigint): Promise<DriftScan | null> {
  const { rows } = await db.query<ScanRow>(
    `SELECT ${SCAN_COLUMNS} FROM scans WHERE id = $1::bigint AND ${COMPLETED}`,
    [id.toString()],
  );
  return rows[0] ? toScan(rows[0]) : null;
}

async function latestCompletedScan(db: Queryable, tenantId?: string): Promise<DriftScan | null> {
  const { rows } = tenantId
    ? await db.query<ScanRow>(
        `SELECT ${SCAN_COLUMNS} FROM scans WHERE tenant_id = $1 AND ${COMPLETED} ORDER BY id DESC LIMIT 1`,
        [tenantId],
      )
    : await db.query<ScanRow>(
        `SELECT ${SCAN_COLUMNS} FROM scans WHERE ${COMPLETED} ORDER BY id DESC LIMIT 1`,
      );
  return rows[0] ? toScan(rows[0]) : null;
}

/** The completed scan of the same tenant just before `scan`, or null for the first one kept. */
export async function previousCompletedScan(db: Queryable, scan: DriftScan): Promise<DriftScan | null> {
  const { rows } = await db.query<ScanRow>(
    `SELECT ${SCAN_COLUMNS} FROM scans WHERE tenant_id = $1 AND id < $2::bigint AND ${COMPLETED}
     ORDER BY id DESC LIMIT 1`,
    [scan.tenantId, scan.id.toString()],
  );
  return rows[0] ? toScan(rows[0]) : null;
}

/**
 * Which two scans to compare. `to` defaults to the latest completed scan (of `tenantId`, or of `from`'s
 * tenant), `from` to the completed scan just before `to`. Throws DriftNotFoundError for an unknown or
 * unfinished scan and DriftInputError for a pair that cannot be compared.
 */
export async function resolveDriftRange(
  db: Queryable,
  input: { tenantId?: string; from?: bigint; to?: bigint },
): Promise<DriftRange> {
  let from: DriftScan | null = null;
  if (input.from !== undefined) {
    from = await completedScan(db, input.from);
    if (!from)
      throw new DriftNotFoundError(
        "scan_not_found",
        `Scan ${input.from} does not exist or did not complete.`,
      );
  }
  let to: DriftScan | null;
  if (input.to !== undefined) {
    to = await completedScan(db, input.to);
    if (!to)
      throw new DriftNotFoundError("scan_not_found", `Scan ${input.to} does not exist or did not complete.`);
  } else {
    to = await latestCompletedScan(db, from?.tenantId ?? input.tenantId);
    if (!to)
      throw new DriftNotFoundError("no_scan", "No completed scan yet: start one with POST /api/scans.");
  }
  const tenantId = input.tenantId ?? to.tenantId;
  if (to.tenantId !== tenantId) {
    throw new DriftNotFoundError("scan_not_found", `Scan ${to.id} does not belong to tenant ${tenantId}.`);
  }
  if (from) {
    if (from.tenantId !== to.tenantId) {
      throw new DriftInputError(
        "different_tenants",
        `Scans ${from.id} and ${to.id} belong to different tenants; drift compares two scans of one tenant.`,
      );
    }
    if (from.id >= to.id) {
      throw new DriftInputError(
        "invalid_range",
        `from (${from.id}) must be an earlier scan than to (${to.id}).`,
      );
    }
  } else {
    from = await previousCompletedScan(db, to);
  }
  return { tenantId, from, to };
}

/** Sources a scan read completely: only their vanished rows were closed by the store. */
export function completeSourcesOf(scan: { coverage: unknown }): string[] {
  const parsed = coverageSchema.safeParse(scan.coverage);
  if (!parsed.success) return [];
  return Object.entries(parsed.data)
    .filter(([, entry]) => entry.status === "complete")
    .map(([source]) => source);
}
