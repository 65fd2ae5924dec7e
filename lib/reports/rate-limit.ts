// A fixed-window rate limiter kept in this process's memory. Good enough for one app instance; with
// several instances each enforces its own limit (docs/reports.md says so). Windows are per key (a
// client IP) plus one global window, the backstop when a client can forge the header its IP comes from.

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type RateLimiter = {
  check(key: string, now?: number): RateLimitDecision;
};

export function createRateLimiter(options: {
  perKey: number;
  global: number;
  windowMs?: number;
  /** the most keys remembered; beyond it the oldest windows are dropped */
  maxKeys?: number;
}): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const windows = new Map<string, { start: number; count: number }>();
  let global = { start: 0, count: 0 };

  const retryAfter = (start: number, now: number) => Math.max(1, Math.ceil((start + windowMs - now) / 1000));

  return {
    check(key, now = Date.now()) {
      if (now - global.start >= windowMs) global = { start: now, count: 0 };
      let window = windows.get(key);
      if (!window || now - window.start >= windowMs) {
        window = { start: now, count: 0 };
        windows.delete(key);
        windows.set(key, window);
        // Map iteration is insertion order: the first entries are the stalest windows.
        while (windows.size > maxKeys) {
          const oldest = windows.keys().next().value;
          if (oldest === undefined) break;
          windows.delete(oldest);
        }
      }
      if (window.count >= options.perKey)
        return { allowed: false, retryAfterSeconds: retryAfter(window.start, now) };
      if (global.count >= options.global)
        return { allowed: false, retryAfterSeconds: retryAfter(global.start, now) };
      window.count++;
      global.count++;
      return { allowed: true };
    },
  };
}

/**
 * The client's address as the nearest proxy saw it: the last X-Forwarded-For entry (Next.js sets the
 * header from the socket when no proxy did), else X-Real-IP.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  if (forwarded) {
    const hops = forwarded
      .split(",")
      .map((hop) => hop.trim())
      .filter(Boolean);
    if (hops.length > 0) return hops[hops.length - 1];
  }
  return headers.get("x-real-ip")?.trim() || "unknown";
}
