import path from "node:path";
import pg from "pg";
import { copyRows } from "@/lib/db/copy";
import { openDatabase } from "@/lib/db/open-database";
import { contentHash, type SnapshotRecordInput } from "@/lib/model/records";
import { storeRecords } from "@/lib/scan/store";
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
 * run on the same rows: a raw COPY into an unindexed table, and a raw COPY into snapshot_records itself (same
 * indexes, rolled back). Then an unchanged re-scan, whose written rows should be (close to) none.
 */
export async function measureStorePhase(input: {
  workDir: string;
  tenantId: string;
  records: readonly SnapshotRecordInput[];
  closableSources: readonly string[];
}): Promise<void> {
  const { records, tenantId } = input;
  const db = await openDatabase({ env: { ATLAS_DATA_DIR: path.join(input.workDir, "store-db") } });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const rowsOf = (scan: string) =>
      (function* () {
        for (const r of records) {
          yield [
            tenantId,
            r.kind,
            r.naturalKey,
            r.source,
            r.clusterId,
            contentHash(r.data),
            JSON.stringify(r.data),
            scan,
          ];
        }
      })();
    await client.query(`CREATE UNLOGGED TABLE raw_copy (tenant_id text, kind text, natural_key text, source text,
      cluster_id text, content_hash text, data jsonb, valid_from_scan bigint)`);
    const raw = await timed(() => copyRows(client, "raw_copy", SNAPSHOT_COLUMNS, rowsOf("0")));
    await client.query(
      `INSERT INTO tenants (id, display_name, source, updated_at) VALUES ($1, 'bench', 'import', now())`,
      [tenantId],
    );
    await client.query("BEGIN");
    const indexed = await timed(() => copyRows(client, "snapshot_records", SNAPSHOT_COLUMNS, rowsOf("0")));
    await client.query("ROLLBACK");
    // The rolled-back rows are dead tuples in the heap and in every index (the unique index must step over
    // them); vacuum them, or the store would run on a table no real first scan sees.
    await client.query("VACUUM snapshot_records");

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
    const first = await timed(() => store(1n));
    const again = await timed(() => store(2n));

    const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000));
    const ratio = (ms: number) =>
      `${(ms / raw.ms).toFixed(2)}× raw, ${(ms / indexed.ms).toFixed(2)}× indexed`;
    printTable([
      ["store phase", "rows", "time", "rows/s", "ratio to the baselines"],
      [
        "raw COPY, unindexed table (baseline)",
        raw.value,
        secs(raw.ms),
        rate(raw.value, raw.ms),
        ratio(raw.ms),
      ],
      [
        "raw COPY into snapshot_records (baseline)",
        indexed.value,
        secs(indexed.ms),
        rate(indexed.value, indexed.ms),
        ratio(indexed.ms),
      ],
      [
        "store, first scan",
        first.value.inserted,
        secs(first.ms),
        rate(records.length, first.ms),
        ratio(first.ms),
      ],
      [
        "store, unchanged re-scan",
        records.length,
        secs(again.ms),
        rate(records.length, again.ms),
        ratio(again.ms),
      ],
    ]);
    const written = again.value.inserted + again.value.closed;
    console.log(
      `unchanged re-scan wrote ${again.value.inserted} inserted + ${again.value.closed} closed rows ` +
        `(${((written / Math.max(1, records.length)) * 100).toFixed(3)}% of ${records.length}; target < 1%)`,
    );
  } finally {
    await client.end();
    await db.close();
  }
}
