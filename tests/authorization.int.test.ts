import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import type { BearerIdentity } from "@/lib/auth/bearer";
import type { EntraAuthConfig } from "@/lib/auth/config";
import { CSRF_HEADER, csrfCookieName, issueCsrfToken } from "@/lib/auth/csrf";
import { type GuardOutcome, guardRequest } from "@/lib/auth/guard";
import { handleProxyRequest } from "@/lib/auth/proxy-handler";
import type { Role } from "@/lib/auth/roles";
import { type AppRoute, concretePath, listAppRoutes } from "@/lib/auth/route-inventory";
import { pathSegments, ruleFor } from "@/lib/auth/route-policy";
import { entraConfig, entraEnv, guardRequestOf, sessionCookies, sessionFor } from "@/lib/auth/test-support";

/**
 * Every route of the app, found in the file tree, against every kind of caller: no session, signed in
 * without a role, viewer, operator, admin — and pipelines with a verified bearer token (lib/auth/bearer.ts)
 * granting no role, viewer, operator or admin, sending no cookie, no Origin and no CSRF token. The expectation is the product's rule as docs/security.md states
 * it — written here independently of lib/auth/route-policy.ts, so a wrong policy entry fails this test.
 */

type Requirement = "public" | "machine" | Role;
type BearerCaller = "bearer no role" | `bearer ${Role}`;
type Caller = "no session" | "no role" | Role | BearerCaller;
const CALLERS: Caller[] = [
  "no session",
  "no role",
  "viewer",
  "operator",
  "admin",
  "bearer no role",
  "bearer viewer",
  "bearer operator",
  "bearer admin",
];
const ORIGIN = "https://atlas.example.test";
const NOW = Date.now();
const config: EntraAuthConfig = entraConfig();

/** docs/security.md, "Roles and what is public", as code. Undefined: a write nobody has classified. */
function requirement(method: string, pattern: string): Requirement | undefined {
  const read = method === "GET" || method === "HEAD" || method === "OPTIONS";
  const under = (prefix: string) => pattern === prefix || pattern.startsWith(`${prefix}/`);
  if (read && (pattern === "/api/health" || under("/share") || under("/api/share"))) return "public";
  if (read && ["/auth/sign-in", "/auth/forbidden", "/auth/login", "/auth/callback"].includes(pattern))
    return "public";
  if (method === "POST" && pattern === "/auth/sign-out") return "public";
  if (under("/api/cron")) return "machine";
  if (under("/settings") || under("/api/settings") || under("/schedules") || under("/api/schedules"))
    return "admin";
  if (read) return "viewer";
  if (["DELETE", "PUT", "PATCH"].includes(method) && (under("/api/shares") || under("/api/reports")))
    return "admin";
  if (method === "POST" && (pattern === "/api/scans" || under("/api/reports") || pattern === "/api/shares")) {
    return "operator";
  }
  return undefined;
}

function rank(role: Role): number {
  return ["viewer", "operator", "admin"].indexOf(role);
}

function isBearer(caller: Caller): caller is BearerCaller {
  return caller.startsWith("bearer ");
}

function bearerRole(caller: BearerCaller): Role | null {
  return caller === "bearer no role" ? null : (caller.slice("bearer ".length) as Role);
}

async function requestFor(caller: Caller, method: string, path: string) {
  const write = !["GET", "HEAD", "OPTIONS"].includes(method);
  if (isBearer(caller)) {
    // A pipeline: an Authorization header and nothing else. The proxy verified the token (bearer.int.test.ts
    // does that against the emulator); here the guard gets the verified identity.
    const request = guardRequestOf(path, { method, headers: { authorization: "Bearer verified-token" } });
    const identity: BearerIdentity = {
      kind: "app",
      objectId: "00000000-0000-0000-0000-0000000000e1",
      clientAppId: "00000000-0000-0000-0000-0000000001e1",
      name: "ci-deployer",
      role: bearerRole(caller),
      expiresAt: NOW + 3_600_000,
    };
    return { ...request, bearer: { ok: true as const, identity } };
  }
  if (caller === "no session") {
    return guardRequestOf(path, {
      method,
      headers: write ? { origin: ORIGIN, "sec-fetch-site": "same-origin" } : {},
    });
  }
  const session = sessionFor(caller === "no role" ? null : caller, NOW);
  const cookies = await sessionCookies(config, session);
  const token = issueCsrfToken(config, session.sid);
  cookies[csrfCookieName(config)] = token;
  return guardRequestOf(path, {
    method,
    cookies,
    headers: write
      ? { origin: ORIGIN, "sec-fetch-site": "same-origin", [CSRF_HEADER]: token }
      : { "sec-fetch-site": "none" },
  });
}

function expectedOutcome(need: Requirement, caller: Caller, method: string, api: boolean): string {
  const write = !["GET", "HEAD", "OPTIONS"].includes(method);
  if (need === "public" || need === "machine") return "continue";
  if (isBearer(caller)) {
    // Bearer tokens count on /api only; a page treats the caller as signed out.
    if (!api) return write ? "401" : "redirect /auth/sign-in";
    const role = bearerRole(caller);
    return role !== null && rank(role) >= rank(need) ? "continue" : "403";
  }
  if (caller === "no session") return api || write ? "401" : "redirect /auth/sign-in";
  if (caller === "no role" || rank(caller) < rank(need))
    return api || write ? "403" : "redirect /auth/forbidden";
  return "continue";
}

function describeOutcome(outcome: GuardOutcome): string {
  if (outcome.kind === "continue") return "continue";
  if (outcome.kind === "redirect") return `redirect ${outcome.location.split("?")[0]}`;
  return String(outcome.status);
}

const routes = listAppRoutes();
const cases = routes.flatMap((route) =>
  route.methods.map((method) => ({ route, method, label: `${method} ${route.pattern} (${route.file})` })),
);

describe("the route inventory", () => {
  it("finds the app's pages and handlers, with the methods they export", () => {
    const byPattern = new Map(routes.map((route) => [`${route.kind} ${route.pattern}`, route]));
    expect(byPattern.get("route /api/health")?.methods).toEqual(["GET"]);
    expect(byPattern.get("route /api/scans")?.methods.sort()).toEqual(["GET", "POST"]);
    expect(byPattern.get("route /api/scans/[id]")?.methods).toEqual(["GET"]);
    expect(byPattern.get("route /auth/sign-out")?.methods).toEqual(["POST"]);
    expect(byPattern.get("page /")?.methods).toEqual(["GET", "HEAD"]);
    expect(routes.length).toBeGreaterThanOrEqual(10);
  });
});

describe("every route × every caller", () => {
  it.each(cases)(
    "$label has an authorization rule that matches the documented requirement",
    ({ route, method }) => {
      const need = requirement(method, route.pattern);
      if (need === undefined) {
        throw new Error(
          `${method} ${route.pattern} (${route.file}) changes state but the documented roles do not say who may call it. ` +
            "Add a rule to lib/auth/route-policy.ts, document it in docs/security.md, and extend requirement() here.",
        );
      }
      const segments = pathSegments(concretePath(route)) ?? [];
      const rule = ruleFor(method, segments);
      expect(rule.access.kind === "role" ? rule.access.minimum : rule.access.kind).toBe(need);
    },
  );

  it.each(cases)("$label answers each caller as its requirement says", async ({ route, method }) => {
    const need = requirement(method, route.pattern);
    if (need === undefined) return; // reported by the test above
    const path = concretePath(route, (name) => `sample-${name}`);
    const api = route.pattern.startsWith("/api/");
    const answers: Record<string, string> = {};
    for (const caller of CALLERS) {
      answers[caller] = describeOutcome(
        await guardRequest(config, await requestFor(caller, method, path), NOW),
      );
    }
    const expected = Object.fromEntries(
      CALLERS.map((caller) => [caller, expectedOutcome(need, caller, method, api)]),
    );
    expect(answers).toEqual(expected);
  });

  it("refuses an unknown state-changing route for everyone, admins included", async () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const outcome = await guardRequest(
        config,
        await requestFor("admin", method, "/api/not-yet-classified"),
        NOW,
      );
      expect(outcome.kind === "error" && outcome.code).toBe("no_policy");
    }
  });
});

describe("a sample through the real proxy (NextRequest in, NextResponse out)", () => {
  async function proxied(route: AppRoute, method: string, caller: Caller) {
    const request = await requestFor(caller, method, concretePath(route));
    const headers = new Headers();
    for (const name of ["host", "origin", "sec-fetch-site", CSRF_HEADER, "authorization"]) {
      const value = request.header(name);
      if (value) headers.set(name, value);
    }
    const cookie = Object.entries(
      caller === "no session" || isBearer(caller)
        ? {}
        : await sessionCookies(config, sessionFor(caller === "no role" ? null : caller, NOW)),
    )
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
    if (cookie) headers.set("cookie", cookie);
    const bearer = "bearer" in request ? request.bearer : undefined;
    return await handleProxyRequest(
      new NextRequest(`${ORIGIN}${concretePath(route)}`, { method, headers }),
      undefined,
      bearer,
    );
  }

  it("answers 401/403/redirect/pass exactly as the guard decided, with headers on every answer", async () => {
    for (const [key, value] of Object.entries(entraEnv())) process.env[key] = value;
    try {
      const scans = routes.find((r) => r.pattern === "/api/scans" && r.kind === "route") as AppRoute;
      const home = routes.find((r) => r.pattern === "/" && r.kind === "page") as AppRoute;
      const health = routes.find((r) => r.pattern === "/api/health") as AppRoute;
      const samples: [AppRoute, string, Caller, number][] = [
        [scans, "GET", "no session", 401],
        [scans, "GET", "viewer", 200],
        [home, "GET", "no session", 307],
        [home, "GET", "no role", 307],
        [home, "GET", "viewer", 200],
        [health, "GET", "no session", 200],
        [scans, "GET", "bearer viewer", 200],
        [scans, "POST", "bearer viewer", 403],
        [scans, "POST", "bearer operator", 200],
        [scans, "GET", "bearer no role", 403],
        [home, "GET", "bearer admin", 307],
      ];
      for (const [route, method, caller, status] of samples) {
        const response = await proxied(route, method, caller);
        expect(`${method} ${route.pattern} as ${caller}: ${response.status}`).toBe(
          `${method} ${route.pattern} as ${caller}: ${status}`,
        );
        expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
        expect(response.headers.get("strict-transport-security")).toContain("max-age=");
      }
    } finally {
      for (const key of Object.keys(entraEnv())) delete process.env[key];
    }
  });
});
