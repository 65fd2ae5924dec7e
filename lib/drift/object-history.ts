import type { Queryable } from "@/lib/db/queryable";
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
  const { rows } = await db.query<Row>(
    `SELECT valid_from_scan::text, valid_to_scan::text, source, cluster_id, content_hash, data
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
      before && after && before.contentHash !== after.contentHash ? diffJson(before.data, after.data) : [],
    history,
  };
}
