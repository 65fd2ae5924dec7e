// One way to write dates and counts on every page (and the same as the HTML report's, lib/reports):
// UTC, spelled out, because an Atlas is read from other time zones than the one its server runs in.

/** "2026-05-14 09:30 UTC"; "–" for no date. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === "") return "–";
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "2026-05-14", for axes and tight columns (the day in UTC). */
export function formatDay(value: string | Date): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toISOString().slice(0, 10);
}

/** "1 scan", "2 scans", "1 identity", "3 identities" (pass the plural when it is not noun + "s"). */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString("en-GB")} ${count === 1 ? singular : pluralForm}`;
}
