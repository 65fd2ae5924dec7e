import pg from "pg";
import { readReportConfig } from "@/lib/reports/config";
import { UNKNOWN_CLIENT } from "./client-address";
import { processState } from "./process-state";
import type { RateLimitBucket } from "./route-policy";

/**
 * The product's one rate limiter: fixed windows per (bucket, client address), counted in PostgreSQL so
 * every app process on every machine sees the same counts (table rate_limit_counters, migration
 * 20261128_4000_rate_limits). The proxy (lib/auth/proxy-handler.ts) takes a token for each request whose
 * route has a bucket (lib/auth/route-policy.ts); the client is lib/auth/client-address.ts's.
 *
 * - One round trip per request: one INSERT … ON CONFLICT DO UPDATE increments the client's row and, for a
 *   bucket with a global limit, the bucket's all-clients row, and returns both counts. Rows are inserted in
 *   a fixed order (client, then all), so two requests never wait on each other in opposite orders.
 * - A global limit degrades per client: past it, each client is held to a small fair share for the rest
 *   of the window instead of everyone being refused, so a flood from a few addresses cannot lock out a
 *   well-behaved one (issue #18).
 * - Expired windows are deleted by the same statement, at most once a minute per process.
 * - If the database cannot answer (down, slow, saturated), the limiter does NOT fail closed: it counts in
 *   this process's memory — the same windows and limits, per process — and retries the database after a
 *   few seconds. Failing closed would turn a database outage into refusing sign-in, which needs no
 *   database; failing wide open would make "exhaust the limiter's pool" a way to switch limits off. The
 *   limited routes that need the database (share links, cron) fail on their own while it is down.
 */

export type BucketLimit = {
  /** requests per client address per window */
  perClient: number;
  windowMs: number;
  /** all clients together; past `limit`, each client gets at most `fairShare` per window */
  global?: { limit: number; fairShare: number };
};

export type RateLimits = Readonly<Record<RateLimitBucket, BucketLimit>>;

export type RateDecision =
  | { allowed: true }
  | { allowed: false; retryAfterSeconds: number; reason: "client" | "global" };

const MINUTE = 60_000;

/** The limits from the environment (ATLAS_SHARE_RATE_LIMIT, ATLAS_SHARE_RATE_LIMIT_GLOBAL); throws when invalid. */
export function rateLimitsFromEnv(env: Record<string, string | undefined> = process.env): RateLimits {
  const reports = readReportConfig(env);
  return {
    "sign-in": { perClient: 30, windowMs: MINUTE },
    share: {
      perClient: reports.shareRateLimitPerIp,
      windowMs: MINUTE,
      // A tenth of a client's own limit: enough to open a shared report and download it, while a flood
      // from many addresses adds up to far less than their full limits.
      global: {
        limit: reports.shareRateLimitGlobal,
        fairShare: Math.max(1, Math.ceil(reports.shareRateLimitPerIp / 10)),
      },
    },
    cron: { perClient: 12, windowMs: MINUTE },
  };
}

/** The decision for one request, given the counts after it was counted. Pure. */
export function decide(
  limit: BucketLimit,
  counts: { client: number; global: number | undefined },
  windowEnd: number,
  now: number,
): RateDecision {
  const retryAfterSeconds = Math.max(1, Math.ceil((windowEnd - now) / 1000));
  if (counts.client > limit.perClient) return { allowed: false, retryAfterSeconds, reason: "client" };
  if (
    limit.global &&
    counts.global !== undefined &&
    counts.global > limit.global.limit &&
    counts.client > limit.global.fairShare
  ) {
    return { allowed: false, retryAfterSeconds, reason: "global" };
  }
  return { allowed: true };
}

/** The key of the all-clients row. Never a client key: those are IP addresses or "unknown". */
const ALL_CLIENTS = "";

const TAKE_SQL = `INSERT INTO "rate_limit_counters" AS c ("bucket", "client", "window_start", "expires_at", "count")
VALUES ($1::text, $2::text, $3::timestamptz, $4::timestamptz, 1)`;
const TAKE_WITH_GLOBAL_SQL = `${TAKE_SQL}, ($1::text, '${ALL_CLIENTS}', $3::timestamptz, $4::timestamptz, 1)`;
const ON_CONFLICT = `
ON CONFLICT ("bucket", "client", "window_start") DO UPDATE SET "count" = c."count" + 1
RETURNING c."client", c."count"`;
// Windows that ended more than a minute ago; the grace covers clocks of other processes running behind.
const PRUNE = `WITH pruned AS (DELETE FROM "rate_limit_counters" WHERE "expires_at" <= $5::timestamptz)\n`;

const PRUNE_EVERY_MS = MINUTE;
/** After a database failure, count in memory this long before trying the database again. */
const DATABASE_RETRY_MS = 5_000;
/** In-memory windows kept at most (the fallback); a flood of addresses beyond it forgets them all. */
const MAX_MEMORY_WINDOWS = 50_000;

export type RateLimiter = {
  take(bucket: RateLimitBucket, client: string, now?: number): Promise<RateDecision>;
  /** Where the last decision was counted (tests, diagnostics). */
  lastCountedIn(): "database" | "memory" | undefined;
  close(): Promise<void>;
};

export function createRateLimiter(options: {
  /** undefined: no database configured — count in memory */
  pool: pg.Pool | undefined;
  limits: RateLimits;
  warn?: (message: string) => void;
}): RateLimiter {
  const { pool, limits } = options;
  const warn = options.warn ?? ((message: string) => console.warn(`[atlas] ${message}`));
  const memory = new Map<string, { count: number; expiresAt: number }>();
  let lastPrune = Number.NEGATIVE_INFINITY;
  let skipDatabaseUntil = Number.NEGATIVE_INFINITY;
  let lastWarning = Number.NEGATIVE_INFINITY;
  let countedIn: "database" | "memory" | undefined;

  async function countInDatabase(
    db: pg.Pool,
    bucket: RateLimitBucket,
    client: string,
    windowStart: number,
    windowEnd: number,
    now: number,
  ) {
    const global = limits[bucket].global !== undefined;
    const prune = now - lastPrune >= PRUNE_EVERY_MS;
    const text = `${prune ? PRUNE : ""}${global ? TAKE_WITH_GLOBAL_SQL : TAKE_SQL}${ON_CONFLICT}`;
    const values: unknown[] = [bucket, client, new Date(windowStart), new Date(windowEnd)];
    if (prune) values.push(new Date(now - MINUTE));
    const { rows } = await db.query<{ client: string; count: number }>(text, values);
    if (prune) lastPrune = now;
    const countOf = (key: string) => rows.find((row) => row.client === key)?.count;
    const clientCount = countOf(client);
    if (clientCount === undefined) throw new Error("the rate-limit upsert returned no row for the client");
    return { client: clientCount, global: global ? countOf(ALL_CLIENTS) : undefined };
  }

  function countInMemory(bucket: RateLimitBucket, client: string, windowStart: number, windowEnd: number) {
    const bump = (key: string) => {
      const id = `${bucket}\0${key}\0${windowStart}`;
      const window = memory.get(id) ?? { count: 0, expiresAt: windowEnd };
      window.count += 1;
      memory.set(id, window);
      return window.count;
    };
    if (memory.size >= MAX_MEMORY_WINDOWS) {
      for (const [id, window] of memory) if (window.expiresAt <= windowStart) memory.delete(id);
      if (memory.size >= MAX_MEMORY_WINDOWS) memory.clear();
    }
    return {
      client: bump(client),
      global: limits[bucket].global ? bump(ALL_CLIENTS) : undefined,
    };
  }

  return {
    async take(bucket, rawClient, now = Date.now()) {
      const limit = limits[bucket];
      const client = rawClient || UNKNOWN_CLIENT;
      const windowStart = Math.floor(now / limit.windowMs) * limit.windowMs;
      const windowEnd = windowStart + limit.windowMs;
      let counts: { client: number; global: number | undefined } | undefined;
      if (pool && now >= skipDatabaseUntil) {
        try {
          counts = await countInDatabase(pool, bucket, client, windowStart, windowEnd, now);
          countedIn = "database";
        } catch (error) {
          skipDatabaseUntil = now + DATABASE_RETRY_MS;
          if (now - lastWarning >= MINUTE) {
            lastWarning = now;
            warn(
              `rate limits: the database did not answer (${error instanceof Error ? error.message : String(error)}); ` +
                "counting in this process until it does",
            );
          }
        }
      }
      if (!counts) {
        counts = countInMemory(bucket, client, windowStart, windowEnd);
        countedIn = "memory";
      }
      return decide(limit, counts, windowEnd, now);
    },
    lastCountedIn: () => countedIn,
    async close() {
      await pool?.end();
    },
  };
}

/**
 * A pool of its own, small and impatient: a scan's COPY can hold every connection of the main pool for
 * minutes, and a request must not wait behind it to be counted. Timeouts bound how long a request can
 * wait for the limiter before it falls back to memory.
 */
export function createRateLimitPool(connectionString: string): pg.Pool {
  const created = new pg.Pool({
    connectionString,
    max: 4,
    connectionTimeoutMillis: 2_000,
    statement_timeout: 2_000,
    query_timeout: 3_000,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
  });
  created.on("error", (error) =>
    console.error(`[atlas] rate limits: a database connection was lost: ${error.message}`),
  );
  return created;
}

function processLimiter(): RateLimiter {
  const state = processState();
  if (!state.rateLimiter) {
    // Not lib/db/prisma's resolvedDatabaseUrl(): importing it would pull the Prisma client into the proxy.
    const url = process.env.ATLAS_RESOLVED_DATABASE_URL ?? process.env.DATABASE_URL;
    state.rateLimiter = createRateLimiter({
      pool: url ? createRateLimitPool(url) : undefined,
      limits: rateLimitsFromEnv(),
    });
  }
  return state.rateLimiter;
}

/** Counts one request of `bucket` from `client` in this process's limiter. */
export function takeToken(bucket: RateLimitBucket, client: string, now?: number): Promise<RateDecision> {
  return processLimiter().take(bucket, client, now);
}

/** Closes this process's limiter (server shutdown, tests); the next takeToken starts a new one. */
export async function closeRateLimiter(): Promise<void> {
  const state = processState();
  const limiter = state.rateLimiter;
  state.rateLimiter = undefined;
  await limiter?.close();
}
