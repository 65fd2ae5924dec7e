import { z } from "zod";
import type { Queryable } from "@/lib/db/queryable";
import { severitySchema } from "@/lib/findings/types";
import type { ClusterRef } from "./cluster-ref";
import { computeDrift, countEvents, emptyCounts } from "./compute-drift";
import { type DriftScan, SCAN_COLUMNS, type ScanRow, toScan } from "./scan-range";
import { type DriftCounts, driftCategorySchema, driftEventKindSchema } from "./types";

/**
 * Version of the drift rules (event kinds, severities). Stored with each summary; bump it when the rules
 * change so the timeline recounts instead of charting numbers the event list no longer agrees with.
 */
// 2: attack paths gained graded by the level they reach (2026-12-07); the summaries counted before it,
// whatever events they held then (eligible access, ownership and membership events came after 1), are recounted.
// 3: the access a group eligibility or an ownership gives folded into its event, and members' same change
// into their group's (2026-12-08).
export const DRIFT_RULES_VERSION = 3;

const countsSchema = z.object({
  total: z.number().int(),
  bySeverity: z.record(severitySchema, z.number().int()),
  byCategory: z.record(driftCategorySchema, z.number().int()),
  byKind: z.partialRecord(driftEventKindSchema, z.number().int()),
  suppressedStale: z.number().int(),
});

export type TimelinePoint = {
  scanId: string;
  /** the scan it is compared with; null for the first kept scan */
  fromScanId: string | null;
  status: string;
  trigger: string;
  startedAt: string;
  counts: DriftCounts;
};

/**
 * Drift counts of the tenant's last `limit` completed scans (oldest first), each against the completed
 * scan before it — for the whole tenant, or one cluster. Counts are read from drift_summaries; a scan
 * not counted yet is counted now (set-based drift of that one pair) and stored.
 */
export async function driftTimeline(
  db: Queryable,
  input: { tenantId: string; cluster?: ClusterRef | null; limit?: number },
): Promise<TimelinePoint[]> {
  const limit = Math.min(Math.max(input.limit ?? 30, 1), 200);
  const scope = input.cluster?.id ?? "";
  // One extra, older scan: the `from` of the oldest point shown.
  const { rows } = await db.query<ScanRow & { trigger: string }>(
    `SELECT ${SCAN_COLUMNS}, trigger FROM scans
     WHERE tenant_id = $1 AND status IN ('succeeded', 'partial')
     ORDER BY id DESC LIMIT $2`,
    [input.tenantId, limit + 1],
  );
  const scans = rows.reverse();
  if (scans.length === 0) return [];
  const shown = scans.length > limit ? scans.slice(1) : scans;
  const { rows: cached } = await db.query<{
    to_scan_id: string;
    from_scan_id: string | null;
    counts: unknown;
  }>(
    `SELECT to_scan_id::text, from_scan_id::text, counts FROM drift_summaries
     WHERE to_scan_id = ANY($1::bigint[]) AND scope = $2 AND version = $3`,
    [shown.map((s) => s.id), scope, DRIFT_RULES_VERSION],
  );
  const byScan = new Map(cached.map((row) => [row.to_scan_id, row]));

  const points: TimelinePoint[] = [];
  for (const scan of shown) {
    const index = scans.indexOf(scan);
    const previous = index > 0 ? scans[index - 1] : null;
    const fromScanId = previous?.id ?? null;
    const hit = byScan.get(scan.id);
    const parsed = hit && hit.from_scan_id === fromScanId ? countsSchema.safeParse(hit.counts) : null;
    const counts = parsed?.success
      ? (parsed.data as DriftCounts)
      : await countAndStore(db, {
          tenantId: input.tenantId,
          scope,
          cluster: input.cluster ?? null,
          from: previous ? toScan(previous) : null,
          to: toScan(scan),
        });
    points.push({
      scanId: scan.id,
      fromScanId,
      status: scan.status,
      trigger: scan.trigger,
      startedAt: scan.started_at.toISOString(),
      counts,
    });
  }
  return points;
}

/** Counts one scan's drift and stores the summary (last writer wins: both computed the same numbers). */
export async function countAndStore(
  db: Queryable,
  input: {
    tenantId: string;
    scope: string;
    cluster: ClusterRef | null;
    from: DriftScan | null;
    to: DriftScan;
  },
): Promise<DriftCounts> {
  let counts = emptyCounts();
  if (input.from) {
    const report = await computeDrift(
      db,
      { tenantId: input.tenantId, from: input.from, to: input.to },
      { cluster: input.cluster },
    );
    counts = countEvents(report.events, report.suppressedStale);
  }
  await storeSummary(db, {
    tenantId: input.tenantId,
    scope: input.scope,
    fromScanId: input.from?.id ?? null,
    toScanId: input.to.id,
    counts,
  });
  return counts;
}

/** Stores counts someone already computed (the notification job has the whole report at hand). */
export async function storeSummary(
  db: Queryable,
  input: {
    tenantId: string;
    scope: string;
    fromScanId: bigint | null;
    toScanId: bigint;
    counts: DriftCounts;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO drift_summaries (to_scan_id, scope, tenant_id, from_scan_id, version, counts)
     VALUES ($1::bigint, $2, $3, $4::bigint, $5, $6)
     ON CONFLICT (to_scan_id, scope) DO UPDATE SET from_scan_id = EXCLUDED.from_scan_id,
       version = EXCLUDED.version, counts = EXCLUDED.counts, computed_at = now()`,
    [
      input.toScanId.toString(),
      input.scope,
      input.tenantId,
      input.fromScanId?.toString() ?? null,
      DRIFT_RULES_VERSION,
      JSON.stringify(input.counts),
    ],
  );
}
