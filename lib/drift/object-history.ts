import { Prisma } from "@/lib/db/generated/client";
import type { Queryable } from "@/lib/db/queryable";
import { canonicalJson } from "@/lib/model/records";
import { expandedAccessSql } from "@/lib/queries/expanded-access";
import { diffJson } from "./json-diff";
import type { DriftRange } from "./scan-range";
import { DriftNotFoundError } from "./scan-range";
import type { FieldChange } from "./types";

export type ObjectVersion = {
  validFromScan: string;
  /** exclusive; null while current */
  validToScan: string | null;
  source: string;
  clusterId: string | null;
  contentHash: string;
  data: unknown;
};

export type ObjectDiff = {
  tenantId: string;
  kind: string;
  key: string;
  from: string | null;
  to: string;
  before: ObjectVersion | null;
  after: ObjectVersion | null;
  changes: FieldChange[];
  /** every stored version of the object, oldest first (retention may have pruned older ones) */
  history: ObjectVersion[];
};

type Row = {
  valid_from_scan: string;
  valid_to_scan: string | null;
  source: string;
  cluster_id: string | null;
  content_hash: string;
  data: unknown;
};

const visibleAt = (version: ObjectVersion, scan: bigint) =>
  BigInt(version.validFromScan) <= scan &&
  (version.validToScan === null || BigInt(version.validToScan) > scan);

/**
 * One object's versions (by the key index: an object has a handful of rows at most) and its field-level
 * difference between the two scans of `range`. DriftNotFoundError when the tenant never had the object.
 */
export async function objectDiff(
  db: Queryable,
  range: DriftRange,
  kind: string,
  key: string,
): Promise<ObjectDiff> {
  const { rows } =
    kind === "access.grant" || kind === "access.escalation"
      ? { rows: await accessVersions(db, range.tenantId, kind, key) }
      : await db.query<Row>(
          `SELECT valid_from_scan::text, valid_to_scan::text, source, cluster_id, content_hash,
            atlas_record_data(tenant_id, kind, data) AS data
     FROM snapshot_records WHERE tenant_id = $1 AND kind = $2 AND natural_key = $3
     ORDER BY valid_from_scan`,
          [range.tenantId, kind, key],
        );
  if (rows.length === 0) {
    throw new DriftNotFoundError(
      "object_not_found",
      `No ${kind} ${key} was ever seen in tenant ${range.tenantId}.`,
    );
  }
  const history: ObjectVersion[] = rows.map((row) => ({
    validFromScan: row.valid_from_scan,
    validToScan: row.valid_to_scan,
    source: row.source,
    clusterId: row.cluster_id,
    contentHash: row.content_hash,
    data: row.data,
  }));
  const before = range.from ? (history.find((v) => visibleAt(v, range.from?.id ?? 0n)) ?? null) : null;
  const after = history.find((v) => visibleAt(v, range.to.id)) ?? null;
  return {
    tenantId: range.tenantId,
    kind,
    key,
    from: range.from?.id.toString() ?? null,
    to: range.to.id.toString(),
    before,
    after,
    changes:
      before && after && canonicalJson(before.data) !== canonicalJson(after.data)
        ? diffJson(before.data, after.data)
        : [],
    history,
  };
}

/** A Prisma.Sql statement run on pg: the same text and parameters, scan ids as text. */
function run<R extends object>(db: Queryable, statement: Prisma.Sql) {
  const values = statement.values.map((value) => (typeof value === "bigint" ? value.toString() : value));
  return db.query<R & Record<string, unknown>>(statement.text, values);
}

/**
 * The versions of an access row as readers see it (lib/queries/expanded-access.ts): stored, or expanded from
 * a group's row through a membership. The row can only change where one of the rows it is read from starts
 * or ends — its own, its absent marker, its member's memberships, those groups' rows of the same key — so
 * it is read as of each of those scans, and equal neighbours are one version.
 */
async function accessVersions(db: Queryable, tenantId: string, kind: string, key: string): Promise<Row[]> {
  const { rows: bounds } = await run<{ scan: string }>(
    db,
    Prisma.sql`WITH parts AS (
      SELECT valid_from_scan, valid_to_scan FROM snapshot_records
      WHERE tenant_id = ${tenantId} AND ((kind = ${kind} AND natural_key = ${key})
        OR (kind = 'access.absent' AND natural_key = ${`${kind}|${key}`}))
      UNION ALL
      SELECT v.valid_from_scan, v.valid_to_scan
      FROM (SELECT split_part(${key}, '|', 1) AS cluster_id) c
      CROSS JOIN LATERAL (SELECT substr(${key}, length(c.cluster_id) + 2, 36) AS member_id,
                                 substr(${key}, length(c.cluster_id) + 38) AS rest) d
      JOIN snapshot_records m ON m.tenant_id = ${tenantId} AND m.kind = 'access.membership'
        AND substr(m.natural_key, 38) = d.member_id
      CROSS JOIN LATERAL (
        SELECT m.valid_from_scan, m.valid_to_scan
        UNION ALL
        SELECT g.valid_from_scan, g.valid_to_scan FROM snapshot_records g
        WHERE g.tenant_id = ${tenantId} AND g.kind = ${kind}
          AND g.natural_key = c.cluster_id || '|' || split_part(m.natural_key, '|', 1) || d.rest
      ) v
      WHERE substr(d.rest, 1, 1) = '|'
    )
    SELECT scan::text FROM (
      SELECT valid_from_scan AS scan FROM parts UNION SELECT valid_to_scan FROM parts WHERE valid_to_scan IS NOT NULL
    ) x ORDER BY x.scan`,
  );
  const scans = bounds.map((bound) => BigInt(bound.scan)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const versions: Row[] = [];
  for (const [index, scan] of scans.entries()) {
    const { rows } = await run<Omit<Row, "valid_from_scan" | "valid_to_scan">>(
      db,
      Prisma.sql`SELECT source, cluster_id, content_hash, atlas_record_data(tenant_id, kind, data) AS data
        FROM ${expandedAccessSql({ tenantId, scanId: scan, kinds: [kind as "access.grant"], naturalKeys: [key] })} e`,
    );
    const last = versions.at(-1);
    const row = rows[0];
    const until = scans[index + 1]?.toString() ?? null;
    if (!row) continue;
    if (
      last &&
      last.valid_to_scan === scan.toString() &&
      canonicalJson(last.data) === canonicalJson(row.data)
    )
      last.valid_to_scan = until;
    else versions.push({ ...row, valid_from_scan: scan.toString(), valid_to_scan: until });
  }
  return versions;
}
