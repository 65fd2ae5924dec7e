import { formatDateTime } from "@/components/ui/format";

export function formatDuration(ms: number | null): string {
  if (ms === null) return "–";
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** The one date format (components/ui/format.ts); kept under this name for its callers. */
export function formatTime(iso: string | null): string {
  return formatDateTime(iso);
}
