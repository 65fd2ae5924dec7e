import { z } from "zod";
import type { Queryable } from "@/lib/db/queryable";
import { badRequestError, notFoundError } from "@/lib/http/app-error";
import { safeUnknown } from "@/lib/http/safe-text";
import { webhookUrlProblem } from "@/lib/net/webhook-url-policy";
import { shownDeliveryError } from "@/lib/notify/delivery-error";
import type { JobsConfig } from "./config";
import {
  type EffectiveSettings,
  effectiveSettings,
  knownTenantIds,
  nextRuns,
  readTenantSettings,
  type TenantSettings,
  tenantSettingsInputSchema,
  writeTenantSettings,
} from "./tenant-settings";

// GET and PATCH /api/settings and the settings page: one tenant's stored settings, what applies once the
// environment fills the gaps, and the next scheduled runs. Webhook URLs carry their own credential (Slack
// and Teams put the secret in the path), so they are never sent back — only whether one is set and its host.

export const tenantIdSchema = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/, "must be a tenant GUID")
  .transform((id) => id.toLowerCase());

/** Fields present replace the stored value (null = inherit the environment); fields absent are kept. */
export const settingsPatchSchema = z.strictObject({
  tenantId: tenantIdSchema,
  // Validated by tenantSettingsInputSchema later; control characters are refused here, at the boundary.
  scanSchedule: safeUnknown().optional(),
  scanTimezone: safeUnknown().optional(),
  webhookUrl: safeUnknown().optional(),
  webhookFormat: safeUnknown().optional(),
  webhookMinSeverity: safeUnknown().optional(),
  retentionDays: safeUnknown().optional(),
});

function maskedWebhook(url: string | null): { set: boolean; host: string | null; off: boolean } {
  if (url === null) return { set: false, host: null, off: false };
  if (url === "off") return { set: false, host: null, off: true };
  return { set: true, host: new URL(url).host, off: false };
}

export type SettingsView = {
  tenantId: string;
  displayName: string | null;
  stored: Omit<TenantSettings, "webhookUrl"> & { webhookUrl: ReturnType<typeof maskedWebhook> };
  effective: Omit<EffectiveSettings, "webhookUrl"> & { webhookUrl: ReturnType<typeof maskedWebhook> };
  /** ISO times of the next scheduled scans (empty without a schedule) */
  nextRuns: string[];
  lastNotification: {
    scanId: string;
    status: string;
    events: number;
    lastError: string | null;
    at: string;
  } | null;
};

async function assertKnownTenant(
  db: Queryable,
  tenantId: string,
  registered: readonly string[],
): Promise<void> {
  const known = await knownTenantIds(db, registered);
  if (!known.includes(tenantId)) {
    throw notFoundError(
      "tenant_not_found",
      `Tenant ${tenantId} has never been scanned and has no scan source.`,
    );
  }
}

export async function getSettingsView(
  db: Queryable,
  input: { tenantId: string; config: JobsConfig; registered?: readonly string[] },
): Promise<SettingsView> {
  await assertKnownTenant(db, input.tenantId, input.registered ?? []);
  const stored = await readTenantSettings(db, input.tenantId);
  const effective = effectiveSettings(stored, input.config);
  const { rows: tenant } = await db.query<{ display_name: string }>(
    "SELECT display_name FROM tenants WHERE id = $1",
    [input.tenantId],
  );
  const { rows: notified } = await db.query<{
    scan_id: string;
    status: string;
    events: number;
    last_error: string | null;
    updated_at: Date;
  }>(
    `SELECT scan_id::text, status, events, last_error, updated_at FROM drift_notifications
     WHERE tenant_id = $1 ORDER BY scan_id DESC LIMIT 1`,
    [input.tenantId],
  );
  let runs: string[] = [];
  if (effective.scanSchedule) {
    try {
      runs = nextRuns(effective.scanSchedule, effective.scanTimezone, 3).map((d) => d.toISOString());
    } catch {
      runs = [];
    }
  }
  const last = notified[0];
  return {
    tenantId: input.tenantId,
    displayName: tenant[0]?.display_name ?? null,
    stored: { ...stored, webhookUrl: maskedWebhook(stored.webhookUrl) },
    effective: { ...effective, webhookUrl: maskedWebhook(effective.webhookUrl) },
    nextRuns: runs,
    lastNotification: last
      ? {
          scanId: last.scan_id,
          status: last.status,
          events: last.events,
          lastError: shownDeliveryError(last.last_error),
          at: last.updated_at.toISOString(),
        }
      : null,
  };
}

/** Merges a patch into the stored settings, validates the result as a whole, and stores it. */
export async function updateSettings(
  db: Queryable,
  input: { patch: z.infer<typeof settingsPatchSchema>; config: JobsConfig; registered?: readonly string[] },
): Promise<SettingsView> {
  const { tenantId, ...fields } = input.patch;
  await assertKnownTenant(db, tenantId, input.registered ?? []);
  const current = await readTenantSettings(db, tenantId);
  const merged = {
    ...current,
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
  };
  // An empty string from a form field means "inherit", like null.
  for (const [key, value] of Object.entries(merged)) {
    if (value === "") (merged as Record<string, unknown>)[key] = null;
  }
  const parsed = tenantSettingsInputSchema.safeParse(merged);
  if (!parsed.success) {
    throw badRequestError(
      "invalid_settings",
      parsed.error.issues.map((i) => `${i.path.join(".") || "settings"}: ${i.message}`).join("; "),
    );
  }
  // Only a URL this request sets is held to the egress rules here: one stored before them must not block
  // saving a schedule, and delivery refuses it anyway (lib/notify/deliver-webhook.ts).
  const webhookUrl = parsed.data.webhookUrl;
  if (fields.webhookUrl !== undefined && webhookUrl !== null && webhookUrl !== "off") {
    const problem = webhookUrlProblem(webhookUrl, input.config.ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS);
    if (problem) throw badRequestError("invalid_settings", `webhookUrl: ${problem}`);
  }
  await writeTenantSettings(db, tenantId, parsed.data);
  return getSettingsView(db, { tenantId, config: input.config, registered: input.registered });
}
