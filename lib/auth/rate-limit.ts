import { processState } from "./process-state";
import type { RateLimitBucket } from "./route-policy";

/**
 * Fixed-window request limits per client address, in memory: enough to blunt password-less brute force
 * on share tokens, sign-in floods and cron hammering from one address. Per process — behind several
 * instances each counts alone (the limits are per instance; docs/security.md says so).
 */

export type RateLimit = { limit: number; windowMs: number };

export const RATE_LIMITS: Readonly<Record<RateLimitBucket, RateLimit>> = {
  "sign-in": { limit: 30, windowMs: 60_000 },
  share: { limit: 60, windowMs: 60_000 },
  cron: { limit: 12, windowMs: 60_000 },
};

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const MAX_TRACKED = 50_000;

export function takeToken(
  bucket: RateLimitBucket,
  client: string,
  now: number,
  limits: Readonly<Record<RateLimitBucket, RateLimit>> = RATE_LIMITS,
): RateDecision {
  const { limit, windowMs } = limits[bucket];
  const windows = processState().rateWindows;
  const key = `${bucket}\0${client}`;
  let window = windows.get(key);
  if (!window || now - window.windowStart >= windowMs) {
    if (windows.size >= MAX_TRACKED) prune(now);
    window = { windowStart: now, count: 0 };
    windows.set(key, window);
  }
  window.count += 1;
  if (window.count > limit) {
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.windowStart + windowMs - now) / 1000)),
    };
  }
  return { allowed: true };
}

function prune(now: number): void {
  const windows = processState().rateWindows;
  const longest = Math.max(...Object.values(RATE_LIMITS).map((l) => l.windowMs));
  for (const [key, window] of windows) if (now - window.windowStart >= longest) windows.delete(key);
  // Still full (a flood of distinct addresses): forget everything rather than grow without bound.
  if (windows.size >= MAX_TRACKED) windows.clear();
}

/** Forgets every window (tests). */
export function resetRateLimits(): void {
  processState().rateWindows.clear();
}
