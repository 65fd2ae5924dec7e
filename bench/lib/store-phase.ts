import path from "node:path";
import pg from "pg";
import { copyRows } from "@/lib/db/copy";
import { openDatabase } from "@/lib/db/open-database";
import { canonicalJson, hashCanonicalJson, type SnapshotRecordInput } from "@/lib/model/records";
import { type StoreResult, storeRecords } from "@/lib/scan/store";
import { printTable, secs, timed } from "./measure";

const SNAPSHOT_COLUMNS = [
  "tenant_id",
  "kind",
  "natural_key",
  "source",
  "cluster_id",
  "content_hash",
  "data",
  "valid_from_scan",
];

/**
 * The scan's store phase on a fresh embedded database in `workDir`, against two baselines measured in the same
 * run on the same rows: a raw COPY into a plain table with no index (logged, as snapshot_records is: the
 * baseline the target is about), the same into an UNLOGGED one (no WAL either: a lower bound no durable store
 * can reach), and a raw COPY into snapshot_records itself (same
 * indexes, rolled back). Then an unchanged re-scan, whose written rows should be (close to) none. The four
 * measurements alternate over `rounds` rounds (the machine is shared: one slow moment must not decide a ratio)
 * and the table shows each one's median.
 */
export async function measureStorePhase(input: {
  workDir: string;
  tenantId: string;
  records: readonly SnapshotRecordInput[];
  closableSources: readonly string[];
  rounds?: number;
}): Promise<void> {
  const { records, tenantId } = input;
  const rounds = Math.max(1, input.rounds ?? 3);
  const db = await openDatabase({ env: { ATLAS_DATA_DIR: path.join(input.workDir, "store-db") } });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const rowsOf = (scan: string) =>
      (function* () {
        // The same rows the store writes, produced as cheaply: one canonical serialisation per record.
        for (const r of records) {
          const json = canonicalJson(r.data);
          yield [tenantId, r.kind, r.naturalKey, r.source, r.clusterId, hashCanonicalJson(json), json, scan];
        }
      })();
    for (const table of ["raw_copy", "raw_copy_unlogged"]) {
      await client.query(`CREATE ${table === "raw_copy" ? "" : "UNLOGGED"} TABLE ${table} (tenant_id text,
        kind text, natural_key text, source text, cluster_id text, content_hash text, data jsonb,
        valid_from_scan bigint)`);
    }
    await client.query(
      `INSERT INTO tenants (id, display_name, source, updated_at) VALUES ($1, 'bench', 'import', now())`,
      [tenantId],
    );
    const store = async (scanId: bigint) => {
      await client.query("BEGIN");
      const result = await storeRecords(client, {
        tenantId,
        scanId,
        records,
        closableSources: input.closableSources,
        kinds: "inventory",
      });
      await client.query("COMMIT");
      return result;
    };

    const times = {
      raw: [] as number[],
      unlogged: [] as number[],
      indexed: [] as number[],
      first: [] as number[],
      again: [] as number[],
    };
    let rawRows = 0;
    let indexedRows = 0;
    let first: StoreResult | undefined;
    let again: StoreResult | undefined;
    for (let round = 0; round < rounds; round++) {
      // Every round starts from empty tables (TRUNCATE leaves no dead tuples behind), as a first scan does.
      await client.query("TRUNCATE raw_copy, raw_copy_unlogged, snapshot_records");
      await client.query("CHECKPOINT");
      const raw = await timed(() => copyRows(client, "raw_copy", SNAPSHOT_COLUMNS, rowsOf("0")));
      times.raw.push(raw.ms);
      rawRows = raw.value;
      const unlogged = await timed(() =>
        copyRows(client, "raw_copy_unlogged", SNAPSHOT_COLUMNS, rowsOf("0")),
      );
      times.unlogged.push(unlogged.ms);
      await client.query("BEGIN");
      const indexed = await timed(() => copyRows(client, "snapshot_records", SNAPSHOT_COLUMNS, rowsOf("0")));
      await client.query("ROLLBACK");
      times.indexed.push(indexed.ms);
      indexedRows = indexed.value;
      // The rolled-back rows are dead tuples in the heap and every index; the store must not pay for them.
      await client.query("TRUNCATE snapshot_records");
      await client.query("CHECKPOINT");
      const firstScan = await timed(() => store(1n));
      times.first.push(firstScan.ms);
      first = firstScan.value;
      const againScan = await timed(() => store(2n));
      times.again.push(againScan.ms);
      again = againScan.value;
    }
    if (!first || !again) throw new Error("no round ran");
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const raw = { ms: median(times.raw), value: rawRows };
    const unloggedMs = median(times.unlogged);
    const indexed = { ms: median(times.indexed), value: indexedRows };
    const firstMs = median(times.first);
    const againMs = median(times.again);
    console.log(
      `store phase: ${records.length} rows, median of ${rounds} alternating rounds ` +
        `(raw ${times.raw.map(secs).join(", ")}; store ${times.first.map(secs).join(", ")})`,
    );
    const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000));
    const ratio = (ms: number) =>
      `${(ms / raw.ms).toFixed(2)}× raw, ${(ms / indexed.ms).toFixed(2)}× indexed`;
    printTable([
      ["store phase", "rows", "time", "rows/s", "ratio to the baselines"],
      [
        "raw COPY, table with no index (baseline)",
        raw.value,
        secs(raw.ms),
        rate(raw.value, raw.ms),
        ratio(raw.ms),
      ],
      [
        "raw COPY, UNLOGGED table with no index",
        raw.value,
        secs(unloggedMs),
        rate(raw.value, unloggedMs),
        ratio(unloggedMs),
      ],
      [
        "raw COPY into snapshot_records (baseline)",
        indexed.value,
        secs(indexed.ms),
        rate(indexed.value, indexed.ms),
        ratio(indexed.ms),
      ],
      ["store, first scan", first.inserted, secs(firstMs), rate(records.length, firstMs), ratio(firstMs)],
      [
        "store, unchanged re-scan",
        records.length,
        secs(againMs),
        rate(records.length, againMs),
        ratio(againMs),
      ],
    ]);
    const written = again.inserted + again.closed;
    console.log(
      `unchanged re-scan wrote ${again.inserted} inserted + ${again.closed} closed rows ` +
        `(${((written / Math.max(1, records.length)) * 100).toFixed(3)}% of ${records.length}; target < 1%)`,
    );
  } finally {
    await client.end();
    await db.close();
  }
}
