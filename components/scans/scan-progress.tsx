"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { type LiveScan, liveScanSchema, PHASE_LABEL, percentDone } from "@/components/scans/scan-status";

const POLL_MS = 1000;

/**
 * A running scan's live progress: polls GET /api/scans/:id for phase and done/total until the scan
 * ends, then refreshes the page so the server renders the finished scan.
 */
export function ScanProgress({ initial }: { initial: LiveScan }) {
  const router = useRouter();
  const [scan, setScan] = useState(initial);
  const [stale, setStale] = useState(false);

  useEffect(() => {
    if (initial.status !== "running") return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // one request at a time: the next poll is scheduled only after this one answered or failed
    const poll = async () => {
      try {
        const response = await fetch(`/api/scans/${encodeURIComponent(initial.id)}`, { cache: "no-store" });
        const parsed = liveScanSchema.safeParse(await response.json());
        if (cancelled) return;
        setStale(!parsed.success);
        if (parsed.success) {
          setScan(parsed.data);
          if (parsed.data.status !== "running") {
            router.refresh();
            return;
          }
        }
      } catch {
        if (cancelled) return;
        setStale(true);
      }
      timer = setTimeout(poll, POLL_MS);
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [initial.id, initial.status, router]);

  const percent = percentDone(scan);
  const phase = PHASE_LABEL[scan.phase] ?? scan.phase;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{scan.status === "running" ? phase : `Scan ${scan.status}`}</span>
        <span className="tabular-nums text-slate-600">
          {scan.progress.total > 0 ? `${scan.progress.done} of ${scan.progress.total}` : ""}
          {percent !== null ? ` (${percent}%)` : ""}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label="Scan progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={percent === null ? phase : `${phase}: ${percent}%`}
        className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className={`h-full rounded-full bg-brand-600 transition-[width] duration-500 ${percent === null ? "w-1/3 animate-pulse" : ""}`}
          style={percent === null ? undefined : { width: `${percent}%` }}
        />
      </div>
      <p role="status" aria-live="polite" className="text-sm text-slate-600">
        {scan.status === "running"
          ? stale
            ? "Lost contact with the server; retrying…"
            : "This page updates by itself until the scan ends."
          : `The scan ended: ${scan.status}.`}
      </p>
    </div>
  );
}
