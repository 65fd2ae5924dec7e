import { type AuthConfig, expectedOrigin } from "./config";
import { CSRF_HEADER, checkRequestOrigin, csrfCookieName, issueCsrfToken, verifyCsrfToken } from "./csrf";
import { isLoopbackHost } from "./listen-policy";
import type { RateDecision } from "./rate-limit";
import { type Role, roleSatisfies } from "./roles";
import { isApiPath, isReadMethod, type PolicyRule, pathSegments, ruleFor } from "./route-policy";
import {
  openSession,
  type Session,
  sealSession,
  sessionCookieName,
  sessionCookieOptions,
  touchSession,
} from "./session";

/**
 * The one enforcement point, as a pure decision over a request: proxy.ts turns the outcome into a Next
 * response. Order: path sanity → Host (anonymous mode) → rate limit → Origin for writes → policy rule →
 * session and role → CSRF token for API writes. Every refusal is a JSON error on /api and a redirect or
 * short page elsewhere.
 */

export type Principal =
  | { kind: "anonymous"; role: "admin" }
  | { kind: "user"; role: Role | null; session: Session };

export type CookieToSet = {
  name: string;
  value: string;
  httpOnly: boolean;
  sameSite: "lax" | "strict";
  secure: boolean;
  path: string;
  maxAge: number;
};

export type GuardRequest = {
  method: string;
  pathname: string;
  search: string;
  header(name: string): string | null;
  cookie(name: string): string | undefined;
  hasCookies: boolean;
  /**
   * The rate limiter's decision for this request's bucket (lib/auth/rate-limit.ts), taken by the proxy before
   * the guard because it needs the database; absent when the route has no bucket or nothing was counted.
   */
  rateLimit?: RateDecision;
};

export type GuardOutcome =
  | { kind: "continue"; principal: Principal | null; rule: PolicyRule; cookies: CookieToSet[] }
  | {
      kind: "error";
      status: number;
      code: string;
      message: string;
      api: boolean;
      headers: Record<string, string>;
      cookies: CookieToSet[];
    }
  | { kind: "redirect"; location: string; cookies: CookieToSet[] };

function clearCookie(name: string, secure: boolean): CookieToSet {
  return { name, value: "", httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 0 };
}

function csrfCookie(config: AuthConfig, value: string): CookieToSet {
  // Readable by the page's own script (that is the point); Strict so it never rides a cross-site request.
  return {
    name: csrfCookieName(config),
    value,
    httpOnly: false,
    sameSite: "strict",
    secure: config.https,
    path: "/",
    maxAge: 60 * 60 * 24,
  };
}

function hostAllowed(config: AuthConfig, host: string | null): boolean {
  if (config.mode !== "anonymous") return true;
  if (!host) return false;
  const hostname = host.replace(/:\d+$/, "").toLowerCase();
  if (config.publicUrl && hostname === config.publicUrl.hostname.toLowerCase()) return true;
  // With ATLAS_ALLOW_ANONYMOUS and no public URL the operator accepted any name; docs/security.md warns.
  if (config.allowAnonymousAnywhere && !config.publicUrl) return true;
  return isLoopbackHost(hostname);
}

export function guardRequest(
  config: AuthConfig,
  request: GuardRequest,
  now: number = Date.now(),
): GuardOutcome {
  const method = request.method.toUpperCase();
  const segments = pathSegments(request.pathname);
  const api = segments ? isApiPath(segments) : request.pathname.startsWith("/api/");
  const cookies: CookieToSet[] = [];
  const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    ({ kind: "error", status, code, message, api, headers, cookies }) as const;

  if (!segments) return fail(400, "invalid_path", "The request path cannot be decoded.");
  // No text column can hold a NUL byte: refuse it here rather than as a database error in some handler.
  if (/%00|\0/i.test(request.search))
    return fail(400, "invalid_query", "The query string contains a NUL byte.");
  if (!hostAllowed(config, request.header("host"))) {
    return fail(
      421,
      "misdirected_request",
      "This AKS Identity Atlas runs without sign-in and answers only on loopback names (localhost, 127.0.0.1).",
    );
  }
  const rule = ruleFor(method, segments);
  if (rule.rateLimit && request.rateLimit && !request.rateLimit.allowed) {
    return fail(429, "rate_limited", "Too many requests; try again shortly.", {
      "Retry-After": String(request.rateLimit.retryAfterSeconds),
    });
  }

  const writing = !isReadMethod(method);
  if (writing) {
    const origin = checkRequestOrigin({
      origin: request.header("origin"),
      secFetchSite: request.header("sec-fetch-site"),
      expected: expectedOrigin(config, request.header("host")),
      hasCookies: request.hasCookies,
    });
    if (!origin.ok) return fail(403, "cross_site_request", `Refused: ${origin.reason}.`);
  }

  // Who is asking.
  let principal: Principal | null = null;
  let sessionProblem: string | undefined;
  if (config.mode === "anonymous") {
    principal = { kind: "anonymous", role: "admin" };
  } else {
    const cookieName = sessionCookieName(config);
    const opened = openSession(config, request.cookie(cookieName), now);
    if (opened.ok) {
      principal = { kind: "user", role: opened.session.role, session: opened.session };
      const touched = touchSession(opened.session, now);
      if (touched) {
        cookies.push({
          name: cookieName,
          value: sealSession(config, touched),
          ...sessionCookieOptions(config, touched, now),
        });
      }
    } else if (opened.problem !== "missing") {
      sessionProblem = opened.problem;
      cookies.push(clearCookie(cookieName, config.https));
    }
  }

  const access = rule.access;
  if (access.kind === "deny") {
    return fail(
      403,
      "no_policy",
      `${method} ${request.pathname} has no authorization rule; state-changing routes are denied by default.`,
    );
  }
  if (access.kind === "role") {
    if (!principal) {
      if (!api && !writing) {
        const returnTo = encodeURIComponent(`${request.pathname}${request.search}`);
        const reason = sessionProblem ? `&reason=${sessionProblem}` : "";
        return { kind: "redirect", location: `/auth/sign-in?returnTo=${returnTo}${reason}`, cookies };
      }
      return fail(
        401,
        "unauthenticated",
        sessionProblem === "idle" || sessionProblem === "expired"
          ? "Your session has expired; sign in again."
          : "Sign in first.",
      );
    }
    if (!roleSatisfies(principal.role, access.minimum)) {
      if (!api && !writing) {
        return { kind: "redirect", location: `/auth/forbidden?need=${access.minimum}`, cookies };
      }
      return fail(
        403,
        "forbidden",
        `This needs the ${access.minimum} role; you have ${principal.role ? `the ${principal.role} role` : "no role"}.`,
      );
    }
  }

  // CSRF token: every JSON API write made with ambient credentials, or from a browser at all.
  const binding = principal?.kind === "user" ? principal.session.sid : "anonymous";
  if (writing && api && access.kind === "role") {
    const fromBrowser = request.header("origin") !== null || request.header("sec-fetch-site") !== null;
    if (
      (fromBrowser || request.hasCookies || principal?.kind === "user") &&
      !verifyCsrfToken(config, binding, request.header(CSRF_HEADER))
    ) {
      return fail(
        403,
        "csrf_token_invalid",
        `Missing or stale ${CSRF_HEADER} header; reload the page and try again.`,
      );
    }
  }

  // Hand pages a CSRF token bound to who is signed in now.
  if (!api && !writing && principal) {
    const current = request.cookie(csrfCookieName(config));
    if (!verifyCsrfToken(config, binding, current))
      cookies.push(csrfCookie(config, issueCsrfToken(config, binding)));
  }
  return { kind: "continue", principal, rule, cookies };
}
