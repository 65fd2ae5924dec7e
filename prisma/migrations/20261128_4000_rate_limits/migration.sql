-- Rate-limit counters shared by every app process (lib/auth/rate-limit.ts): one row per (bucket, client
-- address, fixed window), plus one row per (bucket, window) with client '' counting all clients together.
-- UNLOGGED: counters are worth nothing after a crash or a failover (a reset just starts a fresh window),
-- so they skip the write-ahead log that every request would otherwise pay for.
CREATE UNLOGGED TABLE "rate_limit_counters" (
  "bucket" TEXT NOT NULL,
  "client" TEXT NOT NULL,
  "window_start" TIMESTAMPTZ(3) NOT NULL,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "count" INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT "rate_limit_counters_pkey" PRIMARY KEY ("bucket", "client", "window_start")
);
-- Pruning deletes ended windows.
CREATE INDEX "rate_limit_counters_expires_idx" ON "rate_limit_counters" ("expires_at");
