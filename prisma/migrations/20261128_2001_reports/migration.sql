-- Compliance reports (frozen content as canonical JSON text) and their share links (token hashes only).

CREATE TABLE "reports" (
  "id" BIGSERIAL NOT NULL,
  "tenant_id" TEXT NOT NULL,
  "scan_id" BIGINT NOT NULL,
  "title" TEXT NOT NULL,
  "scope_key" TEXT NOT NULL,
  "scope" JSONB NOT NULL,
  "frameworks" JSONB NOT NULL,
  "redact" BOOLEAN NOT NULL DEFAULT false,
  "product_version" TEXT NOT NULL,
  "schema_version" INTEGER NOT NULL,
  "content" TEXT NOT NULL,
  "content_hash" TEXT NOT NULL,
  "summary" JSONB NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "reports_pkey" PRIMARY KEY ("id"),
  -- No foreign key to scans on purpose: a report outlives the scans it was made from.
  CONSTRAINT "reports_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "reports_scope_idx" ON "reports" ("tenant_id", "scope_key", "id" DESC);
CREATE INDEX "reports_recent_idx" ON "reports" ("id" DESC);

CREATE TABLE "report_shares" (
  "id" BIGSERIAL NOT NULL,
  "report_id" BIGINT NOT NULL,
  "token_hash" TEXT NOT NULL,
  "redact" BOOLEAN NOT NULL DEFAULT false,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "revoked_at" TIMESTAMPTZ(3),
  "views" INTEGER NOT NULL DEFAULT 0,
  "last_viewed_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "report_shares_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "report_shares_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "reports"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "report_shares_token_hash_key" ON "report_shares" ("token_hash");
CREATE INDEX "report_shares_report_idx" ON "report_shares" ("report_id", "id" DESC);

-- A report never changes once written: refuse updates of what it says (deleting a report stays possible).
CREATE FUNCTION "reports_frozen"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."content" IS DISTINCT FROM OLD."content" OR NEW."content_hash" IS DISTINCT FROM OLD."content_hash"
     OR NEW."scan_id" IS DISTINCT FROM OLD."scan_id" THEN
    RAISE EXCEPTION 'report % is frozen: its content cannot change', OLD."id";
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "reports_frozen" BEFORE UPDATE ON "reports" FOR EACH ROW EXECUTE FUNCTION "reports_frozen"();
