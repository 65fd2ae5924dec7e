/**
 * Drift between two scans of a large generated tenant, next to a plain full read of the same table in the same
 * run, and the rows an unchanged scan writes.
 *
 *   npx tsx bench/drift/run.ts [--clusters 500] [--role-assignments 20000] [--bindings 20000]
 *                              [--principals 4000] [--share 0.01] [--repeat 5]
 *
 * The tenant comes from the generator (lib/emulator/generate); each scan is lib/scan/run-scan.ts with a collect
 * function over modelFromTenantFile (no network), so inventory, access grants, escalations and findings are all
 * stored exactly as a real scan stores them. Scans: the tenant, the tenant again (unchanged), and the tenant
 * after mutateTenantDocument changed `share` of its objects. Then, alternating so neither side enjoys a warmer
 * cache: drift between the last two scans (computeDrift: set-based SQL over rows that start or end in the range,
 * plus building the events), and a plain read of every row visible at the last scan. Both are repeated and the
 * median is printed. A third line, for scale: the two full snapshots read and diffed in memory, which is what
 * drift avoids.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase } from "@/lib/db/open-database";
import { computeDrift } from "@/lib/drift/compute-drift";
import { foldedSubjects } from "@/lib/drift/membership-events";
import { resolveDriftRange } from "@/lib/drift/scan-range";
import type { DriftEvent } from "@/lib/drift/types";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { mutateTenantDocument } from "@/lib/emulator/generate/mutate-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";
import { runScan, type ScanOutcome } from "@/lib/scan/run-scan";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";
import { mib, parseFlags, printTable, rssSampler, secs, timed } from "../lib/measure";

const flags = parseFlags(process.argv.slice(2));
const clusters = Number(flags.clusters ?? 500);
const roleAssignments = Number(flags["role-assignments"] ?? 20_000);
const bindings = Number(flags.bindings ?? 20_000);
const principals = Number(flags.principals ?? 4_000);
const share = Number(flags.share ?? 0.01);
const repeat = Math.max(1, Number(flags.repeat ?? 5));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => (value < 1000 ? `${value.toFixed(0)} ms` : secs(value));

async function scan(pool: pg.Pool, tenant: TenantFile, label: string): Promise<ScanOutcome> {
  const model = modelFromTenantFile(tenant);
  const { value, ms: took } = await timed(() =>
    runScan({
      pool,
      tenant: { id: tenant.tenantId.toLowerCase(), displayName: "bench", source: "import" },
      trigger: "cli",
      collect: async () => ({ model, errors: [], apiCalls: {}, counts: { cluster: model.clusters.length } }),
    }),
  );
  console.log(
    `  scan #${value.scanId} (${label}): ${value.status}, ${value.rowsInserted} rows inserted, ${value.rowsClosed} closed, ${secs(took)}`,
  );
  return value;
}

const rss = rssSampler();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-bench-drift-"));
fs.chmodSync(work, 0o755);
const db = await openDatabase({ env: { ATLAS_DATA_DIR: path.join(work, "db") } });
const pool = new pg.Pool({ connectionString: db.url, max: 4 });
try {
  const tenantPath = path.join(work, "tenant.json");
  console.log(
    `Generating ${clusters} clusters, ${roleAssignments} role assignments, ${bindings} bindings, ${principals} principals…`,
  );
  const out = fs.createWriteStream(tenantPath);
  await generateTenant(
    {
      seed: 7,
      subscriptions: Math.max(1, Math.ceil(clusters / 50)),
      clusters,
      roleAssignments,
      bindings,
      identities: clusters * 2,
      principals,
    },
    out,
  );
  await new Promise<void>((resolve) => out.end(resolve));
  const original = await readTenantFile(tenantPath);
  const document = JSON.parse(fs.readFileSync(tenantPath, "utf8")) as Record<string, unknown>;
  const manifest = mutateTenantDocument(document, { seed: 11, share });
  const mutated = parseTenantFile(document, "mutated");
  console.log(`Mutation: ${manifest.length} object changes (${(share * 100).toFixed(1)}% of each kind)\n`);

  console.log("Scans (run-scan.ts, collect over modelFromTenantFile):");
  await scan(pool, original, "the tenant");
  const unchanged = await scan(pool, original, "unchanged");
  const changed = await scan(pool, mutated, "after the mutation");

  const { rows: sizes } = await pool.query<{ total: string; visible: string }>(
    `SELECT count(*) AS total,
            count(*) FILTER (WHERE valid_from_scan <= $1 AND (valid_to_scan IS NULL OR valid_to_scan > $1)) AS visible
     FROM snapshot_records`,
    [changed.scanId.toString()],
  );
  await pool.query("VACUUM ANALYZE snapshot_records");

  const range = await resolveDriftRange(pool, { from: unchanged.scanId, to: changed.scanId });
  const driftTimes: number[] = [];
  const readTimes: number[] = [];
  let events = 0;
  let folded = { members: 0, edges: 0 };
  let suppressed = 0;
  let readRows = 0;
  for (let i = 0; i < repeat; i++) {
    const drift = await timed(() => computeDrift(pool, range));
    driftTimes.push(drift.ms);
    events = drift.value.events.length;
    folded = foldedChanges(drift.value.events);
    suppressed = drift.value.suppressedStale;
    const read = await timed(async () => {
      const { rows } = await pool.query(
        `SELECT kind, natural_key, source, cluster_id, content_hash, data FROM snapshot_records
         WHERE tenant_id = $1 AND valid_from_scan <= $2 AND (valid_to_scan IS NULL OR valid_to_scan > $2)`,
        [range.tenantId, changed.scanId.toString()],
      );
      return rows.length;
    });
    readTimes.push(read.ms);
    readRows = read.value;
  }
  // For scale only, once: what drift avoids — both snapshots read in full and compared in memory.
  const naive = await timed(async () => {
    const snapshot = async (scanId: bigint) => {
      const { rows } = await pool.query<{ kind: string; natural_key: string; content_hash: string }>(
        `SELECT kind, natural_key, content_hash, data FROM snapshot_records
         WHERE tenant_id = $1 AND valid_from_scan <= $2 AND (valid_to_scan IS NULL OR valid_to_scan > $2)`,
        [range.tenantId, scanId.toString()],
      );
      return new Map(rows.map((r) => [`${r.kind}\u0000${r.natural_key}`, r.content_hash]));
    };
    const before = await snapshot(unchanged.scanId);
    const after = await snapshot(changed.scanId);
    let differences = 0;
    for (const [key, hash] of after) if (before.get(key) !== hash) differences++;
    for (const key of before.keys()) if (!after.has(key)) differences++;
    return differences;
  });

  const { rows: plan } = await pool.query<{ "QUERY PLAN": string }>(
    `EXPLAIN SELECT DISTINCT kind, natural_key FROM snapshot_records
     WHERE tenant_id = $1 AND ((valid_from_scan > $2 AND valid_from_scan <= $3)
                               OR (valid_to_scan > $2 AND valid_to_scan <= $3))`,
    [range.tenantId, unchanged.scanId.toString(), changed.scanId.toString()],
  );

  const driftMs = median(driftTimes);
  const readMs = median(readTimes);
  console.log(
    `\nsnapshot_records: ${Number(sizes[0].total).toLocaleString("en")} rows, ${Number(sizes[0].visible).toLocaleString("en")} visible at scan #${changed.scanId}\n`,
  );
  printTable([
    ["measure", "rows", `median of ${repeat}`, "vs full read"],
    [
      `drift #${unchanged.scanId} → #${changed.scanId} (computeDrift)`,
      `${events} events`,
      ms(driftMs),
      `${(driftMs / readMs).toFixed(2)}×`,
    ],
    ["full read of the snapshot (baseline)", `${readRows} rows`, ms(readMs), "1.00×"],
    [
      "two snapshots diffed in memory (what drift avoids, once)",
      `${naive.value} differences`,
      ms(naive.ms),
      `${(naive.ms / readMs).toFixed(2)}×`,
    ],
  ]);
  console.log(
    `\nthe ${events} events report ${events + folded.members + folded.edges} changed records: ${folded.members} members' access inside their group's event, ${folded.edges} inside the event of a membership, eligibility or ownership that began or ended (lib/drift/membership-events.ts)`,
  );
  console.log(
    `\nrows written by the unchanged scan #${unchanged.scanId}: ${unchanged.rowsInserted} inserted + ${unchanged.rowsClosed} closed in snapshot_records (plus its one scans row)`,
  );
  console.log(
    `stale guard: ${suppressed} vanished row(s) of sources scan #${changed.scanId} could not read completely were not reported as removed`,
  );
  console.log(`target: drift within 3× of the full read — ${driftMs <= 3 * readMs ? "met" : "NOT met"}`);
  console.log(`\nplan of the changed-rows scan:\n  ${plan.map((row) => row["QUERY PLAN"]).join("\n  ")}`);
  console.log(`\npeak RSS ${mib(rss.peak())}`);
} finally {
  rss.stop();
  await pool.end();
  await db.close();
  fs.rmSync(work, { recursive: true, force: true });
}

/** Changes the events report inside them (lib/drift/membership-events.ts): a group's members', an edge's access. */
function foldedChanges(list: readonly DriftEvent[]) {
  const counted = { members: 0, edges: 0 };
  for (const event of list) {
    const { via, subjects } = foldedSubjects(event);
    counted[via === "members" ? "members" : "edges"] += subjects.length;
  }
  return counted;
}
