-- Incremental analysis (docs/scanner.md, "Incremental analysis"): next to a tenant's current access rows
-- (one row per cluster, part 'access') and its current findings (one row, part 'findings', cluster_id ''),
-- the hash of exactly the inputs they were computed from. A scan whose hash is the same keeps those rows
-- without evaluating; written in the scan's own transaction, so a crash never leaves a hash that does not
-- match the rows. Whatever else rewrites analysis rows must delete the tenant's hashes (the next scan then
-- evaluates everything). No existing data moves: a tenant without hashes is evaluated in full once.
CREATE TABLE "analysis_input_hashes" (
  "tenant_id" TEXT NOT NULL,
  "part" TEXT NOT NULL,
  "cluster_id" TEXT NOT NULL,
  -- what must match for reuse: the cluster's own inputs combined with the tenant-wide inputs
  "input_hash" TEXT NOT NULL,
  -- the parts, kept to say why a cluster was re-evaluated
  "own_inputs_hash" TEXT NOT NULL,
  "tenant_inputs_hash" TEXT NOT NULL,
  -- the counts of the stored rows, so a scan that reuses them reports the same counts
  "grants" INTEGER NOT NULL DEFAULT 0,
  "escalations" INTEGER NOT NULL DEFAULT 0,
  "findings" INTEGER NOT NULL DEFAULT 0,
  -- the scan that evaluated them
  "scan_id" BIGINT NOT NULL,
  CONSTRAINT "analysis_input_hashes_pkey" PRIMARY KEY ("tenant_id", "part", "cluster_id"),
  CONSTRAINT "analysis_input_hashes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id")
    ON DELETE CASCADE ON UPDATE CASCADE
);
