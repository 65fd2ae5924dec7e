"use client";

import { useActionState, useState, useTransition } from "react";
import type { SettingsView } from "@/lib/jobs/settings-service";
import { type SaveSettingsState, saveSettings } from "./actions";
import type { SettingsField } from "./settings-fields";

// The settings form: plain inputs posted to a server action, so it works before script loads; state only
// decides which inputs are enabled. Every field can defer to the environment ("default").

type Mode = "inherit" | "off" | "custom";

const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
const FORMATS = [
  ["auto", "Detect from the address"],
  ["slack", "Slack (text + blocks)"],
  ["teams", "Teams (text + Adaptive Card)"],
  ["generic", "Generic JSON (both, plus the events)"],
] as const;

const labelClass = "block text-sm font-medium text-slate-900";
const inputClass =
  "mt-1 w-full rounded border border-slate-300 px-2 py-1.5 text-sm disabled:bg-slate-100 disabled:text-slate-500";
const hintClass = "mt-1 text-xs text-slate-600";
const invalidClass = "border-red-700 ring-1 ring-red-700";

function modeOf(value: string | null): Mode {
  return value === null ? "inherit" : value === "off" ? "off" : "custom";
}

function ModeRadios({
  name,
  legend,
  value,
  onChange,
  inheritLabel,
  customLabel,
}: {
  name: string;
  legend: string;
  value: Mode;
  onChange: (mode: Mode) => void;
  inheritLabel: string;
  customLabel: string;
}) {
  const options: [Mode, string][] = [
    ["inherit", inheritLabel],
    ["off", "Off for this tenant"],
    ["custom", customLabel],
  ];
  return (
    <fieldset>
      <legend className={labelClass}>{legend}</legend>
      <div className="mt-1 space-y-1">
        {options.map(([mode, text]) => (
          <label key={mode} className="flex items-center gap-2 text-sm text-slate-800">
            <input
              type="radio"
              name={name}
              value={mode}
              checked={value === mode}
              onChange={() => onChange(mode)}
            />
            {text}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

const HINTS: ReadonlySet<SettingsField> = new Set([
  "scanSchedule",
  "scanTimezone",
  "webhookUrl",
  "retentionDays",
]);
const hasHint = (name: SettingsField) => HINTS.has(name);

export function SettingsForm({
  view,
  environment,
}: {
  view: SettingsView;
  environment: {
    schedule: string | null;
    webhook: boolean;
    minSeverity: string;
    retentionDays: number;
    timezone: string;
  };
}) {
  const [state, action, saving] = useActionState<SaveSettingsState, FormData>(saveSettings, null);
  const [submitting, startSubmit] = useTransition();
  const pending = saving || submitting;
  const [scheduleMode, setScheduleMode] = useState<Mode>(modeOf(view.stored.scanSchedule));
  const storedWebhook: Mode = view.stored.webhookUrl.off
    ? "off"
    : view.stored.webhookUrl.set
      ? "custom"
      : "inherit";
  const [webhookMode, setWebhookMode] = useState<Mode>(storedWebhook);
  // Controlled fields: React resets an uncontrolled form after its action, which would wipe what was typed.
  const [fields, setFields] = useState({
    scanSchedule:
      view.stored.scanSchedule && view.stored.scanSchedule !== "off" ? view.stored.scanSchedule : "",
    scanTimezone: view.stored.scanTimezone ?? "",
    webhookUrl: "",
    webhookFormat: view.stored.webhookFormat ?? "",
    webhookMinSeverity: view.stored.webhookMinSeverity ?? "",
    retentionDays: view.stored.retentionDays === null ? "" : String(view.stored.retentionDays),
  });
  const errors = state?.fieldErrors ?? {};
  // value, change handler and validity of a field: an invalid one is marked (aria-invalid, red border)
  // and described by its error, which is shown beside it and nowhere else
  const bind = (name: SettingsField) => ({
    name,
    value: fields[name],
    onChange: (event: { target: { value: string } }) =>
      setFields((current) => ({ ...current, [name]: event.target.value })),
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby":
      [errors[name] ? `${name}-error` : null, hasHint(name) ? `${name}-hint` : null]
        .filter(Boolean)
        .join(" ") || undefined,
  });
  const fieldError = (name: SettingsField) =>
    errors[name] ? (
      <p id={`${name}-error`} className="mt-1 text-sm text-red-800">
        {errors[name]}
      </p>
    ) : null;
  const invalid = (name: SettingsField) => (errors[name] ? invalidClass : "");

  return (
    <form
      action={action}
      // With script, submit by hand: React resets a form after its action, which would undo choices made
      // while the save was on its way. Without script, the action attribute posts the form as usual.
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startSubmit(() => action(data));
      }}
      className="space-y-8"
      aria-describedby="settings-status"
    >
      <input type="hidden" name="tenantId" value={view.tenantId} />
      <input type="hidden" name="webhookSet" value={view.stored.webhookUrl.set ? "yes" : "no"} />

      <section aria-labelledby="schedule-heading" className="space-y-4">
        <h2 id="schedule-heading" className="text-base font-semibold">
          Scheduled scans
        </h2>
        <ModeRadios
          name="scheduleMode"
          legend="Schedule"
          value={scheduleMode}
          onChange={setScheduleMode}
          inheritLabel={`Default from ATLAS_SCAN_SCHEDULE (${environment.schedule ?? "none set"})`}
          customLabel="A schedule of its own (below)"
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor="scanSchedule" className={labelClass}>
              Cron expression
            </label>
            <input
              id="scanSchedule"
              {...bind("scanSchedule")}
              placeholder="0 */6 * * *"
              disabled={scheduleMode !== "custom"}
              className={`${inputClass} font-mono ${invalid("scanSchedule")}`}
            />
            {fieldError("scanSchedule")}
            <p id="scanSchedule-hint" className={hintClass}>
              Five fields: minute hour day-of-month month day-of-week. <code>0 */6 * * *</code> is every six
              hours.
            </p>
          </div>
          <div>
            <label htmlFor="scanTimezone" className={labelClass}>
              Time zone
            </label>
            <input
              id="scanTimezone"
              {...bind("scanTimezone")}
              placeholder={environment.timezone}
              className={`${inputClass} ${invalid("scanTimezone")}`}
            />
            {fieldError("scanTimezone")}
            <p id="scanTimezone-hint" className={hintClass}>
              An IANA name such as Europe/Amsterdam; empty uses {environment.timezone}.
            </p>
          </div>
        </div>
      </section>

      <section aria-labelledby="notify-heading" className="space-y-4">
        <h2 id="notify-heading" className="text-base font-semibold">
          Drift notifications
        </h2>
        <ModeRadios
          name="webhookMode"
          legend="Webhook"
          value={webhookMode}
          onChange={setWebhookMode}
          inheritLabel={`Default from ATLAS_WEBHOOK_URL (${environment.webhook ? "set" : "none set"})`}
          customLabel={
            view.stored.webhookUrl.set
              ? `A webhook of its own (${view.stored.webhookUrl.host})`
              : "A webhook of its own (below)"
          }
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor="webhookUrl" className={labelClass}>
              Incoming webhook URL
            </label>
            <input
              id="webhookUrl"
              {...bind("webhookUrl")}
              type="url"
              autoComplete="off"
              placeholder={
                view.stored.webhookUrl.set
                  ? "Leave empty to keep the current URL"
                  : "https://hooks.slack.com/services/…"
              }
              disabled={webhookMode !== "custom"}
              className={`${inputClass} ${invalid("webhookUrl")}`}
            />
            {fieldError("webhookUrl")}
            <p id="webhookUrl-hint" className={hintClass}>
              A Slack or Teams incoming webhook over https (http only to hosts in
              ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS); private, loopback and metadata addresses are refused. The URL
              is a credential: it is stored, never shown again.
            </p>
          </div>
          <div>
            <label htmlFor="webhookFormat" className={labelClass}>
              Message format
            </label>
            <select
              id="webhookFormat"
              {...bind("webhookFormat")}
              className={`${inputClass} ${invalid("webhookFormat")}`}
            >
              <option value="">Default ({view.effective.webhookFormat})</option>
              {FORMATS.map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="webhookMinSeverity" className={labelClass}>
              Send events at or above
            </label>
            <select
              id="webhookMinSeverity"
              {...bind("webhookMinSeverity")}
              className={`${inputClass} ${invalid("webhookMinSeverity")}`}
            >
              <option value="">Default ({environment.minSeverity})</option>
              {SEVERITIES.map((severity) => (
                <option key={severity} value={severity}>
                  {severity}
                </option>
              ))}
            </select>
          </div>
        </div>
      </section>

      <section aria-labelledby="retention-heading" className="space-y-4">
        <h2 id="retention-heading" className="text-base font-semibold">
          History
        </h2>
        <div className="max-w-xs">
          <label htmlFor="retentionDays" className={labelClass}>
            Keep scans for (days)
          </label>
          <input
            id="retentionDays"
            {...bind("retentionDays")}
            type="number"
            min={0}
            max={36500}
            step={1}
            placeholder={String(environment.retentionDays)}
            className={`${inputClass} ${invalid("retentionDays")}`}
          />
          {fieldError("retentionDays")}
          <p id="retentionDays-hint" className={hintClass}>
            Empty uses ATLAS_RETENTION_DAYS (
            {environment.retentionDays === 0 ? "keep everything" : `${environment.retentionDays} days`}); 0
            keeps everything. The latest scan is always kept.
          </p>
        </div>
      </section>

      <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-4">
        <button
          type="submit"
          disabled={pending}
          className="rounded bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
        >
          {pending ? "Saving…" : "Save settings"}
        </button>
        <p
          id="settings-status"
          role="status"
          aria-live="polite"
          className={`text-sm ${state === null ? "" : state.ok ? "text-emerald-800" : "text-red-800"}`}
        >
          {state?.message ?? ""}
        </p>
      </div>
    </form>
  );
}
