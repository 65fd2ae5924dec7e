import { pool } from "@/lib/db/pool";
import { APP_ERROR_STATUS, AppError } from "@/lib/http/app-error";
import { runScan, type ScanOutcome } from "./run-scan";
import type { ScanTrigger } from "./scan-types";
import { tenantSource } from "./tenant-sources";

export class NoTenantSourceError extends AppError {
  override name = "NoTenantSourceError";
  constructor(message: string) {
    super("no_tenant", APP_ERROR_STATUS.not_found, message);
  }
}

/**
 * Starts a scan in the background and resolves as soon as its scan row exists (so the API can answer 202
 * with the id), or rejects at once with ScanAlreadyRunningError (409) or NoTenantSourceError (404).
 */
export function startScan(input: { tenantId?: string; trigger: ScanTrigger }): Promise<{
  scanId: bigint;
  tenantId: string;
  done: Promise<ScanOutcome>;
}> {
  const source = tenantSource(input.tenantId);
  if (!source) {
    return Promise.reject(
      new NoTenantSourceError(
        input.tenantId
          ? `No scan source is configured for tenant ${input.tenantId}.`
          : "No tenant is configured to scan (set Azure credentials, or run in demo mode).",
      ),
    );
  }
  return new Promise((resolve, reject) => {
    let started = false;
    const done = runScan({
      pool: pool(),
      tenant: source.tenant,
      trigger: input.trigger,
      collect: source.collect,
      onStarted: (scanId) => {
        started = true;
        resolve({ scanId, tenantId: source.tenant.id, done });
      },
    });
    done.catch((error: unknown) => {
      if (!started) reject(error);
      else console.error(`[atlas] scan of ${source.tenant.id} failed:`, error);
    });
  });
}
