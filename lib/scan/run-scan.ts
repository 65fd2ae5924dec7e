import type { DbPool } from "@/lib/db/queryable";
import { modelToRecords } from "@/lib/model/records";
import { modelAsOfInTransaction } from "@/lib/queries/snapshot";
import { PRODUCT_VERSION } from "@/lib/version";
import { collectGarbage, collectGarbageNow } from "./collect-garbage";
import { analyseIncrementally } from "./incremental-analysis";
import { notifyScanCommitted } from "./scan-events";
import { acquireScanLock } from "./scan-lock";
import {
  type CollectedTenant,
  type CollectFunction,
  coverageComplete,
  type ScanPhase,
  type ScanStatus,
  type ScanTrigger,
} from "./scan-types";
import { storeRecords } from "./store";

export interface ScanTenantInfo {
  id: string;
  displayName: string;
  source: "azure" | "emulator" | "import";
  tenantFile?: string | null;
}

export interface RunScanInput {
  pool: DbPool;
  tenant: ScanTenantInfo;
  trigger: ScanTrigger;
  collect: CollectFunction;
  /** called once the scan row exists (the API answers 202 with this id) */
  onStarted?: (scanId: bigint) => void;
  /** every progress step, as written to the scan row (the CLI prints it) */
  onProgress?: (progress: { phase: ScanPhase; done: number; total: number }) => void;
  /**
   * Dates the scan in the past instead of now — only the demo's history (trigger "demo-history") does, so
   * its earlier states read as a timeline; the trigger says on every page that the date is the story's.
   */
  backdateTo?: Date;
  /**
   * Group-level storage of access (default true, docs/scanner.md); false stores every member's rows as
   * earlier versions did — for tests and benchmarks comparing the two layouts.
   */
  groupStorage?: boolean;
  /**
   * The step dictionary (default true, docs/scanner.md): paths' steps stored once in path_steps and
   * referenced. false stores them inline, as earlier versions did — for tests comparing the two.
   */
  stepDictionary?: boolean;
}

export interface ScanOutcome {
  scanId: bigint;
  tenantId: string;
  status: ScanStatus;
  counts: Record<string, number>;
  coverage: CollectedTenant["model"]["coverage"];
  apiCalls: Record<string, number>;
  errors: CollectedTenant["errors"];
  durationMs: number;
  rowsInserted: number;
  rowsClosed: number;
  /**
   * Where a scan's time went, in ms: collection, the inventory store, the analysis's parts
   * (lib/scan/incremental-analysis.ts) and the commit. Absent on a scan that failed to collect.
   */
  phaseMs?: Record<string, number>;
}

async function upsertTenant(pool: DbPool, tenant: ScanTenantInfo): Promise<void> {
  await pool.query(
    `INSERT INTO tenants (id, display_name, source, tenant_file, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name, source = EXCLUDED.source,
       tenant_file = EXCLUDED.tenant_file, updated_at = now()`,
    [tenant.id, tenant.displayName, tenant.source, tenant.tenantFile ?? null],
  );
}

/**
 * One scan, end to end: lock the tenant, record the scan, collect (network), then in ONE transaction store
 * the inventory, analyse the resulting state (access and findings, streamed into the store a batch of
 * clusters at a time) and store that too, and mark the scan
 * finished. Nothing of the scan is visible until that commit; a crash before it leaves the previous state
 * exactly as it was (the scan row stays `running` until the next scan of the tenant marks it failed).
 */
export async function runScan(input: RunScanInput): Promise<ScanOutcome> {
  const { pool, tenant } = input;
  await upsertTenant(pool, tenant);
  const lockClient = await pool.connect();
  let release: (() => Promise<void>) | null = null;
  try {
    release = await acquireScanLock(lockClient, tenant.id);
    // Holding the lock, any `running` scan of this tenant belongs to a process that died.
    await pool.query(
      `UPDATE scans SET status = 'failed', phase = 'done', finished_at = now(),
         errors = '[{"source":"scan","code":"Interrupted","message":"The process running this scan ended before it finished."}]'
       WHERE tenant_id = $1 AND status = 'running'`,
      [tenant.id],
    );
    const started = Date.now();
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO scans (tenant_id, status, trigger, phase, product_version, started_at)
       VALUES ($1, 'running', $2, 'collect', $3, COALESCE($4::timestamptz, now()))
       RETURNING id`,
      [tenant.id, input.trigger, PRODUCT_VERSION, input.backdateTo?.toISOString() ?? null],
    );
    const scanId = BigInt(rows[0].id);
    input.onStarted?.(scanId);
    const progress = progressWriter(pool, scanId, input.onProgress);

    // What this process's last scan built is garbage V8 has not collected yet: collected before this
    // scan's own collection grows the heap on top of it.
    collectGarbageNow();
    let collected: CollectedTenant | null;
    const collectStarted = performance.now();
    try {
      collected = await input.collect((p) => progress.update("collect", p.done, p.total));
    } catch (error) {
      await progress.flush();
      const message = error instanceof Error ? error.message : String(error);
      await pool.query(
        `UPDATE scans SET status = 'failed', phase = 'done', finished_at = now(), duration_ms = $2, errors = $3
         WHERE id = $1`,
        [
          scanId.toString(),
          Date.now() - started,
          JSON.stringify([{ source: "scan", code: "CollectFailed", message }]),
        ],
      );
      return {
        scanId,
        tenantId: tenant.id,
        status: "failed",
        counts: {},
        coverage: {},
        apiCalls: {},
        errors: [{ source: "scan", code: "CollectFailed", message }],
        durationMs: Date.now() - started,
        rowsInserted: 0,
        rowsClosed: 0,
      };
    }
    await progress.flush();
    const phaseMs: Record<string, number> = { collect: performance.now() - collectStarted };

    // Only these survive the inventory store: the collected model is dropped before analysis starts.
    const { errors, apiCalls } = collected;
    const coverage = collected.model.coverage;
    const completeSources = Object.entries(coverage)
      .filter(([, entry]) => entry.status === "complete")
      .map(([source]) => source);
    const status: ScanStatus = coverageComplete(coverage) && errors.length === 0 ? "succeeded" : "partial";

    const client = await pool.connect();
    let rowsInserted = 0;
    let rowsClosed = 0;
    const counts = { ...collected.counts };
    try {
      await client.query("BEGIN");
      await progress.set("store");
      const inventoryStarted = performance.now();
      const inventory = await storeRecords(client, {
        tenantId: tenant.id,
        scanId,
        records: modelToRecords(collected.model),
        closableSources: completeSources,
        kinds: "inventory",
      });
      collected = null;
      collectGarbage();
      phaseMs.inventory = performance.now() - inventoryStarted;
      await progress.set("analyse");
      // Analyse the state as of this scan: what was read now plus what carried forward from unread sources.
      // Only clusters whose inputs changed are evaluated; the model is read back only if one is.
      const analysis = await analyseIncrementally(client, {
        tenantId: tenant.id,
        scanId,
        coverage,
        loadModel: () => modelAsOfInTransaction(client, tenant.id, scanId, coverage),
        onProgress: (done, total) => progress.update("analyse", done, total),
        groupStorage: input.groupStorage,
        stepDictionary: input.stepDictionary,
      });
      await progress.flush();
      Object.assign(phaseMs, analysis.phaseMs);
      counts["access.grant"] = analysis.grants;
      counts["access.escalation"] = analysis.escalations;
      counts.finding = analysis.findings;
      counts.analysisClustersEvaluated = analysis.clustersEvaluated;
      counts.analysisClustersReused = analysis.clustersReused;
      counts.analysisFindingsEvaluated = analysis.findingsEvaluated ? 1 : 0;
      // group-level storage: members' rows read from their groups' rows instead of stored (bench/scan prints them)
      counts.analysisMemberRowsExpanded = analysis.groupStorage.expandedRows;
      counts.analysisMemberRowsPreferred = analysis.groupStorage.preferredRows;
      rowsInserted = inventory.inserted + analysis.inserted;
      rowsClosed = inventory.closed + analysis.closed;
      await client.query(
        `UPDATE scans SET status = $2, phase = 'done', duration_ms = $3, counts = $4,
           finished_at = CASE WHEN $10::boolean THEN started_at + $3::int * interval '1 millisecond' ELSE now() END,
           coverage = $5, errors = $6, api_calls = $7, rows_inserted = $8, rows_closed = $9,
           progress_done = progress_total
         WHERE id = $1`,
        [
          scanId.toString(),
          status,
          Date.now() - started,
          JSON.stringify(counts),
          JSON.stringify(coverage),
          JSON.stringify(errors),
          JSON.stringify(apiCalls),
          rowsInserted,
          rowsClosed,
          input.backdateTo !== undefined,
        ],
      );
      const commitStarted = performance.now();
      await client.query("COMMIT");
      phaseMs.commit = performance.now() - commitStarted;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      const message = error instanceof Error ? error.message : String(error);
      await pool.query(
        `UPDATE scans SET status = 'failed', phase = 'done', finished_at = now(), duration_ms = $2, errors = $3
         WHERE id = $1`,
        [
          scanId.toString(),
          Date.now() - started,
          JSON.stringify([{ source: "store", code: "StoreFailed", message }]),
        ],
      );
      throw error;
    } finally {
      client.release();
    }
    // A scan can change much of the table (a first scan inserts a million rows). Autovacuum would refresh
    // the statistics within a minute, but the pages read now and another scan may follow at once, and with
    // the old statistics their plans assume, say, an empty table. Small changes are left to autovacuum.
    if (rowsInserted + rowsClosed >= 10_000) {
      const analyzeStarted = performance.now();
      await pool.query("ANALYZE snapshot_records").catch(() => {});
      phaseMs.statistics = performance.now() - analyzeStarted;
    }
    const outcome: ScanOutcome = {
      scanId,
      tenantId: tenant.id,
      status,
      counts,
      coverage,
      apiCalls,
      errors,
      durationMs: Date.now() - started,
      rowsInserted,
      rowsClosed,
      phaseMs,
    };
    notifyScanCommitted(outcome);
    return outcome;
  } finally {
    if (release) await release().catch(() => {});
    lockClient.release();
  }
}

/** Progress goes to the scan row at most a few times a second so the UI can poll it. */
function progressWriter(pool: DbPool, scanId: bigint, observe: RunScanInput["onProgress"] = () => {}) {
  let pending: { phase: ScanPhase; done: number; total: number } | null = null;
  let lastWrite = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const write = () => {
    if (!pending) return writing;
    const p = pending;
    pending = null;
    lastWrite = Date.now();
    writing = writing.then(() =>
      pool
        .query("UPDATE scans SET phase = $2, progress_done = $3, progress_total = $4 WHERE id = $1", [
          scanId.toString(),
          p.phase,
          p.done,
          p.total,
        ])
        .catch(() => {}),
    );
    return writing;
  };
  return {
    update(phase: ScanPhase, done: number, total: number) {
      pending = { phase, done, total };
      observe(pending);
      if (Date.now() - lastWrite > 250) void write();
    },
    flush: () => write(),
    async set(phase: ScanPhase) {
      observe({ phase, done: 0, total: 0 });
      await writing;
      // A new phase starts with unknown progress (the UI shows it indeterminate) until its first update.
      await pool.query("UPDATE scans SET phase = $2, progress_done = 0, progress_total = 0 WHERE id = $1", [
        scanId.toString(),
        phase,
      ]);
    },
  };
}
