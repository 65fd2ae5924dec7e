import type { DbPool } from "@/lib/db/queryable";
import { demoHistory } from "@/lib/emulator/demo/demo-history";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { createReport } from "@/lib/reports/report-store";
import { emulatedTenantSource } from "@/lib/scan/emulated-tenant";
import { runScan, type ScanOutcome } from "@/lib/scan/run-scan";

const DAY_MS = 86_400_000;

export interface DemoHistoryInput {
  pool: DbPool;
  /** the current demo tenant; its earlier states are derived from it (lib/emulator/demo/demo-history.ts) */
  current: TenantFile;
  tenantFile: string | null;
  displayName: string;
  /** the data folder (the emulators keep their certificates under <dataDir>/emulator) */
  dataDir: string;
  /** the current state's date; the history is dated back from it */
  now?: Date;
  log?: (line: string) => void;
  /** also freeze a report of the first and of the third state, so "changes since the previous report" has
   * content (default true) */
  reports?: boolean;
}

const HOUR_MS = 3_600_000;
/** The history scans (oldest first) a report is made of: before Penny's Contributor, and after aks-3's lock-down. */
const REPORTED_STATES = [0, 2];

/**
 * Gives a brand-new demo a past: scans each earlier state of the demo tenant, oldest first, through its own
 * emulator and the real SDK path, dated 28, 21, 14 and 7 days back and labelled with the trigger
 * "demo-history". Only when the tenant has never been scanned: a second start on the same data folder (or a
 * start after a crash half-way through) adds nothing, so the history is never doubled or interleaved with
 * real scans. Returns the scans it ran, or null when it skipped.
 */
export async function scanDemoHistory(input: DemoHistoryInput): Promise<ScanOutcome[] | null> {
  const tenantId = input.current.tenantId.toLowerCase();
  const { rows } = await input.pool.query("SELECT 1 FROM scans WHERE tenant_id = $1 LIMIT 1", [tenantId]);
  if (rows.length > 0) return null;
  const now = (input.now ?? new Date()).getTime();
  const outcomes: ScanOutcome[] = [];
  const states = demoHistory(input.current);
  const daysAgo = states.map((state) => state.daysAgo);
  for (const state of states) {
    const { source, emulator } = await emulatedTenantSource({
      tenant: state.tenant,
      tenantFile: input.tenantFile,
      dataDir: input.dataDir,
      displayName: input.displayName,
    });
    try {
      const outcome = await runScan({
        pool: input.pool,
        tenant: source.tenant,
        trigger: "demo-history",
        collect: source.collect,
        backdateTo: new Date(now - state.daysAgo * DAY_MS),
      });
      input.log?.(
        `demo history scan #${outcome.scanId} (${state.daysAgo} days ago, ${state.label}): ${outcome.status}`,
      );
      outcomes.push(outcome);
    } finally {
      await emulator.close();
    }
  }
  if (input.reports !== false) {
    for (const index of REPORTED_STATES) {
      const outcome = outcomes[index];
      if (!outcome || outcome.status === "failed") continue;
      // dated an hour after its scan, like a review made that day; the title says it is the demo's
      const report = await createReport(
        {
          scanId: outcome.scanId,
          tenantId,
          title: `Weekly AKS identity review (demo history, ${daysAgo[index]} days ago)`,
        },
        { now: new Date(now - daysAgo[index] * DAY_MS + HOUR_MS) },
      );
      input.log?.(`demo history report #${report.id} of scan #${outcome.scanId}`);
    }
  }
  return outcomes;
}
