import { randomBytes } from "node:crypto";
import { type NextRequest, NextResponse } from "next/server";
import type { BearerCheck } from "./bearer";
import { bearerCheckFor } from "./bearer-request";
import { requestClientAddress } from "./client-address";
import { type AuthConfig, AuthConfigError, readAuthConfig } from "./config";
import { type CookieToSet, type GuardOutcome, guardRequest } from "./guard";
import { type RateDecision, takeToken } from "./rate-limit";
import { pathSegments, ruleFor } from "./route-policy";
import { cacheControlFor, securityHeaders } from "./security-headers";

/**
 * Adapts the guard (lib/auth/guard.ts) to Next's proxy: runs it, forwards the CSP nonce to the render
 * (`x-nonce` and the request's Content-Security-Policy, from which Next takes the nonce for its own
 * scripts), and puts the security headers and cookies on whatever answer goes out — refusals included.
 */

function applyCookies(response: NextResponse, cookies: CookieToSet[]): void {
  for (const { name, value, ...options } of cookies) response.cookies.set(name, value, options);
}

function isSharePath(segments: string[] | undefined): boolean {
  return segments?.[0] === "share" || (segments?.[0] === "api" && segments[1] === "share");
}

function respond(outcome: Exclude<GuardOutcome, { kind: "continue" }>, base: string): NextResponse {
  if (outcome.kind === "redirect") {
    // Absolute: Next's proxy runtime resolves Location as a URL. The base is the public URL when configured,
    // so redirects stay right behind a reverse proxy.
    return new NextResponse(null, {
      status: 307,
      headers: { Location: new URL(outcome.location, base).toString(), "Cache-Control": "no-store" },
    });
  }
  const headers = { ...outcome.headers, "Cache-Control": "no-store" };
  if (outcome.api) {
    return NextResponse.json(
      { error: { code: outcome.code, message: outcome.message } },
      { status: outcome.status, headers },
    );
  }
  return new NextResponse(`${outcome.message}\n`, {
    status: outcome.status,
    headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" },
  });
}

/**
 * The proxy (proxy.ts): counts the request against its route's rate-limit bucket — in PostgreSQL, so it is
 * async (lib/auth/rate-limit.ts) — then decides with handleProxyRequest.
 */
export async function handleRateLimitedProxyRequest(request: NextRequest): Promise<NextResponse> {
  const segments = pathSegments(request.nextUrl.pathname);
  const bucket = segments ? ruleFor(request.method.toUpperCase(), segments).rateLimit : undefined;
  const rateLimit = bucket ? await takeToken(bucket, requestClientAddress(request.headers)) : undefined;
  return handleProxyRequest(request, rateLimit, await bearerCheckFor(request));
}

/**
 * The guard's answer to a request, given the rate limiter's decision (none: not counted) and the verified
 * bearer token (none: the request has none the guard looks at — see lib/auth/bearer-request.ts).
 */
export async function handleProxyRequest(
  request: NextRequest,
  rateLimit?: RateDecision,
  bearer?: BearerCheck,
): Promise<NextResponse> {
  const segments = pathSegments(request.nextUrl.pathname);
  const api = segments ? segments[0] === "api" : request.nextUrl.pathname.startsWith("/api/");
  let config: AuthConfig;
  try {
    config = readAuthConfig();
  } catch (error) {
    // Fail closed: a broken configuration serves nothing but health.
    const message =
      error instanceof AuthConfigError ? error.message : "Authentication settings cannot be read.";
    if (request.nextUrl.pathname === "/api/health") return NextResponse.next();
    return NextResponse.json({ error: { code: "auth_misconfigured", message } }, { status: 500 });
  }
  const nonce = randomBytes(16).toString("base64");
  const headers = securityHeaders({
    config,
    nonce,
    api,
    development: process.env.NODE_ENV === "development",
    share: isSharePath(segments),
  });
  const outcome = await guardRequest(config, {
    method: request.method,
    pathname: request.nextUrl.pathname,
    search: request.nextUrl.search,
    header: (name) => request.headers.get(name),
    cookie: (name) => request.cookies.get(name)?.value,
    hasCookies: request.cookies.size > 0,
    rateLimit,
    bearer,
  });

  let response: NextResponse;
  if (outcome.kind === "continue") {
    const forwarded = new Headers(request.headers);
    forwarded.set("x-nonce", nonce);
    forwarded.set("Content-Security-Policy", headers["Content-Security-Policy"]);
    response = NextResponse.next({ request: { headers: forwarded } });
    // One place for every answer with data: Next copies these onto the page's or handler's response.
    const cacheControl = cacheControlFor(segments);
    if (cacheControl) response.headers.set("Cache-Control", cacheControl);
  } else {
    response = respond(outcome, config.publicUrl?.origin ?? request.nextUrl.origin);
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  applyCookies(response, outcome.cookies);
  return response;
}
