// The pg-boss queues of the product and how their jobs behave. pg-boss keeps them in its own schema
// ("pgboss") of the product's database: Postgres is the only coordinator.

/** One job = one scan of one tenant. */
export const SCAN_QUEUE = "atlas-scan";
/** One job = the follow-up of one completed scan: drift counted, webhook delivered. */
export const NOTIFY_QUEUE = "atlas-notify";
/** Daily: delete history older than each tenant's retention. */
export const RETENTION_QUEUE = "atlas-retention";
/** Every minute: notice scans that finished outside the queue (API, CLI, startup) and follow them up. */
export const SWEEP_QUEUE = "atlas-sweep";

export type ScanJobData = { tenantId: string; trigger: "schedule" | "cron" };
export type NotifyJobData = { scanId: string; tenantId: string };

/** A scan may run for hours on a large tenant; pg-boss must not hand it to a second worker meanwhile. */
export const SCAN_JOB_EXPIRE_SECONDS = 6 * 60 * 60;

/** Backoff of webhook deliveries: about 10 s, 20 s, 40 s … capped at 10 minutes, 8 attempts in all. */
export const NOTIFY_RETRY = {
  retryLimit: 7,
  retryDelay: 10,
  retryBackoff: true,
  retryDelayMax: 600,
} as const;

export const RETENTION_CRON = "17 3 * * *";
export const SWEEP_CRON = "* * * * *";

/** The singleton key of a tenant's scans: with the "stately" policy, one queued and one running at most. */
export function scanSingletonKey(tenantId: string): string {
  return `scan:${tenantId}`;
}
