import type pg from "pg";
import { copyRows } from "@/lib/db/copy";
import { contentHash, type SnapshotRecordInput } from "@/lib/model/records";

export interface StoreResult {
  staged: number;
  inserted: number;
  closed: number;
}

/**
 * Stores what one scan saw as versioned rows, inside the caller's transaction:
 *  1. COPY every record into a temporary staging table;
 *  2. close the current rows that changed, or that vanished from a source this scan read completely
 *     (rows of sources that were not read carry forward untouched — a fault is never "everything deleted");
 *  3. insert the staged rows that have no identical current row.
 * An unchanged object therefore costs nothing but its staging row.
 */
export async function storeRecords(
  client: pg.PoolClient | pg.Client,
  input: {
    tenantId: string;
    scanId: bigint;
    records: Iterable<SnapshotRecordInput>;
    /** sources read completely by this scan: only their vanished rows are closed */
    closableSources: readonly string[];
    /** record kinds this call is responsible for (inventory vs analysis are stored separately) */
    kinds: "inventory" | "analysis";
  },
): Promise<StoreResult> {
  const staging = `atlas_staging_${input.kinds}`;
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${staging} (
      kind TEXT NOT NULL, natural_key TEXT NOT NULL, source TEXT NOT NULL, cluster_id TEXT,
      content_hash TEXT NOT NULL, data JSONB NOT NULL) ON COMMIT DROP`);
  await client.query(`TRUNCATE ${staging}`);

  const seen = new Set<string>();
  function* rows(): Generator<readonly (string | null)[]> {
    for (const r of input.records) {
      const identity = `${r.kind}\u0000${r.naturalKey}`;
      if (seen.has(identity)) throw new Error(`duplicate natural key in one scan: ${r.kind} ${r.naturalKey}`);
      seen.add(identity);
      yield [r.kind, r.naturalKey, r.source, r.clusterId, contentHash(r.data), JSON.stringify(r.data)];
    }
  }
  const staged = await copyRows(
    client,
    staging,
    ["kind", "natural_key", "source", "cluster_id", "content_hash", "data"],
    rows(),
  );
  await client.query(`CREATE INDEX ON ${staging} (kind, natural_key)`);
  await client.query(`ANALYZE ${staging}`);

  const kindFilter =
    input.kinds === "analysis"
      ? `(r.kind LIKE 'access.%' OR r.kind = 'finding')`
      : `NOT (r.kind LIKE 'access.%' OR r.kind = 'finding')`;

  // Close: changed rows (a staged row with the same key and another hash), and vanished rows of read sources.
  const closed = await client.query(
    `UPDATE snapshot_records r SET valid_to_scan = $2
     WHERE r.tenant_id = $1 AND r.valid_to_scan IS NULL AND ${kindFilter}
       AND NOT EXISTS (SELECT 1 FROM ${staging} s
                       WHERE s.kind = r.kind AND s.natural_key = r.natural_key AND s.content_hash = r.content_hash)
       AND (r.source = ANY($3::text[])
            OR EXISTS (SELECT 1 FROM ${staging} s WHERE s.kind = r.kind AND s.natural_key = r.natural_key))`,
    [input.tenantId, input.scanId.toString(), input.closableSources],
  );
  const inserted = await client.query(
    `INSERT INTO snapshot_records
       (tenant_id, kind, natural_key, source, cluster_id, content_hash, data, valid_from_scan, valid_to_scan)
     SELECT $1, s.kind, s.natural_key, s.source, s.cluster_id, s.content_hash, s.data, $2, NULL
     FROM ${staging} s
     WHERE NOT EXISTS (SELECT 1 FROM snapshot_records r
                       WHERE r.tenant_id = $1 AND r.kind = s.kind AND r.natural_key = s.natural_key
                         AND r.valid_to_scan IS NULL)`,
    [input.tenantId, input.scanId.toString()],
  );
  return { staged, inserted: inserted.rowCount ?? 0, closed: closed.rowCount ?? 0 };
}
