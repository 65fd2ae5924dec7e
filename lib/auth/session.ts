import { z } from "zod";
import type { EntraAuthConfig } from "./config";
import { processState } from "./process-state";
import { roleSchema } from "./roles";
import { openClaims, purposeKey, randomToken, sealClaims } from "./seal";

/**
 * The signed-in user lives in one encrypted cookie — a JWE (`dir` + `A256GCM`, jose) whose key is derived
 * from ATLAS_SESSION_SECRET; its `exp` is the absolute timeout, `seen` carries the idle one: no session
 * table, so any number of app instances share sessions by sharing the secret. The role is resolved once at
 * sign-in; a membership change takes effect at the next sign-in, at the latest after the absolute timeout.
 */

export const sessionSchema = z.object({
  v: z.literal(1),
  /** Random id: binds the CSRF token and lets sign-out revoke this cookie before it expires. */
  sid: z.string().min(16).max(64),
  oid: z.string().min(1).max(64),
  tid: z.string().min(1).max(64),
  name: z.string().max(256),
  upn: z.string().max(256).optional(),
  role: roleSchema.nullable(),
  /** Signed in at (ms). */
  iat: z.number().int(),
  /** Last seen at (ms), for the idle timeout; refreshed at most once a minute. */
  seen: z.number().int(),
});

export type Session = z.infer<typeof sessionSchema>;

export type SessionProblem = "missing" | "invalid" | "idle" | "expired" | "revoked" | "other-tenant";

/** v2: the JWE format. Cookies of the earlier hand-sealed format (v1) no longer open: sign in again. */
const PURPOSE = "session/v2";
const TOKEN_TYPE = "atlas-session+jwt";
const claimsSchema = z.object({ ses: z.unknown() });
/** How stale `seen` may get before the proxy re-issues the cookie (bounds Set-Cookie churn). */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

export function sessionCookieName(config: { https: boolean }): string {
  // __Host- cookies are only accepted over HTTPS, for path "/", with no Domain: no subdomain can plant one.
  return config.https ? "__Host-atlas_session" : "atlas_session";
}

function sessionKey(config: EntraAuthConfig): Uint8Array {
  return purposeKey(config.sessionSecret, PURPOSE);
}

export function newSession(
  identity: { oid: string; tid: string; name: string; upn?: string; role: Session["role"] },
  now: number,
): Session {
  return { v: 1, sid: randomToken(18), ...identity, iat: now, seen: now };
}

export async function sealSession(config: EntraAuthConfig, session: Session): Promise<string> {
  // The session keeps its own millisecond `iat` (nested, so it cannot clash with the JWT's seconds).
  return sealClaims(
    sessionKey(config),
    TOKEN_TYPE,
    { ses: session },
    {
      issuedAt: session.iat,
      expiresAt: session.iat + config.absoluteTimeoutMs,
    },
  );
}

export type OpenedSession = { ok: true; session: Session } | { ok: false; problem: SessionProblem };

export async function openSession(
  config: EntraAuthConfig,
  token: string | undefined,
  now: number,
): Promise<OpenedSession> {
  if (!token) return { ok: false, problem: "missing" };
  const opened = await openClaims(sessionKey(config), TOKEN_TYPE, token, now);
  if (!opened.ok) return opened;
  const claims = claimsSchema.safeParse(opened.claims);
  const parsed = sessionSchema.safeParse(claims.success ? claims.data.ses : undefined);
  if (!parsed.success) return { ok: false, problem: "invalid" };
  const session = parsed.data;
  if (session.tid.toLowerCase() !== config.tenantId) return { ok: false, problem: "other-tenant" };
  if (now - session.iat >= config.absoluteTimeoutMs || session.iat > now + 60_000) {
    return { ok: false, problem: "expired" };
  }
  if (now - session.seen >= config.idleTimeoutMs) return { ok: false, problem: "idle" };
  if (isRevoked(session.sid, now)) return { ok: false, problem: "revoked" };
  return { ok: true, session };
}

/** The session with `seen` moved to now, when it is old enough to be worth a new cookie. */
export function touchSession(session: Session, now: number): Session | undefined {
  return now - session.seen >= SESSION_TOUCH_INTERVAL_MS ? { ...session, seen: now } : undefined;
}

/** Cookie lifetime: the shorter of the idle window and what is left of the absolute one (seconds). */
export function sessionMaxAgeSeconds(config: EntraAuthConfig, session: Session, now: number): number {
  const remaining = Math.min(config.idleTimeoutMs, session.iat + config.absoluteTimeoutMs - now);
  return Math.max(0, Math.floor(remaining / 1000));
}

export function sessionCookieOptions(config: EntraAuthConfig, session: Session, now: number) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: config.https,
    path: "/",
    maxAge: sessionMaxAgeSeconds(config, session, now),
  };
}

/**
 * Sign-out: the cookie is cleared, and its id is remembered until the cookie would have expired anyway, so
 * a copy taken before sign-out stops working too (in this process; other instances rely on the timeouts).
 */
export function revokeSession(config: EntraAuthConfig, session: Session): void {
  const revoked = processState().revokedSessions;
  revoked.set(session.sid, session.iat + config.absoluteTimeoutMs);
  if (revoked.size > 10_000) {
    const now = Date.now();
    for (const [sid, until] of revoked) if (until <= now) revoked.delete(sid);
  }
}

function isRevoked(sid: string, now: number): boolean {
  const until = processState().revokedSessions.get(sid);
  return until !== undefined && until > now;
}
