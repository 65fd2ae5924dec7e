import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createRateLimiter,
  createRateLimitPool,
  decide,
  type RateLimits,
  rateLimitsFromEnv,
} from "./rate-limit";

const MINUTE = 60_000;
const limits: RateLimits = {
  "sign-in": { perClient: 30, windowMs: MINUTE },
  share: { perClient: 3, windowMs: MINUTE, global: { limit: 10, fairShare: 1 } },
  cron: { perClient: 12, windowMs: MINUTE },
};

describe("decide", () => {
  const share = limits.share;
  it("refuses a client over its own limit, with the seconds left in the window", () => {
    expect(decide(share, { client: 3, global: 3 }, 60_000, 10_000)).toEqual({ allowed: true });
    expect(decide(share, { client: 4, global: 4 }, 60_000, 10_000)).toEqual({
      allowed: false,
      retryAfterSeconds: 50,
      reason: "client",
    });
  });

  it("past the global limit holds each client to its fair share instead of refusing everyone", () => {
    expect(decide(share, { client: 1, global: 500 }, 60_000, 0)).toEqual({ allowed: true });
    expect(decide(share, { client: 2, global: 11 }, 60_000, 59_500)).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
      reason: "global",
    });
    expect(decide(share, { client: 2, global: 10 }, 60_000, 0)).toEqual({ allowed: true });
  });
});

describe("rateLimitsFromEnv", () => {
  it("takes the share limits from the environment, with a fair share of a tenth of the per-client limit", () => {
    const env = { ATLAS_SHARE_RATE_LIMIT: "120", ATLAS_SHARE_RATE_LIMIT_GLOBAL: "900" };
    expect(rateLimitsFromEnv(env).share).toEqual({
      perClient: 120,
      windowMs: MINUTE,
      global: { limit: 900, fairShare: 12 },
    });
    expect(rateLimitsFromEnv({}).share.global).toEqual({ limit: 600, fairShare: 6 });
    expect(() => rateLimitsFromEnv({ ATLAS_SHARE_RATE_LIMIT: "0" })).toThrow(/ATLAS_SHARE_RATE_LIMIT/);
  });
});

describe("when the database does not answer", () => {
  // The library reads the time from Date.now(), so the tests set the clock rather than pass it.
  afterEach(() => vi.useRealTimers());

  it("counts in this process instead (neither open nor closed), says so once, and keeps the limits", async () => {
    const warnings: string[] = [];
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const pool = createRateLimitPool("postgresql://atlas:unused@127.0.0.1:1/atlas");
    const limiter = createRateLimiter({ pool, limits, warn: (message) => warnings.push(message) });
    try {
      const t = 10 * MINUTE + 5_000;
      vi.useFakeTimers({ toFake: ["Date"], now: t });
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await limiter.take("share", "192.0.2.1"));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
      // The window is the clock's minute, not one started by the first request: 55 s of it are left.
      expect(decisions[3]).toEqual({ allowed: false, retryAfterSeconds: 55, reason: "client" });
      expect(limiter.lastCountedIn()).toBe("memory");
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/rate limits: the database did not answer .*counting in this process/);
      // The global limit degrades per client in memory too.
      for (let i = 0; i < 10; i++) await limiter.take("share", `198.51.100.${i}`);
      expect((await limiter.take("share", "203.0.113.1")).allowed).toBe(true);
      expect(await limiter.take("share", "203.0.113.1")).toMatchObject({
        allowed: false,
        reason: "global",
      });
      // A new window starts afresh.
      vi.setSystemTime(t + MINUTE);
      expect((await limiter.take("share", "192.0.2.1")).allowed).toBe(true);
    } finally {
      await limiter.close();
    }
  });

  it("counts in memory when no database is configured at all", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 0 });
    const limiter = createRateLimiter({ pool: undefined, limits });
    for (let i = 0; i < 30; i++) expect((await limiter.take("sign-in", "192.0.2.2")).allowed).toBe(true);
    expect(await limiter.take("sign-in", "192.0.2.2")).toMatchObject({ allowed: false, reason: "client" });
    expect(limiter.lastCountedIn()).toBe("memory");
  });
});
