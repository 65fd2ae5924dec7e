"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { apiErrorSchema, startedScanSchema } from "@/components/scans/scan-status";

type State = { kind: "idle" } | { kind: "starting" } | { kind: "error"; message: string; running: boolean };

/** Starts a scan (POST /api/scans) and opens its page, where the progress bar follows it. */
export function ScanNowButton({ tenantId }: { tenantId?: string }) {
  const router = useRouter();
  const [state, setState] = useState<State>({ kind: "idle" });
  // Disabled until hydrated: the server-rendered button has no handler yet, and a click then did nothing at
  // all (a browser test pressed it while the startup scan slowed the page's scripts, and no scan started).
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  async function start() {
    setState({ kind: "starting" });
    try {
      const response = await fetch("/api/scans", {
        method: "POST",
        headers: { "content-type": "application/json" },
        // "manual": a person pressed the button (pipelines calling the API are "api")
        body: JSON.stringify({ ...(tenantId ? { tenantId } : {}), trigger: "manual" }),
      });
      const body: unknown = await response.json().catch(() => null);
      if (response.status === 202) {
        const started = startedScanSchema.safeParse(body);
        if (started.success) {
          router.push(`/scans/${started.data.scanId}`);
          router.refresh();
          return;
        }
      }
      const error = apiErrorSchema.safeParse(body);
      if (response.status === 409) {
        setState({ kind: "error", running: true, message: "A scan of this tenant is already running." });
      } else {
        setState({
          kind: "error",
          running: false,
          message: error.success
            ? error.data.error.message
            : `The scan could not be started (HTTP ${response.status}).`,
        });
      }
    } catch {
      setState({ kind: "error", running: false, message: "The server could not be reached." });
    }
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        onClick={start}
        disabled={!hydrated || state.kind === "starting"}
        className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:opacity-60"
      >
        {state.kind === "starting" ? "Starting…" : "Scan now"}
      </button>
      <div role="status" aria-live="polite" className="text-right text-sm">
        {state.kind === "error" ? (
          <span className="text-red-800">
            {state.message}{" "}
            {state.running ? (
              <a className="text-brand-700 underline" href="/scans">
                Follow it in the scan history
              </a>
            ) : null}
          </span>
        ) : null}
      </div>
    </div>
  );
}
