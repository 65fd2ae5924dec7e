/**
 * ARM's current throttling model: a regional token bucket per (subscription, principal, operation type),
 * 250 tokens refilled at 25 per second for reads (learn.microsoft.com "request limits and throttling").
 * Off by default so ordinary tests never wait; on, it shows whether a scanner paces itself.
 */
export type TokenBucketSettings = { capacity: number; refillPerSecond: number };

export const armReadBucket: TokenBucketSettings = { capacity: 250, refillPerSecond: 25 };
export const armWriteBucket: TokenBucketSettings = { capacity: 200, refillPerSecond: 10 };

type BucketState = { tokens: number; updatedAt: number };

export type TakeResult = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export class TokenBuckets {
  private readonly buckets = new Map<string, BucketState>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one token from the bucket `key`; when empty, says how long until one is back. */
  take(key: string, settings: TokenBucketSettings): TakeResult {
    const now = this.now();
    const state = this.buckets.get(key) ?? { tokens: settings.capacity, updatedAt: now };
    const refilled = Math.min(
      settings.capacity,
      state.tokens + ((now - state.updatedAt) / 1000) * settings.refillPerSecond,
    );
    if (refilled < 1) {
      this.buckets.set(key, { tokens: refilled, updatedAt: now });
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - refilled) / settings.refillPerSecond)),
      };
    }
    this.buckets.set(key, { tokens: refilled - 1, updatedAt: now });
    return { allowed: true, remaining: Math.floor(refilled - 1) };
  }
}
