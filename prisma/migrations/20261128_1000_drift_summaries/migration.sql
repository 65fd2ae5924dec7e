-- Drift counts per scan (against the completed scan before it), for the whole tenant (scope '') or one
-- cluster (scope = cluster id). Drift between two committed scans never changes, so counting it once is
-- enough; `version` is the drift rules' version, and a summary of another version is counted again.

CREATE TABLE "drift_summaries" (
  "to_scan_id" BIGINT NOT NULL,
  "scope" TEXT NOT NULL,
  "tenant_id" TEXT NOT NULL,
  "from_scan_id" BIGINT,
  "version" INTEGER NOT NULL,
  "counts" JSONB NOT NULL,
  "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "drift_summaries_pkey" PRIMARY KEY ("to_scan_id", "scope")
);
CREATE INDEX "drift_summaries_tenant_idx" ON "drift_summaries" ("tenant_id", "to_scan_id" DESC);
