import type { PgBoss } from "pg-boss";
import { type DbPool, withTransaction } from "@/lib/db/queryable";
import { NOTIFY_QUEUE, NOTIFY_RETRY, type NotifyJobData } from "./queues";

/**
 * Queues the follow-up (drift summary, webhook) of every scan that completed in the last day and has none
 * yet. Claiming a scan is an INSERT … ON CONFLICT DO NOTHING RETURNING into drift_notifications, and its job
 * is sent in the same transaction: however many workers and sweeps notice the same scan, exactly one
 * follow-up is queued, and a crash in between leaves neither the claim nor the job.
 */
export async function enqueueFollowUps(
  pool: DbPool,
  boss: PgBoss,
  options: { tenantId?: string } = {},
): Promise<number> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ scan_id: string; tenant_id: string }>(
      `INSERT INTO drift_notifications (scan_id, tenant_id, status)
       SELECT s.id, s.tenant_id, 'pending' FROM scans s
       WHERE s.status IN ('succeeded', 'partial') AND s.finished_at > now() - interval '1 day'
         AND ($1::text IS NULL OR s.tenant_id = $1)
       ON CONFLICT (scan_id) DO NOTHING
       RETURNING scan_id::text, tenant_id`,
      [options.tenantId ?? null],
    );
    // One connection runs one statement at a time: pg-boss's statements are queued behind each other.
    let queue: Promise<unknown> = Promise.resolve();
    const db = {
      executeSql: (text: string, values?: unknown[]) => {
        const run = queue.then(() => client.query(text, values));
        queue = run.catch(() => {});
        return run;
      },
    };
    for (const row of rows) {
      const data: NotifyJobData = { scanId: row.scan_id, tenantId: row.tenant_id };
      await boss.send(NOTIFY_QUEUE, data, { ...NOTIFY_RETRY, db });
    }
    return rows.length;
  });
}
