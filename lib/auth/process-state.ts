import { randomBytes } from "node:crypto";
import type { RateLimiter } from "./rate-limit";

/**
 * State that must be one per server process. Next bundles the proxy and every route handler separately,
 * each with its own copy of this module, so the state hangs off globalThis under a registered symbol:
 * a sign-out in a route handler is seen by the proxy, and rate limits count across all routes.
 */
type AuthProcessState = {
  /** Session ids signed out before their cookie expired → when the cookie would have expired anyway (ms). */
  revokedSessions: Map<string, number>;
  /** The rate limiter (lib/auth/rate-limit.ts): its counts are in PostgreSQL, its pool is per process. */
  rateLimiter: RateLimiter | undefined;
  /** Signs CSRF tokens in anonymous mode, where there is no configured secret; regenerated per process. */
  ephemeralKey: Buffer;
  /** Lazily built per configuration (see lib/auth/entra-client.ts). */
  entraClients: Map<string, unknown>;
};

const KEY = Symbol.for("aks-identity-atlas.auth.process-state");

export function processState(): AuthProcessState {
  const holder = globalThis as unknown as Record<symbol, AuthProcessState | undefined>;
  holder[KEY] ??= {
    revokedSessions: new Map(),
    rateLimiter: undefined,
    ephemeralKey: randomBytes(32),
    entraClients: new Map(),
  };
  return holder[KEY];
}
