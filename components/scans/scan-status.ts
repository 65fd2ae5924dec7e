import { z } from "zod";

// What GET /api/scans/:id and POST /api/scans answer, as far as the live UI needs it. Parsed, not
// trusted: a proxy's HTML error page must not crash the progress bar.

export const liveScanSchema = z.object({
  id: z.string(),
  status: z.string(),
  phase: z.string(),
  progress: z.object({ done: z.number(), total: z.number() }),
});
export type LiveScan = z.infer<typeof liveScanSchema>;

export const startedScanSchema = z.object({ scanId: z.string() });
export const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const PHASE_LABEL: Record<string, string> = {
  queued: "Queued",
  collect: "Collecting from Azure and Kubernetes",
  normalize: "Normalizing",
  store: "Storing the snapshot",
  analyse: "Analysing access and findings",
  done: "Done",
};

/** 0–100; an unknown total shows as indeterminate (null). */
export function percentDone(scan: Pick<LiveScan, "progress" | "phase">): number | null {
  if (scan.phase === "done") return 100;
  if (scan.progress.total <= 0) return null;
  return Math.min(100, Math.round((scan.progress.done / scan.progress.total) * 100));
}
