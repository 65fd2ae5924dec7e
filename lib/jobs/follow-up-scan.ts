import type { Queryable } from "@/lib/db/queryable";
import { computeDrift, countEvents } from "@/lib/drift/compute-drift";
import { DriftNotFoundError, resolveDriftRange } from "@/lib/drift/scan-range";
import { atLeast } from "@/lib/drift/severity";
import { storeSummary } from "@/lib/drift/timeline";
import type { JobsConfig } from "@/lib/jobs/config";
import { effectiveSettings, readTenantSettings } from "@/lib/jobs/tenant-settings";
import { type DeliverOptions, deliverWebhook, WebhookDeliveryError } from "@/lib/notify/deliver-webhook";
import { detectFormat, webhookPayload } from "@/lib/notify/webhook-payload";

export type FollowUpOutcome = {
  status: "delivered" | "skipped" | "failed";
  events: number;
  reason?: string;
};

async function record(
  db: Queryable,
  scanId: bigint,
  tenantId: string,
  status: "pending" | FollowUpOutcome["status"],
  events: number,
  error: string | null,
): Promise<void> {
  await db.query(
    `INSERT INTO drift_notifications (scan_id, tenant_id, status, events, attempts, last_error, updated_at)
     VALUES ($1::bigint, $2, $3, $4, 1, $5, now())
     ON CONFLICT (scan_id) DO UPDATE SET status = EXCLUDED.status, events = EXCLUDED.events,
       attempts = drift_notifications.attempts + 1, last_error = EXCLUDED.last_error, updated_at = now()`,
    [scanId.toString(), tenantId, status, events, error],
  );
}

/**
 * The follow-up of one completed scan, run as a queued job so it never holds up the scan: counts the scan's
 * drift against the scan before it (the timeline's summary), and — when the tenant has a webhook — posts the
 * events at or above the tenant's threshold. A delivery that may succeed later throws (the queue retries it
 * with backoff); `finalAttempt` marks the notification failed instead, for the record.
 */
export async function followUpScan(
  db: Queryable,
  input: { scanId: bigint; config: JobsConfig; finalAttempt?: boolean; deliver?: DeliverOptions },
): Promise<FollowUpOutcome> {
  let range: Awaited<ReturnType<typeof resolveDriftRange>>;
  try {
    range = await resolveDriftRange(db, { to: input.scanId });
  } catch (error) {
    // Pruned, or not a completed scan: nothing to follow up.
    if (error instanceof DriftNotFoundError) return { status: "skipped", events: 0, reason: error.message };
    throw error;
  }
  const report = await computeDrift(db, range);
  await storeSummary(db, {
    tenantId: range.tenantId,
    scope: "",
    fromScanId: range.from?.id ?? null,
    toScanId: range.to.id,
    counts: countEvents(report.events, report.suppressedStale),
  });

  const settings = effectiveSettings(await readTenantSettings(db, range.tenantId), input.config);
  const skip = async (reason: string): Promise<FollowUpOutcome> => {
    await record(db, input.scanId, range.tenantId, "skipped", 0, null);
    return { status: "skipped", events: 0, reason };
  };
  if (!range.from) return skip("first scan of the tenant: nothing to compare with");
  if (!settings.webhookUrl) return skip("no webhook configured");
  const events = report.events.filter((event) => atLeast(event.severity, settings.webhookMinSeverity));
  if (events.length === 0) return skip(`no drift event at or above ${settings.webhookMinSeverity}`);

  const { rows } = await db.query<{ display_name: string }>(
    "SELECT display_name FROM tenants WHERE id = $1",
    [range.tenantId],
  );
  const payload = webhookPayload(
    {
      tenant: { id: range.tenantId, name: rows[0]?.display_name ?? range.tenantId },
      from: range.from.id.toString(),
      to: range.to.id.toString(),
      events,
      minSeverity: settings.webhookMinSeverity,
      publicUrl: input.config.ATLAS_PUBLIC_URL,
    },
    detectFormat(settings.webhookUrl, settings.webhookFormat),
  );
  try {
    await deliverWebhook(settings.webhookUrl, payload, {
      allowHttpHosts: input.config.ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS,
      ...input.deliver,
    });
  } catch (error) {
    if (!(error instanceof WebhookDeliveryError)) throw error;
    const final = !error.retryable || input.finalAttempt === true;
    await record(db, input.scanId, range.tenantId, final ? "failed" : "pending", 0, error.message);
    if (final) return { status: "failed", events: 0, reason: error.message };
    throw error;
  }
  await record(db, input.scanId, range.tenantId, "delivered", events.length, null);
  return { status: "delivered", events: events.length };
}
