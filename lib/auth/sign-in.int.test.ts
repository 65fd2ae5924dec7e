import { mkdtempSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { type EmulatorHandle, startEmulator } from "@/lib/emulator/server";
import { createAuthorityHttp, ForeignHostError } from "./authority-http";
import { type EntraAuthConfig, readAuthConfig } from "./config";
import { DEMO_SIGN_IN, demoSignInEnv } from "./demo-sign-in";
import { SignInUnavailableError } from "./entra-client";
import { purposeKey, sealClaims } from "./seal";
import { newSession, sealSession } from "./session";
import { beginSignIn, completeSignIn } from "./sign-in";

/**
 * The whole authorization-code + PKCE flow through msal-node against the HTTPS emulator, minus the browser:
 * the test plays the user picking an account on the emulator's login page.
 */

let emulator: EmulatorHandle;
let config: EntraAuthConfig;
const emulatorRequests: string[] = [];
const SECRET = "integration-test-session-secret-0123456789abcdef";

function entra(env: Record<string, string>): EntraAuthConfig {
  const parsed = readAuthConfig(env);
  if (parsed.mode !== "entra") throw new Error("expected entra");
  return parsed;
}

beforeAll(async () => {
  emulator = await startEmulator({
    tenant: await loadDemoTenant(),
    dataDir: mkdtempSync(path.join(tmpdir(), "atlas-signin-")),
    signInAppRoles: DEMO_SIGN_IN.appRoles,
    onRequest: (entry) => emulatorRequests.push(`${entry.method} ${entry.url.split("?")[0]} ${entry.status}`),
  });
  config = entra(demoSignInEnv(emulator, "http://127.0.0.1:3999", SECRET));
});

afterAll(async () => {
  await emulator?.close();
});

/** The emulator's login page, answered: GET the authorize URL with the chosen account → its redirect. */
function pickAccount(authorizeUrl: string, principalId: string): Promise<URL> {
  const url = new URL(authorizeUrl);
  url.searchParams.set("principal", principalId);
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: emulator.caPem }, (res) => {
      res.resume();
      const location = res.headers.location;
      if (res.statusCode !== 302 || !location) reject(new Error(`authorize answered ${res.statusCode}`));
      else resolve(new URL(location));
    });
    req.on("error", reject);
    req.end();
  });
}

async function signInAs(principalId: string, cfg = config) {
  const { authorizeUrl, stateCookie } = await beginSignIn(cfg, "/clusters?sort=name");
  const callback = await pickAccount(authorizeUrl, principalId);
  return {
    authorizeUrl,
    stateCookie,
    callback,
    outcome: await completeSignIn(cfg, callback.searchParams, stateCookie),
  };
}

describe("sign-in against the emulated Entra ID", () => {
  it("asks for a code with PKCE (S256), state and nonce, and comes back to the configured redirect URI", async () => {
    const { authorizeUrl, callback } = await signInAs(DEMO_SIGN_IN.users.operator.id);
    const url = new URL(authorizeUrl);
    expect(url.origin).toBe(emulator.url);
    expect(url.pathname).toBe(`/${emulator.tenantId}/oauth2/v2.0/authorize`);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("state")?.length).toBeGreaterThanOrEqual(43);
    expect(url.searchParams.get("nonce")?.length).toBeGreaterThanOrEqual(43);
    expect(url.searchParams.get("redirect_uri")).toBe("http://127.0.0.1:3999/auth/callback");
    expect(`${callback.origin}${callback.pathname}`).toBe("http://127.0.0.1:3999/auth/callback");
  });

  it.each([
    ["operator", DEMO_SIGN_IN.users.operator, "operator"],
    ["viewer", DEMO_SIGN_IN.users.viewer, "viewer"],
    ["viewerByGroup", DEMO_SIGN_IN.users.viewerByGroup, "viewer"],
    ["admin", DEMO_SIGN_IN.users.admin, "admin"],
    ["adminThroughNestedGroup", DEMO_SIGN_IN.users.adminThroughNestedGroup, "admin"],
    ["noRole", DEMO_SIGN_IN.users.noRole, null],
  ])("%s: %s signs in with role %s", async (_label, user, role) => {
    const { outcome } = await signInAs(user.id);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.session.oid).toBe(user.id);
    expect(outcome.session.name).toBe(user.name);
    expect(outcome.session.role).toBe(role);
    expect(outcome.session.tid).toBe(emulator.tenantId.toLowerCase());
    expect(outcome.returnTo).toBe("/clusters?sort=name");
  });

  it("refuses a mismatched state, a replayed code and a forged state cookie", async () => {
    const { stateCookie, callback } = await signInAs(DEMO_SIGN_IN.users.operator.id);
    const replay = await completeSignIn(config, callback.searchParams, stateCookie);
    expect(replay).toMatchObject({ ok: false, reason: "invalid_response" });

    const fresh = await beginSignIn(config, "/");
    const back = await pickAccount(fresh.authorizeUrl, DEMO_SIGN_IN.users.admin.id);
    const wrongState = new URLSearchParams(back.searchParams);
    wrongState.set("state", "attacker-chosen-state");
    expect(await completeSignIn(config, wrongState, fresh.stateCookie)).toMatchObject({
      ok: false,
      reason: "state_mismatch",
    });
    expect(
      await completeSignIn(config, back.searchParams, `${fresh.stateCookie.slice(0, -3)}abc`),
    ).toMatchObject({
      ok: false,
      reason: "expired",
    });
    // The state cookie of one sign-in cannot complete another.
    const other = await beginSignIn(config, "/");
    expect(await completeSignIn(config, back.searchParams, other.stateCookie)).toMatchObject({
      ok: false,
      reason: "state_mismatch",
    });
  });

  it("refuses a state cookie from another key, one past its exp, and a session cookie in its place", async () => {
    const now = Date.now();
    const fresh = await beginSignIn(config, "/", now);
    const back = await pickAccount(fresh.authorizeUrl, DEMO_SIGN_IN.users.admin.id);
    // The state cookie is a compact JWE (dir + A256GCM) of its own type.
    const header = JSON.parse(
      Buffer.from(fresh.stateCookie.split(".")[0] ?? "", "base64url").toString("utf8"),
    );
    expect(header).toEqual({ alg: "dir", enc: "A256GCM", typ: "atlas-sign-in+jwt" });
    const expired = { ok: false, reason: "expired" };

    // Same claims, the key of another deployment's secret.
    const otherKey = purposeKey("another-deployment-session-secret-0123456789", "sign-in-state/v2");
    const state = back.searchParams.get("state") ?? "";
    const claims = { state, verifier: "v".repeat(64), nonce: "n".repeat(43), returnTo: "/", createdAt: now };
    const foreign = await sealClaims(
      otherKey,
      "atlas-sign-in+jwt",
      { sis: claims },
      {
        issuedAt: now,
        expiresAt: now + 600_000,
      },
    );
    expect(await completeSignIn(config, back.searchParams, foreign, now)).toMatchObject(expired);

    // The right key and a fresh createdAt, but an `exp` already passed: jose's claim check refuses it.
    const ownKey = purposeKey(SECRET, "sign-in-state/v2");
    const stale = await sealClaims(
      ownKey,
      "atlas-sign-in+jwt",
      { sis: claims },
      {
        issuedAt: now - 120_000,
        expiresAt: now - 60_000,
      },
    );
    expect(await completeSignIn(config, back.searchParams, stale, now)).toMatchObject(expired);
    // …and the genuine cookie, once its ten minutes are over.
    expect(
      await completeSignIn(config, back.searchParams, fresh.stateCookie, now + 11 * 60_000),
    ).toMatchObject(expired);

    // A session cookie is sealed with the same secret but another key and type: no sign-in state.
    const session = newSession({ oid: "x", tid: config.tenantId, name: "x", role: "admin" }, now);
    expect(
      await completeSignIn(config, back.searchParams, await sealSession(config, session), now),
    ).toMatchObject(expired);
  });

  it("talks to the authority only, and trusts its CA without switching TLS checks off", async () => {
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
    const families = new Set(emulatorRequests.map((line) => line.split(" ")[1]?.split("/")[2] ?? ""));
    // openid-configuration, token and keys — no instance discovery, no Graph, nothing else.
    expect(emulatorRequests.every((line) => line.includes(`/${emulator.tenantId}/`))).toBe(true);
    expect([...families].sort()).toEqual(["discovery", "oauth2", "v2.0"]);
    expect(emulatorRequests.filter((line) => line.includes("openid-configuration"))).toHaveLength(1);

    const http = createAuthorityHttp(emulator.url, undefined);
    await expect(
      http.sendGetRequestAsync("https://login.microsoftonline.com/common/discovery/instance"),
    ).rejects.toThrow(ForeignHostError);
    await expect(http.sendGetRequestAsync(`${emulator.url.replace("https", "http")}/x`)).rejects.toThrow(
      ForeignHostError,
    );
  });

  it("does not sign in when the authority's certificate is not trusted", async () => {
    const untrusted = entra({
      ...demoSignInEnv(emulator, "http://127.0.0.1:3998", SECRET),
      ATLAS_AUTH_CA_FILE: "",
    });
    await expect(beginSignIn(untrusted, "/")).rejects.toThrow(SignInUnavailableError);
  });
});
