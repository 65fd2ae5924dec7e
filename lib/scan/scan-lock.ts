import type { DbPoolClient } from "@/lib/db/queryable";
import { APP_ERROR_STATUS, AppError } from "@/lib/http/app-error";

export class ScanAlreadyRunningError extends AppError {
  override name = "ScanAlreadyRunningError";
  constructor(readonly tenantId: string) {
    super("scan_running", APP_ERROR_STATUS.conflict, `A scan of tenant ${tenantId} is already running.`);
  }
}

/**
 * One scan per tenant at a time, across processes and machines: a session-level advisory lock held on a
 * dedicated connection for the whole scan. A crash (even kill -9) drops the connection and so the lock.
 */
export async function acquireScanLock(client: DbPoolClient, tenantId: string): Promise<() => Promise<void>> {
  const { rows } = await client.query<{ ok: boolean }>(
    "SELECT pg_try_advisory_lock(hashtext('atlas-scan'), hashtext($1)) AS ok",
    [tenantId],
  );
  if (!rows[0]?.ok) throw new ScanAlreadyRunningError(tenantId);
  return async () => {
    await client.query("SELECT pg_advisory_unlock(hashtext('atlas-scan'), hashtext($1))", [tenantId]);
  };
}
