-- Per-tenant settings of scheduled scans, drift notifications and retention (a NULL inherits the
-- environment), and one row per completed scan whose drift was followed up (summary counted, webhook
-- delivered or skipped). The scan queue itself lives in pg-boss's own schema.

CREATE TABLE "tenant_settings" (
  "tenant_id" TEXT NOT NULL,
  "scan_schedule" TEXT,
  "scan_timezone" TEXT,
  "webhook_url" TEXT,
  "webhook_format" TEXT,
  "webhook_min_severity" TEXT,
  "retention_days" INTEGER,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "tenant_settings_pkey" PRIMARY KEY ("tenant_id")
);

CREATE TABLE "drift_notifications" (
  "scan_id" BIGINT NOT NULL,
  "tenant_id" TEXT NOT NULL,
  "status" TEXT NOT NULL,
  "events" INTEGER NOT NULL DEFAULT 0,
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "last_error" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "drift_notifications_pkey" PRIMARY KEY ("scan_id")
);
CREATE INDEX "drift_notifications_tenant_idx" ON "drift_notifications" ("tenant_id", "scan_id" DESC);
