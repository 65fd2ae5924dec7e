-- Rate limits move to rate-limiter-flexible's RateLimiterPostgres (lib/auth/rate-limit.ts, issue 17). Its
-- table has the library's layout (RateLimiterPostgres._getCreateTableStmt): one row per key
-- ("<bucket>:<scope>:<client>"), the points spent in the current window and when it ends (epoch ms).
-- The library writes it with `INSERT … VALUES ($1, $2, $3)`, so the column ORDER is part of the contract.
-- It is created here rather than by the library at start-up (tableCreated: true), so every process finds it
-- and the schema stays in one place. UNLOGGED as before: counters are worth nothing after a crash or a
-- failover (a reset only starts fresh windows), so they skip the write-ahead log every request would pay.
-- No index on "expire": it changes on every window reset, and an index would cost those updates their
-- HOT path; the once-a-minute prune scans a table of one row per recent client.
DROP TABLE "rate_limit_counters";
CREATE UNLOGGED TABLE "rate_limits" (
  "key" VARCHAR(255) NOT NULL,
  "points" INTEGER NOT NULL DEFAULT 0,
  "expire" BIGINT,
  CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);
