-- Tenants, scans and the versioned snapshot table.

CREATE TABLE "tenants" (
  "id" TEXT NOT NULL,
  "display_name" TEXT NOT NULL,
  "source" TEXT NOT NULL,
  "tenant_file" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "scans" (
  "id" BIGSERIAL NOT NULL,
  "tenant_id" TEXT NOT NULL,
  "status" TEXT NOT NULL,
  "trigger" TEXT NOT NULL,
  "phase" TEXT NOT NULL DEFAULT 'queued',
  "progress_done" INTEGER NOT NULL DEFAULT 0,
  "progress_total" INTEGER NOT NULL DEFAULT 0,
  "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "finished_at" TIMESTAMPTZ(3),
  "duration_ms" INTEGER,
  "counts" JSONB NOT NULL DEFAULT '{}',
  "coverage" JSONB NOT NULL DEFAULT '{}',
  "errors" JSONB NOT NULL DEFAULT '[]',
  "api_calls" JSONB NOT NULL DEFAULT '{}',
  "rows_inserted" INTEGER NOT NULL DEFAULT 0,
  "rows_closed" INTEGER NOT NULL DEFAULT 0,
  "product_version" TEXT NOT NULL DEFAULT '',
  CONSTRAINT "scans_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "scans_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "scans_tenant_id_idx" ON "scans" ("tenant_id", "id" DESC);
CREATE INDEX "scans_status_idx" ON "scans" ("status");

CREATE TABLE "snapshot_records" (
  "id" BIGSERIAL NOT NULL,
  "tenant_id" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "natural_key" TEXT NOT NULL,
  "source" TEXT NOT NULL,
  "cluster_id" TEXT,
  "content_hash" TEXT NOT NULL,
  "data" JSONB NOT NULL,
  "valid_from_scan" BIGINT NOT NULL,
  "valid_to_scan" BIGINT,
  CONSTRAINT "snapshot_records_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "snapshot_records_from_idx" ON "snapshot_records" ("tenant_id", "kind", "valid_from_scan");
CREATE INDEX "snapshot_records_to_idx" ON "snapshot_records" ("tenant_id", "kind", "valid_to_scan");
CREATE INDEX "snapshot_records_cluster_idx" ON "snapshot_records" ("tenant_id", "cluster_id", "kind");
CREATE INDEX "snapshot_records_key_idx" ON "snapshot_records" ("tenant_id", "kind", "natural_key");
-- SQL-only (Prisma cannot express a partial index): at most one current row per object.
CREATE UNIQUE INDEX "snapshot_records_current_uq" ON "snapshot_records" ("tenant_id", "kind", "natural_key")
  WHERE "valid_to_scan" IS NULL;
