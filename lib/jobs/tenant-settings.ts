import { PgBoss } from "pg-boss";
import { z } from "zod";
import { decryptSecret, encryptSecret, isEncryptedSecret } from "@/lib/auth/secret-box";
import type { Queryable } from "@/lib/db/queryable";
import { type Severity, severitySchema } from "@/lib/findings/types";
import { type WebhookFormat, webhookFormatSchema } from "@/lib/notify/webhook-format";
import { cronExpressionSchema, type JobsConfig, webhookUrlSchema } from "./config";

// Per-tenant settings of scheduled scans, notifications and retention. A null field inherits the
// environment (lib/jobs/config.ts); "off" switches a schedule or a webhook off for this tenant only.

// A PgBoss that is never started: previewSchedule() evaluates an expression in process, the same way the
// scheduler will, so the settings page refuses exactly what the scheduler could not run.
let previewer: PgBoss | null = null;
function preview(): PgBoss {
  previewer ??= new PgBoss({ connectionString: "postgres://preview-only@127.0.0.1:1/none" });
  return previewer;
}

/** The next runs of a schedule; throws with the scheduler's own message for an expression it cannot run. */
export function nextRuns(cron: string, timezone: string, count = 3): Date[] {
  return preview().previewSchedule(cron, { tz: timezone, count });
}

const timezoneSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "must be an IANA time zone such as UTC or Europe/Amsterdam");

export const tenantSettingsInputSchema = z
  .strictObject({
    scanSchedule: z
      .union([z.literal("off"), cronExpressionSchema])
      .nullable()
      .default(null),
    scanTimezone: timezoneSchema.nullable().default(null),
    webhookUrl: z
      .union([z.literal("off"), webhookUrlSchema])
      .nullable()
      .default(null),
    webhookFormat: webhookFormatSchema.nullable().default(null),
    webhookMinSeverity: severitySchema.nullable().default(null),
    retentionDays: z.number().int().min(0).max(36_500).nullable().default(null),
  })
  .superRefine((settings, ctx) => {
    if (!settings.scanSchedule || settings.scanSchedule === "off") return;
    try {
      nextRuns(settings.scanSchedule, settings.scanTimezone ?? "UTC", 1);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        path: ["scanSchedule"],
        message: `is not a schedule the scheduler can run: ${(error as Error).message}`,
      });
    }
  });
export type TenantSettingsInput = z.input<typeof tenantSettingsInputSchema>;
export type TenantSettings = z.output<typeof tenantSettingsInputSchema>;

export const NO_SETTINGS: TenantSettings = {
  scanSchedule: null,
  scanTimezone: null,
  webhookUrl: null,
  webhookFormat: null,
  webhookMinSeverity: null,
  retentionDays: null,
};

type Origin = "settings" | "environment" | "default";

/** What applies to a tenant once its settings and the environment are combined, and where each came from. */
export type EffectiveSettings = {
  scanSchedule: string | null;
  scanTimezone: string;
  webhookUrl: string | null;
  webhookFormat: WebhookFormat;
  webhookMinSeverity: Severity;
  /** null keeps history forever */
  retentionDays: number | null;
  origin: Record<"scanSchedule" | "webhookUrl" | "webhookMinSeverity" | "retentionDays", Origin>;
};

export function effectiveSettings(
  settings: TenantSettings,
  config: JobsConfig,
  env: Record<string, string | undefined> = process.env,
): EffectiveSettings {
  const envSchedule =
    config.ATLAS_SCAN_SCHEDULE && config.ATLAS_SCAN_SCHEDULE !== "off" ? config.ATLAS_SCAN_SCHEDULE : null;
  const schedule =
    settings.scanSchedule === null
      ? envSchedule
      : settings.scanSchedule === "off"
        ? null
        : settings.scanSchedule;
  const webhook =
    settings.webhookUrl === null
      ? (config.ATLAS_WEBHOOK_URL ?? null)
      : settings.webhookUrl === "off"
        ? null
        : settings.webhookUrl;
  const retention = settings.retentionDays ?? config.ATLAS_RETENTION_DAYS;
  const origin = (own: unknown, variable: keyof JobsConfig): Origin =>
    own !== null ? "settings" : env[variable]?.trim() ? "environment" : "default";
  return {
    scanSchedule: schedule,
    scanTimezone: settings.scanTimezone ?? config.ATLAS_SCAN_TIMEZONE,
    webhookUrl: webhook,
    webhookFormat: settings.webhookFormat ?? config.ATLAS_WEBHOOK_FORMAT,
    webhookMinSeverity: settings.webhookMinSeverity ?? config.ATLAS_WEBHOOK_MIN_SEVERITY,
    retentionDays: retention === 0 ? null : retention,
    origin: {
      scanSchedule: origin(settings.scanSchedule, "ATLAS_SCAN_SCHEDULE"),
      webhookUrl: origin(settings.webhookUrl, "ATLAS_WEBHOOK_URL"),
      webhookMinSeverity: origin(settings.webhookMinSeverity, "ATLAS_WEBHOOK_MIN_SEVERITY"),
      retentionDays: origin(settings.retentionDays, "ATLAS_RETENTION_DAYS"),
    },
  };
}

type Row = {
  tenant_id: string;
  scan_schedule: string | null;
  scan_timezone: string | null;
  webhook_url: string | null;
  webhook_format: string | null;
  webhook_min_severity: string | null;
  retention_days: number | null;
  updated_at: Date;
};

// A webhook URL carries its own credential, so it is stored encrypted (lib/auth/secret-box); the word
// "off" is not a secret and stays readable.
const WEBHOOK_CONTEXT = "webhook-url";

function sealWebhookUrl(url: string | null): string | null {
  return url && url !== "off" ? encryptSecret(url, WEBHOOK_CONTEXT) : url;
}

function openWebhookUrl(stored: string | null): string | null {
  if (!stored || !isEncryptedSecret(stored)) return stored;
  try {
    return decryptSecret(stored, WEBHOOK_CONTEXT);
  } catch (error) {
    // A key that is gone makes the URL unreadable; the setting then inherits the environment.
    console.error(`[atlas] stored webhook URL cannot be decrypted: ${(error as Error).message}`);
    return null;
  }
}

/** Stored settings are trusted only after parsing: a bad row reads as "inherit everything". */
function fromRow(row: Row | undefined): TenantSettings {
  if (!row) return NO_SETTINGS;
  const parsed = tenantSettingsInputSchema.safeParse({
    scanSchedule: row.scan_schedule,
    scanTimezone: row.scan_timezone,
    webhookUrl: openWebhookUrl(row.webhook_url),
    webhookFormat: row.webhook_format,
    webhookMinSeverity: row.webhook_min_severity,
    retentionDays: row.retention_days,
  });
  return parsed.success ? parsed.data : NO_SETTINGS;
}

export async function readTenantSettings(db: Queryable, tenantId: string): Promise<TenantSettings> {
  const { rows } = await db.query<Row>("SELECT * FROM tenant_settings WHERE tenant_id = $1", [tenantId]);
  return fromRow(rows[0]);
}

export async function readAllTenantSettings(db: Queryable): Promise<Map<string, TenantSettings>> {
  const { rows } = await db.query<Row>("SELECT * FROM tenant_settings");
  return new Map(rows.map((row) => [row.tenant_id, fromRow(row)]));
}

export async function writeTenantSettings(
  db: Queryable,
  tenantId: string,
  settings: TenantSettings,
): Promise<void> {
  await db.query(
    `INSERT INTO tenant_settings (tenant_id, scan_schedule, scan_timezone, webhook_url, webhook_format,
       webhook_min_severity, retention_days, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (tenant_id) DO UPDATE SET scan_schedule = EXCLUDED.scan_schedule,
       scan_timezone = EXCLUDED.scan_timezone, webhook_url = EXCLUDED.webhook_url,
       webhook_format = EXCLUDED.webhook_format, webhook_min_severity = EXCLUDED.webhook_min_severity,
       retention_days = EXCLUDED.retention_days, updated_at = now()`,
    [
      tenantId,
      settings.scanSchedule,
      settings.scanTimezone,
      sealWebhookUrl(settings.webhookUrl),
      settings.webhookFormat,
      settings.webhookMinSeverity,
      settings.retentionDays,
    ],
  );
}

/** Every tenant the product knows: scanned ones, and ones with settings before their first scan. */
export async function knownTenantIds(db: Queryable, registered: readonly string[] = []): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM tenants UNION SELECT tenant_id FROM tenant_settings ORDER BY 1",
  );
  return [...new Set([...rows.map((row) => row.id), ...registered])].sort();
}
