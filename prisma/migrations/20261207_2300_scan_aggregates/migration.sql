-- Whole-tenant aggregates of a completed scan (the principals' summaries, who can be cluster-admin, the
-- clusters' posture, a trend point), kept past a restart of the server. The state as of a completed scan never
-- changes, so an aggregate is computed once per scan and version of the code that computes it; a server that
-- restarts reads it back instead of computing it again (seconds to tens of seconds on a large tenant, which its
-- first visitor waited for). `version` is the production build's id (.next/BUILD_ID): a row of another build is computed again and
-- replaced. Retention deletes the rows of the scans it deletes (lib/jobs/retention.ts).
CREATE TABLE "scan_aggregates" (
  "scan_id" BIGINT NOT NULL,
  "name" TEXT NOT NULL,
  "tenant_id" TEXT NOT NULL,
  "version" TEXT NOT NULL,
  "data" JSONB NOT NULL,
  "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "scan_aggregates_pkey" PRIMARY KEY ("scan_id", "name")
);
CREATE INDEX "scan_aggregates_tenant_idx" ON "scan_aggregates" ("tenant_id", "scan_id");
