import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  isTransientStatus,
  networkErrorCode,
  retryAfterMs,
  retryTransient,
  TransportError,
} from "@/lib/net/transient-retry";

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });

describe("retryAfterMs", () => {
  it("reads seconds, HTTP dates and the millisecond headers", () => {
    expect(retryAfterMs(headers({ "retry-after": "7" }))).toBe(7000);
    expect(retryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "7" }))).toBe(250);
    expect(
      retryAfterMs(
        headers({ "retry-after": "Wed, 21 Oct 2015 07:28:05 GMT" }),
        Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"),
      ),
    ).toBe(5000);
    expect(retryAfterMs(headers({}))).toBeUndefined();
  });
});

describe("backoffDelay", () => {
  it("grows exponentially, is capped, and jitters between half and all of the ceiling", () => {
    const options = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(0, { ...options, random: () => 0 })).toBe(50);
    expect(backoffDelay(0, { ...options, random: () => 1 })).toBe(100);
    expect(backoffDelay(2, { ...options, random: () => 1 })).toBe(400);
    expect(backoffDelay(6, { ...options, random: () => 1 })).toBe(1000);
  });
});

describe("classification", () => {
  it.each([
    [429, true],
    [408, true],
    [500, true],
    [503, true],
    [501, false],
    [505, false],
    [403, false],
    [404, false],
  ])("status %i transient: %s", (status, expected) => {
    expect(isTransientStatus(status)).toBe(expected);
  });

  it("finds network codes through fetch's cause chain", () => {
    const wrapped = new TypeError("fetch failed", {
      cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
    });
    expect(networkErrorCode(wrapped)).toBe("ECONNRESET");
    expect(networkErrorCode(new TransportError("cut short", "TRUNCATED_BODY"))).toBe("TRUNCATED_BODY");
    expect(networkErrorCode(new Error("no code"))).toBeUndefined();
  });
});

describe("retryTransient", () => {
  const fast = { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 };

  it("retries transient answers until one is final", async () => {
    const statuses = [503, 429, 200];
    let calls = 0;
    const result = await retryTransient(
      async () => statuses[calls++] as number,
      (status) => (isTransientStatus(status) ? { retry: true } : { retry: false }),
      fast,
    );
    expect(result).toBe(200);
    expect(calls).toBe(3);
  });

  it("returns the last answer when retries run out", async () => {
    let calls = 0;
    const result = await retryTransient(
      async () => {
        calls++;
        return 500;
      },
      () => ({ retry: true }),
      fast,
    );
    expect(result).toBe(500);
    expect(calls).toBe(4);
  });

  it("retries network errors but throws other errors at once", async () => {
    let calls = 0;
    await expect(
      retryTransient(
        async () => {
          calls++;
          throw new TransportError("stalled", "ETIMEDOUT");
        },
        () => ({ retry: false }),
        fast,
      ),
    ).rejects.toThrow("stalled");
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      retryTransient(
        async () => {
          calls++;
          throw new Error("bug");
        },
        () => ({ retry: false }),
        fast,
      ),
    ).rejects.toThrow("bug");
    expect(calls).toBe(1);
  });

  it("does not wait out a Retry-After longer than it accepts", async () => {
    let calls = 0;
    const result = await retryTransient(
      async () => {
        calls++;
        return 429;
      },
      () => ({ retry: true, afterMs: 10 * 60_000 }),
      fast,
    );
    expect(result).toBe(429);
    expect(calls).toBe(1);
  });
});
