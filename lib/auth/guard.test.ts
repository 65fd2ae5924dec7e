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

async function decide(
  url: string,
  init: TestRequestInit = {},
  cfg: AuthConfig = config,
): Promise<GuardOutcome> {
  return await guardRequest(cfg, guardRequestOf(url, init), NOW);
}

/** What a signed-in browser sends for a same-origin fetch. */
async function browserWrite(
  role: "viewer" | "operator" | "admin" | null,
  method = "POST",
): Promise<TestRequestInit> {
  const session = sessionFor(role, NOW);
  return {
    method,
    headers: {
      origin: ORIGIN,
      "sec-fetch-site": "same-origin",
      [CSRF_HEADER]: issueCsrfToken(config, session.sid),
    },
    cookies: await sessionCookies(config, session),
  };
}

function summary(outcome: GuardOutcome): string {
  if (outcome.kind === "continue") return "continue";
  if (outcome.kind === "redirect") return `redirect ${outcome.location}`;
  return `${outcome.status} ${outcome.code}`;
}

describe("guardRequest with Entra sign-in", () => {
  it("sends a signed-out browser to the sign-in page and answers the API with 401 JSON", async () => {
    expect(summary(await decide("/clusters?sort=name"))).toBe(
      `redirect /auth/sign-in?returnTo=${encodeURIComponent("/clusters?sort=name")}`,
    );
    const api = await decide("/api/clusters");
    expect(summary(api)).toBe("401 unauthenticated");
    expect(api.kind === "error" && api.api).toBe(true);
  });

  it("serves the public routes without a session", async () => {
    for (const url of [
      "/api/health",
      "/share/abc",
      "/api/share/abc.pdf",
      "/auth/sign-in",
      "/auth/callback?code=x",
    ]) {
      expect(summary(await decide(url)), url).toBe("continue");
    }
  });

  it("lets each role do what it may and no more", async () => {
    const scan = "/api/scans";
    expect(summary(await decide(scan, await browserWrite("viewer")))).toBe("403 forbidden");
    expect(summary(await decide(scan, await browserWrite("operator")))).toBe("continue");
    expect(summary(await decide(scan, await browserWrite("admin")))).toBe("continue");
    expect(summary(await decide("/api/settings", await browserWrite("operator", "PATCH")))).toBe(
      "403 forbidden",
    );
    expect(summary(await decide("/api/settings", await browserWrite("admin", "PATCH")))).toBe("continue");
    // A method the handler does not export is a 405 naming the ones it does (lib/http/methods.ts).
    expect(summary(await decide("/api/settings", await browserWrite("admin", "PUT")))).toBe(
      "405 method_not_allowed",
    );
    expect(summary(await decide("/api/shares/7", await browserWrite("operator", "DELETE")))).toBe(
      "403 forbidden",
    );
    expect(summary(await decide("/api/shares/7", await browserWrite("admin", "DELETE")))).toBe("continue");
  });

  it("sends a signed-in user without the role to the 403 page", async () => {
    const session = sessionFor("viewer", NOW);
    expect(summary(await decide("/settings", { cookies: await sessionCookies(config, session) }))).toBe(
      "redirect /auth/forbidden?need=admin",
    );
    const noRole = sessionFor(null, NOW);
    expect(summary(await decide("/", { cookies: await sessionCookies(config, noRole) }))).toBe(
      "redirect /auth/forbidden?need=viewer",
    );
  });

  it("refuses a state-changing route without a rule, whatever the role", async () => {
    expect(summary(await decide("/api/brand-new-thing", await browserWrite("admin")))).toBe("403 no_policy");
    expect(summary(await decide("/clusters/x", await browserWrite("admin")))).toBe("403 no_policy"); // server action
  });

  it("refuses cross-site writes before anything else", async () => {
    const write = await browserWrite("admin");
    for (const headers of <Record<string, string>[]>[
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: "http://atlas.example.test" }, // scheme matters
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      {},
    ]) {
      const outcome = await decide("/api/scans", {
        ...write,
        headers: { [CSRF_HEADER]: write.headers?.[CSRF_HEADER] ?? "", ...headers },
      });
      expect(summary(outcome), JSON.stringify(headers)).toBe("403 cross_site_request");
    }
  });

  it("requires the session-bound CSRF token on API writes", async () => {
    const write = await browserWrite("operator");
    const other = issueCsrfToken(config, "another-session-id-123");
    expect(
      summary(await decide("/api/scans", { ...write, headers: { ...write.headers, [CSRF_HEADER]: other } })),
    ).toBe("403 csrf_token_invalid");
    const { [CSRF_HEADER]: _dropped, ...withoutToken } = write.headers ?? {};
    expect(summary(await decide("/api/scans", { ...write, headers: withoutToken }))).toBe(
      "403 csrf_token_invalid",
    );
  });

  it("refreshes a session seen more than a minute ago, and clears a tampered one", async () => {
    const stale = sessionFor("viewer", NOW - 5 * 60_000);
    const outcome = await decide("/", { cookies: await sessionCookies(config, stale) });
    expect(outcome.kind).toBe("continue");
    const refreshed = outcome.cookies.find((c) => c.name === sessionCookieName(config));
    expect(refreshed?.httpOnly).toBe(true);
    expect(refreshed?.secure).toBe(true);
    expect(refreshed?.sameSite).toBe("lax");
    expect(outcome.cookies.find((c) => c.name === csrfCookieName(config))?.httpOnly).toBe(false);

    const tampered = await decide("/", {
      cookies: { [sessionCookieName(config)]: "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    });
    expect(summary(tampered)).toMatch(/^redirect \/auth\/sign-in\?returnTo=%2F&reason=invalid$/);
    expect(tampered.cookies).toContainEqual(
      expect.objectContaining({ name: sessionCookieName(config), maxAge: 0 }),
    );
  });

  it("says why an expired session was refused", async () => {
    const old = sessionFor("viewer", NOW - 2 * 60 * 60_000);
    expect(summary(await decide("/findings", { cookies: await sessionCookies(config, old) }))).toContain(
      "reason=idle",
    );
    const api = await decide("/api/findings", { cookies: await sessionCookies(config, old) });
    expect(api.kind === "error" && api.message).toMatch(/expired/);
  });

  it("answers 429 with Retry-After when the rate limiter refused a limited route", async () => {
    // The counting is lib/auth/rate-limit.ts's (rate-limit.int.test.ts); the guard turns its decision into the answer.
    const refused = { allowed: false, retryAfterSeconds: 17, reason: "client" } as const;
    const outcome = await guardRequest(config, { ...guardRequestOf("/auth/login"), rateLimit: refused }, NOW);
    expect(summary(outcome)).toBe("429 rate_limited");
    expect(outcome.kind === "error" && outcome.headers["Retry-After"]).toBe("17");
    const allowed = { ...guardRequestOf("/auth/login"), rateLimit: { allowed: true } as const };
    expect(summary(await guardRequest(config, allowed, NOW))).toBe("continue");
  });

  it("lets machine routes through without a session but not from another site", async () => {
    expect(summary(await decide("/api/cron/scan", { method: "POST" }))).toBe("continue");
    expect(
      summary(
        await decide("/api/cron/scan", { method: "POST", headers: { origin: "https://evil.example" } }),
      ),
    ).toBe("403 cross_site_request");
  });

  it("rejects undecodable paths and NUL bytes", async () => {
    expect(summary(await decide("/api/%E0%A4%A"))).toBe("400 invalid_path");
    expect(summary(await decide("/api/principals/%00"))).toBe("400 invalid_path");
    expect(summary(await decide("/api/search?q=a%00b"))).toBe("400 invalid_query");
  });
});

describe("guardRequest in anonymous mode", () => {
  const anonymous = anonymousConfig();
  const local = "http://127.0.0.1:3000";

  it("makes everyone admin on loopback names", async () => {
    const outcome = await decide(`${local}/settings`, {}, anonymous);
    expect(outcome.kind === "continue" && outcome.principal).toEqual({ kind: "anonymous", role: "admin" });
  });

  it("refuses other Host names (DNS rebinding)", async () => {
    expect(summary(await decide("http://attacker.example/api/clusters", {}, anonymous))).toBe(
      "421 misdirected_request",
    );
  });

  it("still checks Origin and the CSRF token for browser writes", async () => {
    expect(
      summary(
        await decide(
          `${local}/api/scans`,
          { method: "POST", headers: { origin: "https://evil.example" } },
          anonymous,
        ),
      ),
    ).toBe("403 cross_site_request");
    expect(
      summary(await decide(`${local}/api/scans`, { method: "POST", headers: { origin: local } }, anonymous)),
    ).toBe("403 csrf_token_invalid");
    const token = issueCsrfToken(anonymous, "anonymous");
    expect(
      summary(
        await decide(
          `${local}/api/scans`,
          { method: "POST", headers: { origin: local, [CSRF_HEADER]: token } },
          anonymous,
        ),
      ),
    ).toBe("continue");
  });

  it("lets a non-browser client without cookies write (curl against the local demo)", async () => {
    expect(summary(await decide(`${local}/api/scans`, { method: "POST" }, anonymous))).toBe("continue");
  });
});
