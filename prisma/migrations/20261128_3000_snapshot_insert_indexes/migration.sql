-- Maintaining snapshot_records' indexes is most of what storing a scan costs (docs/performance.md). A scan
-- inserts rows as current (valid_to_scan IS NULL), and the "closed in (from, to]" range scan of drift is the
-- only reader of snapshot_records_to_idx (current rows are found through snapshot_records_current_uq), so
-- the index keeps closed rows only: a scan's inserts no longer touch it, only its closes.
-- SQL-only, like snapshot_records_current_uq: Prisma's schema language cannot express partial indexes.
-- (Measured and kept: snapshot_records_key_idx — without it drift's per-key version lookups become
-- sequential scans, 0.6 s → 16 s on a 1.2M-row table; a BRIN in place of snapshot_records_from_idx made
-- drift's range scan 1.7× slower for no measurable gain on insert.)
DROP INDEX "snapshot_records_to_idx";
CREATE INDEX "snapshot_records_to_idx" ON "snapshot_records" ("tenant_id", "kind", "valid_to_scan")
  WHERE "valid_to_scan" IS NOT NULL;
