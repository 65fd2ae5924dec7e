import type { Queryable } from "@/lib/db/queryable";
import { ANALYSIS_SOURCE, DIRECTORY_SOURCE } from "@/lib/model/sources";

/** One version of a record as a drift endpoint saw it. */
export type RecordVersion = {
  source: string;
  clusterId: string | null;
  data: unknown;
  validFromScan: bigint;
};

/** A record whose content differs between two scans: absent before (added), absent after (removed), or both. */
export type ChangedRecord = {
  kind: string;
  naturalKey: string;
  before: RecordVersion | null;
  after: RecordVersion | null;
};

export type ChangedRecordsQuery = {
  tenantId: string;
  from: bigint;
  to: bigint;
  /** only records of this cluster (its own rows, and role assignments scoped at or inside it) */
  clusterId?: string | null;
  /** sources `to` read completely; rows of any other source that vanished are not removals */
  completeSources: readonly string[];
};

export type ChangedRecords = { changes: ChangedRecord[]; suppressedStale: number };

type Row = {
  kind: string;
  natural_key: string;
  b_source: string | null;
  b_cluster_id: string | null;
  b_data: unknown;
  b_from: string | null;
  a_source: string | null;
  a_cluster_id: string | null;
  a_data: unknown;
  a_from: string | null;
  stale_removal: boolean;
};

/**
 * The records that differ between scan `from` and scan `to` of one tenant, read set-based from the
 * versioned table: only rows that start or end inside (from, to] are touched, then each touched key's
 * version as of `from` and as of `to` is joined by the key index. Two snapshots are never loaded; the cost
 * follows the number of changes, not the size of the tenant. A key that changed and changed back between
 * the two scans has equal content hashes at both ends and is not a change.
 *
 * Stale guard: the store closes nothing of a source a scan could not read completely, so a vanished row
 * of such a source should not exist; if one does, it is flagged and not reported. Findings are derived
 * with coverage in mind (a rule that cannot see a cluster's Kubernetes objects reports "not assessed" in
 * place of its per-object findings), so a finding that vanished from a cluster `to` could not read
 * completely is flagged too: it was not resolved, it was not looked at.
 */
export async function readChangedRecords(db: Queryable, query: ChangedRecordsQuery): Promise<ChangedRecords> {
  const values: unknown[] = [
    query.tenantId,
    query.from.toString(),
    query.to.toString(),
    [...query.completeSources],
    ANALYSIS_SOURCE,
    DIRECTORY_SOURCE,
  ];
  let clusterFilter = "";
  if (query.clusterId) {
    values.push(query.clusterId);
    clusterFilter = `AND (r.cluster_id = $7 OR starts_with(r.natural_key, $7 || '/'))`;
  }
  const { rows } = await db.query<Row>(
    `WITH touched AS (
       SELECT DISTINCT r.kind, r.natural_key FROM snapshot_records r
       WHERE r.tenant_id = $1
         AND ((r.valid_from_scan > $2::bigint AND r.valid_from_scan <= $3::bigint)
              OR (r.valid_to_scan > $2::bigint AND r.valid_to_scan <= $3::bigint))
         ${clusterFilter}
     )
     SELECT t.kind, t.natural_key,
       b.source AS b_source, b.cluster_id AS b_cluster_id, b.data AS b_data, b.valid_from_scan::text AS b_from,
       a.source AS a_source, a.cluster_id AS a_cluster_id, a.data AS a_data, a.valid_from_scan::text AS a_from,
       (a.id IS NULL AND (
          (b.source <> $5 AND NOT (b.source = ANY($4::text[])))
          OR (b.kind = 'finding' AND NOT (
                ('cluster:' || b.cluster_id) = ANY($4::text[])
                AND ('sub:' || split_part(b.cluster_id, '/', 3)) = ANY($4::text[])
                AND $6 = ANY($4::text[])))
       )) AS stale_removal
     FROM touched t
     LEFT JOIN snapshot_records b
       ON b.tenant_id = $1 AND b.kind = t.kind AND b.natural_key = t.natural_key
      AND b.valid_from_scan <= $2::bigint AND (b.valid_to_scan IS NULL OR b.valid_to_scan > $2::bigint)
     LEFT JOIN snapshot_records a
       ON a.tenant_id = $1 AND a.kind = t.kind AND a.natural_key = t.natural_key
      AND a.valid_from_scan <= $3::bigint AND (a.valid_to_scan IS NULL OR a.valid_to_scan > $3::bigint)
     WHERE b.content_hash IS DISTINCT FROM a.content_hash
     ORDER BY t.kind, t.natural_key`,
    values,
  );
  const changes: ChangedRecord[] = [];
  let suppressedStale = 0;
  for (const row of rows) {
    if (row.stale_removal) {
      suppressedStale++;
      continue;
    }
    changes.push({
      kind: row.kind,
      naturalKey: row.natural_key,
      before: version(row.b_source, row.b_cluster_id, row.b_data, row.b_from),
      after: version(row.a_source, row.a_cluster_id, row.a_data, row.a_from),
    });
  }
  return { changes, suppressedStale };
}

function version(
  source: string | null,
  clusterId: string | null,
  data: unknown,
  validFrom: string | null,
): RecordVersion | null {
  if (source === null || validFrom === null) return null;
  return { source, clusterId, data, validFromScan: BigInt(validFrom) };
}
