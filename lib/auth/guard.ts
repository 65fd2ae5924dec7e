import { methodNotAllowed } from "@/lib/http/methods";
import { type BearerCheck, type BearerIdentity, bearerTokenOf } from "./bearer";
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
 * The one enforcement point, as a pure decision over a request (async only because the session cookie is a
 * JWE, opened with WebCrypto): proxy.ts turns the outcome into a Next
 * response. Order: path sanity → Host (anonymous mode) → rate limit → Origin for writes → policy rule →
 * session and role → CSRF token for API writes. Every refusal is a JSON error on /api and a redirect or
 * short page elsewhere.
 */

export type Principal =
  | { kind: "anonymous"; role: "admin" }
  | { kind: "user"; role: Role | null; session: Session }
  /** A pipeline or tool with an Entra access token for this API (lib/auth/bearer.ts). */
  | { kind: "bearer"; role: Role | null; identity: BearerIdentity };

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
  /**
   * The verified `Authorization: Bearer` token, when bearerTokenToVerify() named one: verification is async
   * (the authority's keys), so the proxy does it before the guard.
   */
  bearer?: BearerCheck;
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

/**
 * The bearer token the guard will look at, if any: Entra sign-in on, an /api path whose rule needs a role,
 * and an `Authorization: Bearer` header. Public routes ignore the header, machine routes (cron) leave it to
 * their handler (it carries ATLAS_CRON_SECRET there), pages never take bearer tokens, and in anonymous mode
 * everyone is admin anyway.
 */
export function bearerTokenToVerify(
  config: AuthConfig,
  request: Pick<GuardRequest, "method" | "pathname" | "header">,
): string | undefined {
  if (config.mode !== "entra") return undefined;
  const segments = pathSegments(request.pathname);
  if (!segments || !isApiPath(segments)) return undefined;
  if (ruleFor(request.method.toUpperCase(), segments).access.kind !== "role") return undefined;
  return bearerTokenOf(request.header("authorization"));
}

/** RFC 6750 §3: how a bearer-token refusal names its problem. */
function bearerChallenge(error?: "invalid_token" | "insufficient_scope", description?: string): string {
  const parts = ['realm="aks-identity-atlas"'];
  if (error) parts.push(`error="${error}"`);
  if (description) parts.push(`error_description="${description.replace(/["\\]/g, "")}"`);
  return `Bearer ${parts.join(", ")}`;
}

export async function guardRequest(
  config: AuthConfig,
  request: GuardRequest,
  now: number = Date.now(),
): Promise<GuardOutcome> {
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
  // A method the route does not answer (TRACE, PUT on a read-only handler): 405 with the route's methods.
  const refusedMethod = methodNotAllowed(method, segments);
  if (refusedMethod) {
    return fail(405, "method_not_allowed", `${method.slice(0, 32)} is not answered at this path.`, {
      Allow: refusedMethod.allow,
    });
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
  const bearerToken = bearerTokenToVerify(config, request);
  if (config.mode === "anonymous") {
    principal = { kind: "anonymous", role: "admin" };
  } else if (bearerToken !== undefined) {
    // Two identities in one request: refuse rather than guess which one the caller meant.
    if (request.cookie(sessionCookieName(config)) !== undefined) {
      return fail(
        400,
        "ambiguous_credentials",
        "The request carries both a bearer token and a session cookie; send one of them.",
      );
    }
    const check = request.bearer;
    if (!check || (!check.ok && check.problem === "invalid_token")) {
      const reason = check && !check.ok ? check.reason : "the token was not verified";
      return fail(401, "invalid_token", `The bearer token is not valid: ${reason}.`, {
        "WWW-Authenticate": bearerChallenge("invalid_token", reason),
      });
    }
    if (!check.ok) {
      return fail(503, "auth_unavailable", `Bearer tokens cannot be checked now: ${check.reason}.`, {
        "Retry-After": "30",
      });
    }
    principal = { kind: "bearer", role: check.identity.role, identity: check.identity };
  } else {
    const cookieName = sessionCookieName(config);
    const opened = await openSession(config, request.cookie(cookieName), now);
    if (opened.ok) {
      principal = { kind: "user", role: opened.session.role, session: opened.session };
      const touched = touchSession(opened.session, now);
      if (touched) {
        cookies.push({
          name: cookieName,
          value: await sealSession(config, touched),
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
        api ? { "WWW-Authenticate": bearerChallenge() } : {},
      );
    }
    if (!roleSatisfies(principal.role, access.minimum)) {
      if (!api && !writing) {
        return { kind: "redirect", location: `/auth/forbidden?need=${access.minimum}`, cookies };
      }
      const holder = principal.kind === "bearer" ? "the token grants" : "you have";
      return fail(
        403,
        "forbidden",
        `This needs the ${access.minimum} role; ${holder} ${principal.role ? `the ${principal.role} role` : "no role"}.`,
        principal.kind === "bearer" ? { "WWW-Authenticate": bearerChallenge("insufficient_scope") } : {},
      );
    }
  }

  // CSRF token: every JSON API write made with ambient credentials, or from a browser at all. A bearer
  // token is not ambient — a browser never attaches it by itself — so bearer callers need none.
  const binding = principal?.kind === "user" ? principal.session.sid : "anonymous";
  if (writing && api && access.kind === "role" && principal?.kind !== "bearer") {
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
