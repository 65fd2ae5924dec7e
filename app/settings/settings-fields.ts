// The settings form's fields, shared by the form and its server action (a "use server" file may export
// only async functions).
export const SETTINGS_FIELDS = [
  "scanSchedule",
  "scanTimezone",
  "webhookUrl",
  "webhookFormat",
  "webhookMinSeverity",
  "retentionDays",
] as const;
export type SettingsField = (typeof SETTINGS_FIELDS)[number];
