import { describe, expect, it } from "vitest";
import { armReadBucket, TokenBuckets } from "@/lib/emulator/arm/token-bucket";

describe("TokenBuckets", () => {
  it("allows 250 reads at once, then throttles until tokens refill at 25 per second", () => {
    let now = 0;
    const buckets = new TokenBuckets(() => now);
    const results = Array.from({ length: 251 }, () => buckets.take("sub|principal|reads", armReadBucket));
    expect(results.slice(0, 250).every((result) => result.allowed)).toBe(true);
    expect(results[0]).toEqual({ allowed: true, remaining: 249 });
    expect(results[250]).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1000;
    const afterOneSecond = Array.from({ length: 26 }, () =>
      buckets.take("sub|principal|reads", armReadBucket),
    );
    expect(afterOneSecond.filter((result) => result.allowed).length).toBe(25);
  });

  it("keeps one bucket per key", () => {
    const buckets = new TokenBuckets(() => 0);
    for (let index = 0; index < 250; index++) buckets.take("a", armReadBucket);
    expect(buckets.take("a", armReadBucket).allowed).toBe(false);
    expect(buckets.take("b", armReadBucket).allowed).toBe(true);
  });
});
