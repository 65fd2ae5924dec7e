import { describe, expect, it } from "vitest";
import type { AuthConfig } from "./config";
import { CSRF_HEADER, csrfCookieName, issueCsrfToken } from "./csrf";
import { type GuardOutcome, guardRequest } from "./guard";
import { sessionCookieName } from "./session";
import {
  anonymousConfig,
  entraConfig,
  guardRequestOf,
  sessionCookies,
  sessionFor,
  type TestRequestInit,
} from "./test-support";

const NOW = Date.UTC(2026, 0, 1, 9, 0, 0);
const config = entraConfig();
const ORIGIN = "https://atlas.example.test";

function decide(url: string, init: TestRequestInit = {}, cfg: AuthConfig = config): GuardOutcome {
  return guardRequest(cfg, guardRequestOf(url, init), NOW);
}

/** What a signed-in browser sends for a same-origin fetch. */
function browserWrite(role: "viewer" | "operator" | "admin" | null, method = "POST"): TestRequestInit {
  const session = sessionFor(role, NOW);
  return {
    method,
    headers: {
      origin: ORIGIN,
      "sec-fetch-site": "same-origin",
      [CSRF_HEADER]: issueCsrfToken(config, session.sid),
    },
    cookies: sessionCookies(config, session),
  };
}

function summary(outcome: GuardOutcome): string {
  if (outcome.kind === "continue") return "continue";
  if (outcome.kind === "redirect") return `redirect ${outcome.location}`;
  return `${outcome.status} ${outcome.code}`;
}

describe("guardRequest with Entra sign-in", () => {
  it("sends a signed-out browser to the sign-in page and answers the API with 401 JSON", () => {
    expect(summary(decide("/clusters?sort=name"))).toBe(
      `redirect /auth/sign-in?returnTo=${encodeURIComponent("/clusters?sort=name")}`,
    );
    const api = decide("/api/clusters");
    expect(summary(api)).toBe("401 unauthenticated");
    expect(api.kind === "error" && api.api).toBe(true);
  });

  it("serves the public routes without a session", () => {
    for (const url of [
      "/api/health",
      "/share/abc",
      "/api/share/abc.pdf",
      "/auth/sign-in",
      "/auth/callback?code=x",
    ]) {
      expect(summary(decide(url)), url).toBe("continue");
    }
  });

  it("lets each role do what it may and no more", () => {
    const scan = "/api/scans";
    expect(summary(decide(scan, browserWrite("viewer")))).toBe("403 forbidden");
    expect(summary(decide(scan, browserWrite("operator")))).toBe("continue");
    expect(summary(decide(scan, browserWrite("admin")))).toBe("continue");
    expect(summary(decide("/api/settings", browserWrite("operator", "PATCH")))).toBe("403 forbidden");
    expect(summary(decide("/api/settings", browserWrite("admin", "PATCH")))).toBe("continue");
    // A method the handler does not export is a 405 naming the ones it does (lib/http/methods.ts).
    expect(summary(decide("/api/settings", browserWrite("admin", "PUT")))).toBe("405 method_not_allowed");
    expect(summary(decide("/api/shares/7", browserWrite("operator", "DELETE")))).toBe("403 forbidden");
    expect(summary(decide("/api/shares/7", browserWrite("admin", "DELETE")))).toBe("continue");
  });

  it("sends a signed-in user without the role to the 403 page", () => {
    const session = sessionFor("viewer", NOW);
    expect(summary(decide("/settings", { cookies: sessionCookies(config, session) }))).toBe(
      "redirect /auth/forbidden?need=admin",
    );
    const noRole = sessionFor(null, NOW);
    expect(summary(decide("/", { cookies: sessionCookies(config, noRole) }))).toBe(
      "redirect /auth/forbidden?need=viewer",
    );
  });

  it("refuses a state-changing route without a rule, whatever the role", () => {
    expect(summary(decide("/api/brand-new-thing", browserWrite("admin")))).toBe("403 no_policy");
    expect(summary(decide("/clusters/x", browserWrite("admin")))).toBe("403 no_policy"); // server action
  });

  it("refuses cross-site writes before anything else", () => {
    const write = browserWrite("admin");
    for (const headers of <Record<string, string>[]>[
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: "http://atlas.example.test" }, // scheme matters
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      {},
    ]) {
      const outcome = decide("/api/scans", {
        ...write,
        headers: { [CSRF_HEADER]: write.headers?.[CSRF_HEADER] ?? "", ...headers },
      });
      expect(summary(outcome), JSON.stringify(headers)).toBe("403 cross_site_request");
    }
  });

  it("requires the session-bound CSRF token on API writes", () => {
    const write = browserWrite("operator");
    const other = issueCsrfToken(config, "another-session-id-123");
    expect(
      summary(decide("/api/scans", { ...write, headers: { ...write.headers, [CSRF_HEADER]: other } })),
    ).toBe("403 csrf_token_invalid");
    const { [CSRF_HEADER]: _dropped, ...withoutToken } = write.headers ?? {};
    expect(summary(decide("/api/scans", { ...write, headers: withoutToken }))).toBe("403 csrf_token_invalid");
  });

  it("refreshes a session seen more than a minute ago, and clears a tampered one", () => {
    const stale = sessionFor("viewer", NOW - 5 * 60_000);
    const outcome = decide("/", { cookies: sessionCookies(config, stale) });
    expect(outcome.kind).toBe("continue");
    const refreshed = outcome.cookies.find((c) => c.name === sessionCookieName(config));
    expect(refreshed?.httpOnly).toBe(true);
    expect(refreshed?.secure).toBe(true);
    expect(refreshed?.sameSite).toBe("lax");
    expect(outcome.cookies.find((c) => c.name === csrfCookieName(config))?.httpOnly).toBe(false);

    const tampered = decide("/", {
      cookies: { [sessionCookieName(config)]: "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    });
    expect(summary(tampered)).toMatch(/^redirect \/auth\/sign-in\?returnTo=%2F&reason=invalid$/);
    expect(tampered.cookies).toContainEqual(
      expect.objectContaining({ name: sessionCookieName(config), maxAge: 0 }),
    );
  });

  it("says why an expired session was refused", () => {
    const old = sessionFor("viewer", NOW - 2 * 60 * 60_000);
    expect(summary(decide("/findings", { cookies: sessionCookies(config, old) }))).toContain("reason=idle");
    const api = decide("/api/findings", { cookies: sessionCookies(config, old) });
    expect(api.kind === "error" && api.message).toMatch(/expired/);
  });

  it("answers 429 with Retry-After when the rate limiter refused a limited route", () => {
    // The counting is lib/auth/rate-limit.ts's (rate-limit.int.test.ts); the guard turns its decision into the answer.
    const refused = { allowed: false, retryAfterSeconds: 17, reason: "client" } as const;
    const outcome = guardRequest(config, { ...guardRequestOf("/auth/login"), rateLimit: refused }, NOW);
    expect(summary(outcome)).toBe("429 rate_limited");
    expect(outcome.kind === "error" && outcome.headers["Retry-After"]).toBe("17");
    const allowed = { ...guardRequestOf("/auth/login"), rateLimit: { allowed: true } as const };
    expect(summary(guardRequest(config, allowed, NOW))).toBe("continue");
  });

  it("lets machine routes through without a session but not from another site", () => {
    expect(summary(decide("/api/cron/scan", { method: "POST" }))).toBe("continue");
    expect(
      summary(decide("/api/cron/scan", { method: "POST", headers: { origin: "https://evil.example" } })),
    ).toBe("403 cross_site_request");
  });

  it("rejects undecodable paths and NUL bytes", () => {
    expect(summary(decide("/api/%E0%A4%A"))).toBe("400 invalid_path");
    expect(summary(decide("/api/principals/%00"))).toBe("400 invalid_path");
    expect(summary(decide("/api/search?q=a%00b"))).toBe("400 invalid_query");
  });
});

describe("guardRequest in anonymous mode", () => {
  const anonymous = anonymousConfig();
  const local = "http://127.0.0.1:3000";

  it("makes everyone admin on loopback names", () => {
    const outcome = decide(`${local}/settings`, {}, anonymous);
    expect(outcome.kind === "continue" && outcome.principal).toEqual({ kind: "anonymous", role: "admin" });
  });

  it("refuses other Host names (DNS rebinding)", () => {
    expect(summary(decide("http://attacker.example/api/clusters", {}, anonymous))).toBe(
      "421 misdirected_request",
    );
  });

  it("still checks Origin and the CSRF token for browser writes", () => {
    expect(
      summary(
        decide(
          `${local}/api/scans`,
          { method: "POST", headers: { origin: "https://evil.example" } },
          anonymous,
        ),
      ),
    ).toBe("403 cross_site_request");
    expect(
      summary(decide(`${local}/api/scans`, { method: "POST", headers: { origin: local } }, anonymous)),
    ).toBe("403 csrf_token_invalid");
    const token = issueCsrfToken(anonymous, "anonymous");
    expect(
      summary(
        decide(
          `${local}/api/scans`,
          { method: "POST", headers: { origin: local, [CSRF_HEADER]: token } },
          anonymous,
        ),
      ),
    ).toBe("continue");
  });

  it("lets a non-browser client without cookies write (curl against the local demo)", () => {
    expect(summary(decide(`${local}/api/scans`, { method: "POST" }, anonymous))).toBe("continue");
  });
});
