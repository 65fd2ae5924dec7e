/**
 * The whole product scan (runScan: collect, store the inventory, evaluate and store access and findings, in
 * one transaction) against an emulator that is already serving, on a fresh embedded database: a first scan,
 * then an unchanged re-scan. It runs in a process of its own (bench/scan/run.ts spawns it) so its peak RSS
 * is the scan's alone; it prints one JSON line per scan.
 *
 *   node --import tsx bench/scan/product-scan.ts --target <ready.json> --data-dir <dir> [--concurrency 8]
 *     [--page-size 500] [--group-storage false] [--runs first,unchanged]
 *
 * --runs names the scans to make, in order, and labels their JSON lines: `first`, `unchanged`, and `mutated`
 * (a re-scan of the same data folder after bench/scan/run.ts changed the tenant with `tenant mutate`).
 *
 * --group-storage false stores every member's access rows, the layout before group-level storage (issue 15),
 * to compare the two in one run.
 *
 * ATLAS_BENCH_SHOW_CHANGES=1 prints (stderr) up to three records an unchanged re-scan rewrote, before and after.
 */
import { readFile } from "node:fs/promises";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import { openDatabase } from "@/lib/db/open-database";
import { createPool } from "@/lib/db/pool";
import { collectTenant } from "@/lib/scan/collect/collect-tenant";
import { runScan } from "@/lib/scan/run-scan";
import { parseFlags, rssSampler } from "../lib/measure";
import { emulatorTargetSchema } from "./emulator-target";

const flags = parseFlags(process.argv.slice(2));
if (!flags.target || !flags["data-dir"]) throw new Error("--target and --data-dir are required");
const ready = emulatorTargetSchema.parse(JSON.parse(await readFile(flags.target, "utf8")));
const concurrency = Number(flags.concurrency ?? 8);
const pageSize = Number(flags["page-size"] ?? 500);
const groupStorage = flags["group-storage"] !== "false";
const RUN_LABELS = ["first", "unchanged", "mutated"] as const;
const runs = (flags.runs ?? "first,unchanged").split(",").map((label) => {
  const run = RUN_LABELS.find((known) => known === label);
  if (!run) throw new Error(`--runs: unknown scan "${label}" (${RUN_LABELS.join(", ")})`);
  return run;
});

const target = await scanTargetForEmulator(ready);
const db = await openDatabase({ env: { ATLAS_DATA_DIR: flags["data-dir"] } });
const pool = createPool(db.url, 4);
try {
  const tenant = { id: ready.tenantId.toLowerCase(), displayName: "bench", source: "emulator" as const };
  for (const run of runs) {
    console.error(`${new Date().toISOString()} ${run} scan starts`);
    const sampler = rssSampler();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const outcome = await runScan({
      pool,
      tenant,
      trigger: "cli",
      collect: (onProgress) => collectTenant(target, { concurrency, pageSize, onProgress }),
      groupStorage,
    });
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    sampler.stop();
    const { rows } = await pool.query<{ bytes: string }>(
      // the step dictionary (path_steps) is part of what a scan stores
      "SELECT (pg_total_relation_size('snapshot_records') + pg_total_relation_size('path_steps'))::text AS bytes",
    );
    // Where the table's bytes are: the rows (heap and TOAST) and each index (docs/performance.md, "Keys")
    const { rows: parts } = await pool.query<{ name: string; bytes: string }>(
      `SELECT 'rows' AS name, pg_table_size('snapshot_records')::text AS bytes
       UNION ALL
       SELECT indexrelid::regclass::text, pg_relation_size(indexrelid)::text FROM pg_index
       WHERE indrelid = 'snapshot_records'::regclass
       UNION ALL
       SELECT 'path_steps', pg_total_relation_size('path_steps')::text`,
    );
    console.error(
      `${run} scan: snapshot_records ${parts.map((part) => `${part.name} ${(Number(part.bytes) / 2 ** 20).toFixed(1)} MiB`).join(", ")}`,
    );
    // What a scan wrote, by kind: an unchanged re-scan should write nothing, and when it does, this says where.
    const { rows: written } = await pool.query<{ kind: string; inserted: string; closed: string }>(
      `SELECT kind, count(*) FILTER (WHERE valid_from_scan = $1)::text AS inserted,
              count(*) FILTER (WHERE valid_to_scan = $1)::text AS closed
       FROM snapshot_records WHERE valid_from_scan = $1 OR valid_to_scan = $1 GROUP BY kind ORDER BY kind`,
      [outcome.scanId.toString()],
    );
    if (run !== "first" && process.env.ATLAS_BENCH_SHOW_CHANGES) {
      const { rows: changed } = await pool.query(
        `SELECT a.kind, a.natural_key, a.data AS before, b.data AS after FROM snapshot_records a
         JOIN snapshot_records b ON b.tenant_id = a.tenant_id AND b.kind = a.kind AND b.natural_key = a.natural_key
          AND b.valid_from_scan = a.valid_to_scan
         WHERE a.valid_to_scan = $1 LIMIT 3`,
        [outcome.scanId.toString()],
      );
      console.error(JSON.stringify(changed, null, 1).slice(0, 6000));
    }
    console.log(
      JSON.stringify({
        run,
        ms,
        status: outcome.status,
        counts: outcome.counts,
        rowsInserted: outcome.rowsInserted,
        rowsClosed: outcome.rowsClosed,
        peakRss: sampler.peak(),
        phaseMs: outcome.phaseMs ?? {},
        // this process's CPU (user + system), not PostgreSQL's: what a change to our code saves, whatever the load
        cpuMs: (cpu.user + cpu.system) / 1000,
        tableBytes: Number(rows[0].bytes),
        writtenByKind: Object.fromEntries(
          written.map((row) => [row.kind, { inserted: Number(row.inserted), closed: Number(row.closed) }]),
        ),
      }),
    );
  }
} finally {
  await pool.end();
  await db.close();
}
