import { describe, expect, it } from "vitest";
import { clientAddress, createRateLimiter } from "@/lib/reports/rate-limit";

describe("createRateLimiter", () => {
  it("allows `perKey` requests per window and key, then says when to retry", () => {
    const limiter = createRateLimiter({ perKey: 3, global: 100, windowMs: 60_000 });
    const t = 1_000_000;
    expect([0, 1, 2].map((i) => limiter.check("a", t + i).allowed)).toEqual([true, true, true]);
    expect(limiter.check("a", t + 10_000)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect(limiter.check("b", t + 10_000).allowed).toBe(true);
    expect(limiter.check("a", t + 60_001).allowed).toBe(true);
  });

  it("stops everyone at the global ceiling, whatever addresses they claim", () => {
    const limiter = createRateLimiter({ perKey: 100, global: 5 });
    const t = 5_000;
    const results = Array.from({ length: 8 }, (_, i) => limiter.check(`ip-${i}`, t).allowed);
    expect(results.filter(Boolean)).toHaveLength(5);
  });

  it("forgets the stalest keys beyond its memory bound", () => {
    const limiter = createRateLimiter({ perKey: 1, global: 1_000, maxKeys: 2 });
    limiter.check("a", 1);
    limiter.check("b", 2);
    limiter.check("c", 3);
    // "a" was dropped, so it starts a fresh window instead of being refused.
    expect(limiter.check("a", 4).allowed).toBe(true);
    expect(limiter.check("c", 5).allowed).toBe(false);
  });
});

describe("clientAddress", () => {
  it("takes the hop the nearest proxy added, then X-Real-IP", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "203.0.113.9, 10.0.0.1" }))).toBe("10.0.0.1");
    expect(clientAddress(new Headers({ "x-forwarded-for": "198.51.100.7" }))).toBe("198.51.100.7");
    expect(clientAddress(new Headers({ "x-real-ip": "192.0.2.1" }))).toBe("192.0.2.1");
    expect(clientAddress(new Headers())).toBe("unknown");
  });
});
