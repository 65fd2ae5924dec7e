import { type DbPool, withTransaction } from "@/lib/db/queryable";

export type PruneResult = {
  tenantId: string;
  scansDeleted: number;
  rowsDeleted: number;
  /** the oldest completed scan kept: drift and state are intact from it on */
  oldestKept: string | null;
};

/**
 * Deletes a tenant's scans that started more than `keepDays` ago, and the row versions no kept scan can
 * see: rows closed at or before the oldest kept completed scan K (valid_to_scan <= K). Every row visible
 * at K or later survives, so the state as of each kept scan and drift between any two kept scans are
 * exactly what they were. The latest completed scan is always kept, however old, and so is a running one.
 * One transaction: readers see the history before or after, never half of it.
 */
export async function pruneTenantHistory(
  pool: DbPool,
  input: { tenantId: string; keepDays: number; now?: Date },
): Promise<PruneResult> {
  const cutoff = new Date((input.now ?? new Date()).getTime() - input.keepDays * 86_400_000);
  return withTransaction(pool, async (client) => {
    const { rows: doomed } = await client.query<{ id: string }>(
      `SELECT id::text FROM scans s
       WHERE s.tenant_id = $1 AND s.started_at < $2 AND s.status <> 'running'
         AND s.id <> COALESCE((SELECT max(id) FROM scans
                               WHERE tenant_id = $1 AND status IN ('succeeded', 'partial')), -1)
       FOR UPDATE`,
      [input.tenantId, cutoff],
    );
    const ids = doomed.map((row) => row.id);
    const { rows: kept } = await client.query<{ oldest: string | null }>(
      `SELECT min(id)::text AS oldest FROM scans
       WHERE tenant_id = $1 AND status IN ('succeeded', 'partial') AND NOT (id = ANY($2::bigint[]))`,
      [input.tenantId, ids],
    );
    const oldestKept = kept[0]?.oldest ?? null;
    let rowsDeleted = 0;
    if (oldestKept !== null) {
      const deleted = await client.query(
        `DELETE FROM snapshot_records
         WHERE tenant_id = $1 AND valid_to_scan IS NOT NULL AND valid_to_scan <= $2::bigint`,
        [input.tenantId, oldestKept],
      );
      rowsDeleted = deleted.rowCount ?? 0;
    }
    // Summaries of deleted scans go, and the oldest kept scan's too: its predecessor is gone, so it is
    // a baseline now and the timeline recounts it as one.
    await client.query(
      `DELETE FROM drift_summaries
       WHERE tenant_id = $1 AND (to_scan_id = ANY($2::bigint[]) OR to_scan_id = $3::bigint)`,
      [input.tenantId, ids, oldestKept],
    );
    await client.query("DELETE FROM drift_notifications WHERE scan_id = ANY($1::bigint[])", [ids]);
    await client.query("DELETE FROM scan_aggregates WHERE scan_id = ANY($1::bigint[])", [ids]);
    const scans = await client.query("DELETE FROM scans WHERE id = ANY($1::bigint[])", [ids]);
    return { tenantId: input.tenantId, scansDeleted: scans.rowCount ?? 0, rowsDeleted, oldestKept };
  });
}
