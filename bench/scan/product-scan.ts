/**
 * The whole product scan (runScan: collect, store the inventory, evaluate and store access and findings, in
 * one transaction) against an emulator that is already serving, on a fresh embedded database: a first scan,
 * then an unchanged re-scan. It runs in a process of its own (bench/scan/run.ts spawns it) so its peak RSS
 * is the scan's alone; it prints one JSON line per scan.
 *
 *   node --import tsx bench/scan/product-scan.ts --target <ready.json> --data-dir <dir> [--concurrency 8]
 *     [--page-size 500]
 */
import { readFile } from "node:fs/promises";
import pg from "pg";
import { z } from "zod";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import { openDatabase } from "@/lib/db/open-database";
import { collectTenant } from "@/lib/scan/collect/collect-tenant";
import { runScan } from "@/lib/scan/run-scan";
import { parseFlags, rssSampler } from "../lib/measure";

const flags = parseFlags(process.argv.slice(2));
if (!flags.target || !flags["data-dir"]) throw new Error("--target and --data-dir are required");
const ready = z
  .object({
    tenantId: z.string(),
    armEndpoint: z.string(),
    graphEndpoint: z.string(),
    authorityHost: z.string(),
    caPem: z.string(),
    scannerCredential: z.object({ tenantId: z.string(), clientId: z.string(), clientSecret: z.string() }),
  })
  .parse(JSON.parse(await readFile(flags.target, "utf8")));
const concurrency = Number(flags.concurrency ?? 8);
const pageSize = Number(flags["page-size"] ?? 500);

const target = await scanTargetForEmulator(ready);
const db = await openDatabase({ env: { ATLAS_DATA_DIR: flags["data-dir"] } });
const pool = new pg.Pool({ connectionString: db.url, max: 4 });
try {
  const tenant = { id: ready.tenantId.toLowerCase(), displayName: "bench", source: "emulator" as const };
  for (const run of ["first", "unchanged"] as const) {
    const sampler = rssSampler();
    const started = performance.now();
    const outcome = await runScan({
      pool,
      tenant,
      trigger: "cli",
      collect: (onProgress) => collectTenant(target, { concurrency, pageSize, onProgress }),
    });
    const ms = performance.now() - started;
    sampler.stop();
    const { rows } = await pool.query<{ bytes: string }>(
      "SELECT pg_total_relation_size('snapshot_records')::text AS bytes",
    );
    console.log(
      JSON.stringify({
        run,
        ms,
        status: outcome.status,
        counts: outcome.counts,
        rowsInserted: outcome.rowsInserted,
        rowsClosed: outcome.rowsClosed,
        peakRss: sampler.peak(),
        tableBytes: Number(rows[0].bytes),
      }),
    );
  }
} finally {
  await pool.end();
  await db.close();
}
