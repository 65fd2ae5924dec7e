import { Prisma } from "@/lib/db/generated/client";
import type { Queryable } from "@/lib/db/queryable";
import { collectStepRefs, withStepsBack } from "@/lib/model/path-step-refs";
import { canonicalJson } from "@/lib/model/records";
import { ANALYSIS_SOURCE, DIRECTORY_SOURCE } from "@/lib/model/sources";
import { expandedAccessSql } from "@/lib/queries/expanded-access";

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
       -- access rows are compared as readers see them, expanded through groups (readChangedAccess)
       WHERE r.tenant_id = $1 AND r.kind NOT LIKE 'access.%'
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
     WHERE b.content_hash IS DISTINCT FROM a.content_hash`,
    values,
  );
  const changes: ChangedRecord[] = await readChangedAccess(db, query);
  let suppressedStale = 0;
  const inventory: ChangedRecord[] = [];
  for (const row of rows) {
    if (row.stale_removal) {
      suppressedStale++;
      continue;
    }
    inventory.push({
      kind: row.kind,
      naturalKey: row.natural_key,
      before: version(row.b_source, row.b_cluster_id, row.b_data, row.b_from),
      after: version(row.a_source, row.a_cluster_id, row.a_data, row.a_from),
    });
  }
  changes.push(...(await withStepsBackInChanges(db, query.tenantId, inventory)));
  // one order whatever the layout: by kind, then key
  changes.sort((a, b) => compareText(a.kind, b.kind) || compareText(a.naturalKey, b.naturalKey));
  return { changes, suppressedStale };
}

/**
 * The changes with the path steps their stored paths reference put back (docs/scanner.md, "Path steps stored
 * once"), read in one query for all of them: in SQL (`atlas_record_data`, row by row) it was most of a large
 * drift's time — 0.2–0.35 ms a row, 430,000 rows after a change to a large group on a 500-cluster tenant
 * (docs/performance.md, "Drift at scale").
 */
async function withStepsBackInChanges(
  db: Queryable,
  tenantId: string,
  changes: readonly ChangedRecord[],
): Promise<ChangedRecord[]> {
  const refs = new Set<string>();
  for (const change of changes) {
    if (change.before) collectStepRefs(change.kind, change.before.data, refs);
    if (change.after) collectStepRefs(change.kind, change.after.data, refs);
  }
  if (refs.size === 0) return [...changes];
  const { rows } = await db.query<{ ref: string; step: unknown }>(
    "SELECT ref, step FROM path_steps WHERE tenant_id = $1 AND ref = ANY($2::text[])",
    [tenantId, [...refs]],
  );
  const steps = new Map(rows.map((row) => [row.ref, row.step]));
  const back = (kind: string, end: RecordVersion | null): RecordVersion | null =>
    end ? { ...end, data: withStepsBack(kind, end.data, steps) } : null;
  return changes.map((change) => ({
    ...change,
    before: back(change.kind, change.before),
    after: back(change.kind, change.after),
  }));
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type AccessRow = {
  kind: string;
  natural_key: string;
  source: string;
  cluster_id: string | null;
  data: unknown;
  valid_from_scan: string;
};

/** A Prisma.Sql statement run on pg: the same text and parameters, scan ids as text. */
function run<R extends object>(db: Queryable, statement: Prisma.Sql) {
  const values = statement.values.map((value) => (typeof value === "bigint" ? value.toString() : value));
  return db.query<R & Record<string, unknown>>(statement.text, values);
}

/**
 * The access rows (grants, escalations) that differ between the two scans, compared as readers see them:
 * stored rows and rows expanded from a group's row through a membership (lib/queries/expanded-access.ts), so
 * a scan stored with every member's rows and one stored on the group compare by what they say, not by how
 * they are stored. A key is touched when its own row, its absent marker, or the group row or membership it
 * is expanded from starts or ends inside (from, to].
 */
async function readChangedAccess(db: Queryable, query: ChangedRecordsQuery): Promise<ChangedRecord[]> {
  const { tenantId, from, to } = query;
  const clusterIds = query.clusterId ? [query.clusterId] : undefined;
  const cluster = (alias: string) =>
    query.clusterId ? Prisma.sql`AND ${Prisma.raw(alias)}.cluster_id = ${query.clusterId}` : Prisma.empty;
  const touchedRow = (alias: string) => {
    const t = Prisma.raw(alias);
    return Prisma.sql`((${t}.valid_from_scan > ${from} AND ${t}.valid_from_scan <= ${to})
      OR (${t}.valid_to_scan > ${from} AND ${t}.valid_to_scan <= ${to}))`;
  };
  const { rows: touched } = await run<{ kind: string; natural_key: string }>(
    db,
    Prisma.sql`SELECT DISTINCT kind, natural_key FROM (
      SELECT r.kind, r.natural_key FROM snapshot_records r
      WHERE r.tenant_id = ${tenantId} AND r.kind IN ('access.grant', 'access.escalation') AND ${touchedRow("r")}
        ${cluster("r")}
      UNION ALL
      SELECT r.data->>'kind', r.data->>'naturalKey' FROM snapshot_records r
      WHERE r.tenant_id = ${tenantId} AND r.kind = 'access.absent' AND ${touchedRow("r")} ${cluster("r")}
      UNION ALL
      SELECT e.kind, e.natural_key FROM ${expandedAccessSql({
        tenantId,
        scanId: to,
        clusterIds,
        derivedWhere: Prisma.sql`g.valid_from_scan > ${from} OR m.valid_from_scan > ${from}`,
      })} e WHERE e.expanded
      UNION ALL
      SELECT e.kind, e.natural_key FROM ${expandedAccessSql({
        tenantId,
        scanId: from,
        clusterIds,
        derivedWhere: Prisma.sql`g.valid_to_scan <= ${to} OR m.valid_to_scan <= ${to}`,
      })} e WHERE e.expanded
    ) t`,
  );
  if (touched.length === 0) return [];
  const keys = [...new Set(touched.map((row) => row.natural_key))];
  const wanted = new Set(touched.map((row) => `${row.kind}\u0000${row.natural_key}`));
  const versions = async (scanId: bigint) => {
    const { rows } = await run<AccessRow>(
      db,
      Prisma.sql`SELECT e.kind, e.natural_key, e.source, e.cluster_id, e.data, e.valid_from_scan::text
        FROM ${expandedAccessSql({ tenantId, scanId, clusterIds, naturalKeys: keys })} e`,
    );
    return new Map(rows.map((row) => [`${row.kind}\u0000${row.natural_key}`, row]));
  };
  const [before, after] = [await versions(from), await versions(to)];
  // Compared as stored first — a step's reference names its content, so equal documents are equal steps and
  // all — then, for those that differ, with their steps put back: a path stored with its steps inline (before
  // the step dictionary) and the same path stored by reference are the same access.
  const differing: ChangedRecord[] = [];
  for (const identity of wanted) {
    const b = before.get(identity);
    const a = after.get(identity);
    if (!b && !a) continue;
    if (b && a && canonicalJson(b.data) === canonicalJson(a.data)) continue;
    const [kind, naturalKey] = identity.split("\u0000");
    const version = (row: AccessRow | undefined): RecordVersion | null =>
      row
        ? {
            source: row.source,
            clusterId: row.cluster_id,
            data: row.data,
            validFromScan: BigInt(row.valid_from_scan),
          }
        : null;
    differing.push({ kind, naturalKey, before: version(b), after: version(a) });
  }
  return (await withStepsBackInChanges(db, tenantId, differing)).filter(
    (change) =>
      !change.before ||
      !change.after ||
      canonicalJson(change.before.data) !== canonicalJson(change.after.data),
  );
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
