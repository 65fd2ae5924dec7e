/**
 * The scan's store phase against a raw COPY of the same rows, and an unchanged re-scan's writes.
 *
 *   npx tsx bench/store/run.ts [--clusters 500] [--role-assignments 100000] [--bindings 100000]
 *
 * Generates a tenant (lib/emulator/generate), normalizes it into the model, and in one run measures:
 *  - raw COPY of all records into an unindexed table (the floor: what Postgres can ingest),
 *  - storeRecords into an empty snapshot (staging COPY + set-based insert, indexes maintained),
 *  - storeRecords of the same records again (an unchanged re-scan): rows inserted and closed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { copyRows } from "@/lib/db/copy";
import { openDatabase } from "@/lib/db/open-database";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { readTenantFile } from "@/lib/emulator/tenant-file";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { contentHash, modelToRecords } from "@/lib/model/records";
import { storeRecords } from "@/lib/scan/store";
import { mib, parseFlags, printTable, rssSampler, secs, timed } from "../lib/measure";

const flags = parseFlags(process.argv.slice(2));
const clusters = Number(flags.clusters ?? 500);
const roleAssignments = Number(flags["role-assignments"] ?? 100_000);
const bindings = Number(flags.bindings ?? 100_000);

const rss = rssSampler();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-bench-store-"));
fs.chmodSync(work, 0o755);
const tenantPath = path.join(work, "tenant.json");
console.log(`Generating ${clusters} clusters, ${roleAssignments} role assignments, ${bindings} bindings…`);
const out = fs.createWriteStream(tenantPath);
await generateTenant(
  {
    seed: 42,
    subscriptions: Math.max(1, Math.ceil(clusters / 50)),
    clusters,
    roleAssignments,
    bindings,
    identities: clusters * 2,
    principals: 5000,
  },
  out,
);
await new Promise<void>((resolve) => out.end(resolve));

const tenant = await readTenantFile(tenantPath);
const model = modelFromTenantFile(tenant);
const records = modelToRecords(model);
const sources = Object.keys(model.coverage);
console.log(`${records.length} records\n`);

const db = await openDatabase({ env: { ATLAS_DATA_DIR: path.join(work, "data") } });
const client = new pg.Client({ connectionString: db.url });
await client.connect();
try {
  // Baseline: raw COPY of exactly the same rows (with their hashes, so the work per row is comparable).
  await client.query(`CREATE UNLOGGED TABLE raw_copy (kind text, natural_key text, source text, cluster_id text,
    content_hash text, data jsonb)`);
  const raw = await timed(() =>
    copyRows(
      client,
      "raw_copy",
      ["kind", "natural_key", "source", "cluster_id", "content_hash", "data"],
      (function* () {
        for (const r of records)
          yield [r.kind, r.naturalKey, r.source, r.clusterId, contentHash(r.data), JSON.stringify(r.data)];
      })(),
    ),
  );
  await client.query(
    `INSERT INTO tenants (id, display_name, source, updated_at) VALUES ($1, 'bench', 'import', now())`,
    [model.tenantId],
  );
  // Second baseline: the same COPY into snapshot_records itself (same indexes), rolled back. The gap between
  // the two baselines is index maintenance, which any queryable store pays.
  const snapshotColumns = [
    "tenant_id",
    "kind",
    "natural_key",
    "source",
    "cluster_id",
    "content_hash",
    "data",
    "valid_from_scan",
  ];
  await client.query("BEGIN");
  const indexed = await timed(() =>
    copyRows(
      client,
      "snapshot_records",
      snapshotColumns,
      (function* () {
        for (const r of records)
          yield [
            model.tenantId,
            r.kind,
            r.naturalKey,
            r.source,
            r.clusterId,
            contentHash(r.data),
            JSON.stringify(r.data),
            "0",
          ];
      })(),
    ),
  );
  await client.query("ROLLBACK");
  const store = async (scanId: bigint) => {
    await client.query("BEGIN");
    const result = await storeRecords(client, {
      tenantId: model.tenantId,
      scanId,
      records,
      closableSources: sources,
      kinds: "inventory",
    });
    await client.query("COMMIT");
    return result;
  };
  const first = await timed(() => store(1n));
  const again = await timed(() => store(2n));

  const ratio = (ms: number) => `${(ms / raw.ms).toFixed(2)}× raw, ${(ms / indexed.ms).toFixed(2)}× indexed`;
  printTable([
    ["phase", "rows", "time", "rows/s", "ratio to the baselines"],
    [
      "raw COPY, unindexed table (baseline)",
      raw.value,
      secs(raw.ms),
      Math.round(raw.value / (raw.ms / 1000)),
      ratio(raw.ms),
    ],
    [
      "raw COPY into snapshot_records (baseline)",
      indexed.value,
      secs(indexed.ms),
      Math.round(indexed.value / (indexed.ms / 1000)),
      ratio(indexed.ms),
    ],
    [
      "store, first scan",
      first.value.inserted,
      secs(first.ms),
      Math.round(first.value.staged / (first.ms / 1000)),
      ratio(first.ms),
    ],
    [
      "store, unchanged re-scan",
      again.value.staged,
      secs(again.ms),
      Math.round(again.value.staged / (again.ms / 1000)),
      ratio(again.ms),
    ],
  ]);
  console.log(
    `\nunchanged re-scan wrote ${again.value.inserted} inserted + ${again.value.closed} closed rows ` +
      `(${(((again.value.inserted + again.value.closed) / records.length) * 100).toFixed(3)}% of ${records.length}); target < 1%`,
  );
  console.log(`peak RSS ${mib(rss.peak())}`);
} finally {
  await client.end();
  await db.close();
  rss.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
