"use server";

import { revalidatePath } from "next/cache";
import { handleAction } from "@/lib/http/handle-action";
import { settingsPatchSchema } from "@/lib/jobs/settings-service";
import { tenantSettingsInputSchema } from "@/lib/jobs/tenant-settings";
import { rewriteScanSchedules, updateTenantSettings } from "@/lib/settings/update-settings";
import { SETTINGS_FIELDS, type SettingsField } from "./settings-fields";

/** `fieldErrors`: one plain sentence per field, shown beside it (the status line then only points there). */
export type SaveSettingsState = {
  ok: boolean;
  message: string;
  fieldErrors?: Partial<Record<SettingsField, string>>;
} | null;

// What each field's problem means to the person typing, instead of the parser's words
// (`scanSchedule: cannot resolve alias "fiv"`). The parser's detail is kept after a dash where it helps.
function plainError(field: SettingsField, value: string, detail: string): string {
  switch (field) {
    case "scanSchedule":
      return `"${value}" is not a schedule the scheduler can run. Each of the five fields (minute hour day-of-month month day-of-week) takes a number, *, a range such as 1-5 or a step such as */6; for example 0 */6 * * * is every six hours.`;
    case "scanTimezone":
      return `"${value}" is not a time zone. Use an IANA name such as UTC or Europe/Amsterdam.`;
    case "webhookUrl":
      return /http\(s\) URL|Invalid/.test(detail)
        ? "Type the full address of an incoming webhook, starting with https://."
        : `This webhook address cannot be used: ${detail}.`;
    case "retentionDays":
      return "Type a whole number of days from 0 to 36500 (0 keeps every scan), or leave it empty.";
    case "webhookFormat":
      return "Choose one of the listed message formats.";
    case "webhookMinSeverity":
      return "Choose one of the listed severities.";
  }
}

function fieldErrorsOf(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  values: Record<SettingsField, string>,
): Partial<Record<SettingsField, string>> {
  const errors: Partial<Record<SettingsField, string>> = {};
  for (const issue of issues) {
    const field = SETTINGS_FIELDS.find((name) => name === issue.path[0]);
    // one sentence per field, however many issues the parser raised for it
    if (field && !errors[field]) errors[field] = plainError(field, values[field], issue.message);
  }
  return errors;
}

function invalid(fieldErrors: Partial<Record<SettingsField, string>>): SaveSettingsState {
  const count = Object.keys(fieldErrors).length;
  return {
    ok: false,
    message: `Not saved: ${count === 1 ? "one field needs" : `${count} fields need`} a change (marked above).`,
    fieldErrors,
  };
}

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
    return invalid({
      scanSchedule: "Type a schedule (five cron fields such as 0 */6 * * *), or choose another option.",
    });
  const webhook = choice(form, "webhookMode", "webhookUrl");
  const webhookKept = webhook === undefined && field(form, "webhookSet") === "yes";
  if (webhook === undefined && !webhookKept) {
    return invalid({ webhookUrl: "Type the webhook's address, or choose another option." });
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
  const values: Record<SettingsField, string> = {
    scanSchedule: schedule ?? "",
    scanTimezone: field(form, "scanTimezone"),
    webhookUrl: webhook ?? "",
    webhookFormat: field(form, "webhookFormat"),
    webhookMinSeverity: field(form, "webhookMinSeverity"),
    retentionDays: retention,
  };
  if (!patch.success) {
    const errors = fieldErrorsOf(patch.error.issues, values);
    if (Object.keys(errors).length > 0) return invalid(errors);
    return { ok: false, message: patch.error.issues.map((i) => i.message).join("; ") };
  }
  // The same checks updateSettings makes, here first so each problem is named by its field.
  const { tenantId: _tenant, ...fields } = patch.data;
  const checked = tenantSettingsInputSchema.safeParse(fields);
  if (!checked.success) {
    const errors = fieldErrorsOf(checked.error.issues, values);
    if (Object.keys(errors).length > 0) return invalid(errors);
  }
  return handleAction<SaveSettingsState>(
    "saving settings",
    async () => {
      await updateTenantSettings(patch.data);
      revalidatePath("/settings");
      try {
        await rewriteScanSchedules();
      } catch (error) {
        console.error("[atlas] schedules not rewritten", error);
        return { ok: true, message: "Saved. The schedule takes effect when a worker next starts." };
      }
      return { ok: true, message: "Saved. Workers follow the new schedule from now on." };
    },
    {
      refused: (error) => {
        // "webhookUrl: <why>" from the egress rules: beside the field, in words
        const match = /^(\w+): (.*)$/.exec(error.message);
        const named = match ? SETTINGS_FIELDS.find((name) => name === match[1]) : undefined;
        if (match && named) return invalid({ [named]: plainError(named, values[named], match[2]) });
        return { ok: false, message: error.message };
      },
      failed: { ok: false, message: "The settings could not be saved; the server log has the details." },
    },
  );
}
