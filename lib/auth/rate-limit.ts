import pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { readReportConfig } from "@/lib/reports/config";
import { UNKNOWN_CLIENT } from "./client-address";
import { processState } from "./process-state";
import type { RateLimitBucket } from "./route-policy";

/**
 * The product's one rate limiter, on rate-limiter-flexible (https://github.com/animir/node-rate-limiter-flexible):
 * fixed one-minute windows per (bucket, client address), counted by its RateLimiterPostgres in PostgreSQL so
 * every app process on every machine sees the same counts (table rate_limits, migration
 * 20261203_2200_rate_limits_library). The proxy (lib/auth/proxy-handler.ts) takes a token for each request
 * whose route has a bucket (lib/auth/route-policy.ts); the client is lib/auth/client-address.ts's.
 *
 * What the library does: the atomic count (one INSERT … ON CONFLICT DO UPDATE per key that resets the key
 * when its window has ended), and the in-memory counting of the fallback (RateLimiterMemory). What stays
 * ours, because it is product policy the library has no word for:
 * - Windows are aligned to the clock (12:00:00–12:01:00), not started by a client's first request: each
 *   count passes the time left to the window's end as the library's customDuration, which it applies when it
 *   (re)starts a key's window.
 * - A global limit degrades per client: a second library limiter counts all clients of the bucket together,
 *   and past its limit each client is held to a small fair share for the rest of the window instead of
 *   everyone being refused, so a flood from a few addresses cannot lock out a well-behaved one (issue #18).
 * - Ended windows are deleted at most once a minute per process, piggybacked on a request (the library's own
 *   clean-up is a self-rescheduling timer that outlives close(); ours leaves nothing running).
 * - If the database cannot answer (down, slow, saturated), the limiter does NOT fail closed: it counts in
 *   this process's memory — the same windows and limits, per process — and retries the database after a
 *   few seconds. Failing closed would turn a database outage into refusing sign-in, which needs no
 *   database; failing wide open would make "exhaust the limiter's pool" a way to switch limits off. The
 *   limited routes that need the database (share links, cron) fail on their own while it is down.
 *   (Not the library's insuranceLimiter: it would retry the database on every request, each waiting out the
 *   connection timeout, and hide the outage from the log.)
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

/** The table the library counts in (migration 20261203_2200_rate_limits_library). */
export const RATE_LIMIT_TABLE = "rate_limits";
/** The key a bucket's all-clients limiter counts under. Never a client key: those are IP addresses or "unknown". */
const ALL_CLIENTS = "*";

const PRUNE_EVERY_MS = MINUTE;
/** After a database failure, count in memory this long before trying the database again. */
const DATABASE_RETRY_MS = 5_000;

export type RateLimiter = {
  /** Counts one request of `bucket` from `client` at the current time (Date.now(), as the library reads it). */
  take(bucket: RateLimitBucket, client: string): Promise<RateDecision>;
  /** Where the last decision was counted (tests, diagnostics). */
  lastCountedIn(): "database" | "memory" | undefined;
  close(): Promise<void>;
};

/** What the limiter needs of a library limiter (RateLimiterPostgres and RateLimiterMemory alike). */
type Counter = Pick<RateLimiterMemory, "consume">;
type BucketCounters = { client: Counter; global: Counter | undefined };
type Counters = Record<RateLimitBucket, BucketCounters>;

/** One library limiter per bucket for its clients, and one for all of them when the bucket has a global limit. */
function countersFor(
  limits: RateLimits,
  make: (keyPrefix: string, points: number, windowMs: number) => Counter,
) {
  const counters = {} as Counters;
  for (const [bucket, limit] of Object.entries(limits) as [RateLimitBucket, BucketLimit][]) {
    counters[bucket] = {
      client: make(`${bucket}:client`, limit.perClient, limit.windowMs),
      global: limit.global ? make(`${bucket}:all`, limit.global.limit, limit.windowMs) : undefined,
    };
  }
  return counters;
}

/**
 * The key's count after this request. Past the limiter's points the library rejects with its RateLimiterRes
 * (the count is still taken); any other rejection is the store failing and is thrown on.
 */
async function countOne(counter: Counter, key: string, msLeftInWindow: number): Promise<number> {
  try {
    return (await counter.consume(key, 1, { customDuration: msLeftInWindow / 1000 })).consumedPoints;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection.consumedPoints;
    throw rejection;
  }
}

async function countBoth(counters: BucketCounters, client: string, msLeftInWindow: number) {
  const [clientCount, globalCount] = await Promise.all([
    countOne(counters.client, client, msLeftInWindow),
    counters.global ? countOne(counters.global, ALL_CLIENTS, msLeftInWindow) : undefined,
  ]);
  return { client: clientCount, global: globalCount };
}

export function createRateLimiter(options: {
  /** undefined: no database configured — count in memory */
  pool: pg.Pool | undefined;
  limits: RateLimits;
  warn?: (message: string) => void;
}): RateLimiter {
  const { pool, limits } = options;
  const warn = options.warn ?? ((message: string) => console.warn(`[atlas] ${message}`));
  const inDatabase = pool
    ? countersFor(
        limits,
        (keyPrefix, points, windowMs) =>
          new RateLimiterPostgres({
            storeClient: pool,
            storeType: "pool",
            tableName: RATE_LIMIT_TABLE,
            // The migration creates it; the library's CREATE TABLE at start-up would race the migrations.
            tableCreated: true,
            // Ended windows are pruned below, on requests: the library's timer would outlive close().
            clearExpiredByTimeout: false,
            keyPrefix,
            points,
            duration: windowMs / 1000,
          }),
      )
    : undefined;
  const inMemory = countersFor(
    limits,
    (keyPrefix, points, windowMs) => new RateLimiterMemory({ keyPrefix, points, duration: windowMs / 1000 }),
  );
  let lastPrune = Number.NEGATIVE_INFINITY;
  let skipDatabaseUntil = Number.NEGATIVE_INFINITY;
  let lastWarning = Number.NEGATIVE_INFINITY;
  let countedIn: "database" | "memory" | undefined;

  /** Deletes windows that ended more than a minute ago; the grace covers clocks of other processes running behind. */
  async function pruneEnded(db: pg.Pool, now: number): Promise<void> {
    if (now - lastPrune < PRUNE_EVERY_MS) return;
    // Claimed before the round trip, so a burst of concurrent requests sends one DELETE, not one each.
    lastPrune = now;
    try {
      await db.query(`DELETE FROM "${RATE_LIMIT_TABLE}" WHERE "expire" <= $1`, [now - MINUTE]);
    } catch {
      // Not worth failing a request for: the count itself says whether the database answers.
    }
  }

  return {
    async take(bucket, rawClient) {
      const now = Date.now();
      const limit = limits[bucket];
      const client = rawClient || UNKNOWN_CLIENT;
      const windowEnd = (Math.floor(now / limit.windowMs) + 1) * limit.windowMs;
      let counts: { client: number; global: number | undefined } | undefined;
      if (pool && inDatabase && now >= skipDatabaseUntil) {
        try {
          [counts] = await Promise.all([
            countBoth(inDatabase[bucket], client, windowEnd - now),
            pruneEnded(pool, now),
          ]);
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
        counts = await countBoth(inMemory[bucket], client, windowEnd - now);
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
export function takeToken(bucket: RateLimitBucket, client: string): Promise<RateDecision> {
  return processLimiter().take(bucket, client);
}

/** Closes this process's limiter (server shutdown, tests); the next takeToken starts a new one. */
export async function closeRateLimiter(): Promise<void> {
  const state = processState();
  const limiter = state.rateLimiter;
  state.rateLimiter = undefined;
  await limiter?.close();
}
