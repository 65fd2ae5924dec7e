"use server";

import { revalidatePath } from "next/cache";
import { pool } from "@/lib/db/pool";
import { DriftInputError, DriftNotFoundError } from "@/lib/drift/scan-range";
import { readJobsConfig } from "@/lib/jobs/config";
import { jobRunner } from "@/lib/jobs/job-services";
import { settingsPatchSchema, updateSettings } from "@/lib/jobs/settings-service";
import { registeredTenantIds } from "@/lib/scan/tenant-sources";

export type SaveSettingsState = { ok: boolean; message: string } | null;

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}

/** "inherit" → null (the environment decides), "off" → "off", "custom" → the typed value. */
function choice(form: FormData, mode: string, value: string): string | null | undefined {
  switch (field(form, mode)) {
    case "off":
      return "off";
    case "custom":
      return field(form, value) || undefined;
    default:
      return null;
  }
}

/** The settings form's server action: the same validation and storage as PATCH /api/settings. */
export async function saveSettings(_previous: SaveSettingsState, form: FormData): Promise<SaveSettingsState> {
  const schedule = choice(form, "scheduleMode", "scanSchedule");
  if (schedule === undefined)
    return { ok: false, message: "Type a cron expression, or choose another option." };
  const webhook = choice(form, "webhookMode", "webhookUrl");
  const webhookKept = webhook === undefined && field(form, "webhookSet") === "yes";
  if (webhook === undefined && !webhookKept) {
    return { ok: false, message: "Type the webhook URL, or choose another option." };
  }
  const retention = field(form, "retentionDays");
  const patch = settingsPatchSchema.safeParse({
    tenantId: field(form, "tenantId"),
    scanSchedule: schedule,
    scanTimezone: field(form, "scanTimezone") || null,
    // A webhook URL is never sent to the browser: an empty field keeps the one stored.
    ...(webhookKept ? {} : { webhookUrl: webhook }),
    webhookFormat: field(form, "webhookFormat") || null,
    webhookMinSeverity: field(form, "webhookMinSeverity") || null,
    retentionDays: retention === "" ? null : Number(retention),
  });
  if (!patch.success) return { ok: false, message: patch.error.issues.map((i) => i.message).join("; ") };
  try {
    await updateSettings(pool(), {
      patch: patch.data,
      config: readJobsConfig(),
      registered: registeredTenantIds(),
    });
  } catch (error) {
    if (error instanceof DriftInputError || error instanceof DriftNotFoundError) {
      return { ok: false, message: error.message };
    }
    console.error("[atlas] saving settings failed", error);
    return { ok: false, message: "The settings could not be saved; the server log has the details." };
  }
  revalidatePath("/settings");
  try {
    await (await jobRunner()).syncSchedules();
  } catch (error) {
    console.error("[atlas] schedules not rewritten", error);
    return { ok: true, message: "Saved. The schedule takes effect when a worker next starts." };
  }
  return { ok: true, message: "Saved. Workers follow the new schedule from now on." };
}
