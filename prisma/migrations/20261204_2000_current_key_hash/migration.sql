-- At most one current row per object, checked on the MD5 of the natural key (16 bytes) instead of the key
-- itself. Natural keys are ~230 characters (a cluster's ARM id, a principal, a level…), and the old
-- snapshot_records_current_uq held each one whole: 178 MB of 1,120 MB on bench/pages' 500-cluster
-- database, the same again as snapshot_records_key_idx, which keeps every version's key for lookups and
-- key ranges. This one is 28 MB there (docs/performance.md, "Keys"). It only guards: readers find rows
-- by key through snapshot_records_key_idx. A collision of two keys' MD5 would make a scan fail loudly
-- (a unique violation rolls it back), never hide a row.
CREATE UNIQUE INDEX "snapshot_records_current_key_uq" ON "snapshot_records"
  ("tenant_id", "kind", decode(md5("natural_key"), 'hex'))
  WHERE "valid_to_scan" IS NULL;
DROP INDEX "snapshot_records_current_uq";
