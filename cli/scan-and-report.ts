import type { DbPool } from "@/lib/db/queryable";
import type { Severity } from "@/lib/findings/types";
import { runScan } from "@/lib/scan/run-scan";
import { ScanAlreadyRunningError } from "@/lib/scan/scan-lock";
import type { ScanPhase, ScanTrigger } from "@/lib/scan/scan-types";
import type { TenantSource } from "@/lib/scan/tenant-sources";
import { CliError } from "./cli-error";
import { failingFindingsOfScan, gatedExitCode } from "./fail-on";

const PHASE_LABELS: Partial<Record<ScanPhase, string>> = {
  collect: "collecting (sources read/total: subscriptions, clusters, directory)",
  store: "storing the inventory",
  analyse: "evaluating and storing access (clusters done/total)",
};

/** One line when a phase starts, then at most one every `everyMs` with done/total. */
export function progressPrinter(print: (line: string) => void, everyMs = 5_000) {
  let phase: ScanPhase | null = null;
  let last = 0;
  return (progress: { phase: ScanPhase; done: number; total: number }) => {
    const now = Date.now();
    if (progress.phase !== phase) {
      phase = progress.phase;
      last = now;
      print(`  ${PHASE_LABELS[phase] ?? phase}…`);
      return;
    }
    if (progress.total > 0 && (now - last >= everyMs || progress.done === progress.total)) {
      last = now;
      print(
        `    ${progress.done}/${progress.total} (${Math.floor((progress.done / progress.total) * 100)}%)`,
      );
    }
  };
}

/** Exit codes are part of the contract: 0 succeeded, 2 partial, 1 failed (3: `--fail-on`, cli/fail-on.ts). */
const EXIT = { succeeded: 0, partial: 2, failed: 1, running: 1 } as const;

/**
 * Runs one scan of `source` and prints its summary — the same for `scan` (Azure, emulator) and `import`
 * (a tenant file): a line per phase on stderr, the result on stdout (with `json`, nothing but the JSON).
 * Returns the exit code.
 */
export async function scanAndReport(input: {
  pool: DbPool;
  source: TenantSource;
  trigger: ScanTrigger;
  json: boolean;
  failOn: Severity | undefined;
  verb?: string;
}): Promise<number> {
  const { pool, source, json } = input;
  if (!json)
    console.error(`${input.verb ?? "Scanning"} tenant ${source.tenant.id} (${source.tenant.displayName})…`);
  let outcome: Awaited<ReturnType<typeof runScan>>;
  try {
    outcome = await runScan({
      pool,
      tenant: source.tenant,
      trigger: input.trigger,
      collect: source.collect,
      // Progress goes to stderr, so stdout stays the result alone (with --json, nothing but the JSON).
      ...(json ? {} : { onProgress: progressPrinter((line) => console.error(line)) }),
    });
  } catch (error) {
    if (error instanceof ScanAlreadyRunningError) throw new CliError(error.message, 1);
    throw error;
  }
  const result = {
    scanId: outcome.scanId.toString(),
    tenantId: outcome.tenantId,
    status: outcome.status,
    counts: outcome.counts,
    coverage: outcome.coverage,
    apiCalls: outcome.apiCalls,
    durationMs: outcome.durationMs,
    // Where the time went (collect, inventory, evaluate, attackPaths, findings, store, …; docs/scanner.md):
    // a scan that got slow says which part did.
    ...(outcome.phaseMs ? { phaseMs: roundedMs(outcome.phaseMs) } : {}),
  };
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`Scan #${result.scanId}: ${result.status} in ${(result.durationMs / 1000).toFixed(1)} s`);
    console.log(
      `  objects: ${Object.entries(result.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
    console.log(`  rows written: ${outcome.rowsInserted} inserted, ${outcome.rowsClosed} closed`);
    if (result.phaseMs) {
      const spent = Object.entries(result.phaseMs).filter(([, ms]) => ms >= 50);
      console.log(`  time: ${spent.map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)} s`).join(", ")}`);
    }
    const calls = Object.entries(result.apiCalls).map(([k, v]) => `${k} ${v}`);
    // An import reads a file: it makes no calls.
    console.log(`  API calls: ${calls.length > 0 ? calls.join(", ") : "none"}`);
    for (const e of outcome.errors) console.log(`  ! ${e.source}: ${e.code}: ${e.message}`);
  }
  const exitCode = EXIT[outcome.status];
  if (!input.failOn || outcome.status === "failed") return exitCode;
  const failing = await failingFindingsOfScan(pool, outcome.tenantId, outcome.scanId);
  // The gate's verdict goes to stderr: stdout stays the summary (or the JSON) a pipeline parses.
  return gatedExitCode(exitCode, input.failOn, failing, (line) => console.error(line));
}

/** Whole milliseconds: fractions of one say nothing to a reader of the JSON. */
function roundedMs(phases: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(phases).map(([phase, ms]) => [phase, Math.round(ms)]));
}
