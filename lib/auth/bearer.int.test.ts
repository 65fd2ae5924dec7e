import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { type EmulatorHandle, startEmulator } from "@/lib/emulator/server";
import { emulatorCredential } from "@/lib/emulator/test-support";
import { acceptedIssuers, bearerKeyCache, resetBearerVerifiers, verifyBearerToken } from "./bearer";
import { REFETCH_INTERVAL_MS } from "./bearer-keys";
import { bearerCheckFor } from "./bearer-request";
import { type EntraAuthConfig, readAuthConfig } from "./config";
import { CSRF_HEADER } from "./csrf";
import { DEMO_SIGN_IN, demoSignInEnv } from "./demo-sign-in";
import { handleProxyRequest } from "./proxy-handler";
import { newSession, sealSession, sessionCookieName } from "./session";

/**
 * Bearer tokens for pipelines, end to end against the HTTPS emulator's Entra ID: real client-credentials
 * tokens (@azure/identity's ClientSecretCredential) for service principals and a managed identity holding
 * the product's app roles as application permissions, delegated tokens for users, and tokens that must be
 * refused — each through the real proxy (NextRequest in, NextResponse out).
 *
 * How Entra issues them: the client-credentials grant with scope `api://<client id>/.default` gives an
 * app-only token whose `roles` are the app roles assigned to the calling service principal
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow,
 * https://learn.microsoft.com/entra/identity-platform/howto-add-app-roles-in-apps); a v2.0 access token's
 * `aud` is the resource's client id (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference).
 */

const PUBLIC_URL = "https://atlas.example.test";
const SECRET = "integration-test-session-secret-0123456789abcdef";

/** App roles of the Atlas app registration assigned to service principals (appRoleAssignments on the SP). */
const SERVICE_PRINCIPALS = {
  viewer: { name: "ci-deployer", roles: ["Atlas.Viewer"] },
  operator: { name: "gitops-payments", roles: ["Atlas.Operator"] },
  admin: { name: "legacy-automation", roles: ["Atlas.Admin"] },
  managedIdentityViewer: { name: "id-orders-api", roles: ["Atlas.Viewer"] },
  noRole: { name: "uaiaks1", roles: [] as string[] },
};

let emulator: EmulatorHandle;
let config: EntraAuthConfig;
let env: Record<string, string>;
const emulatorRequests: string[] = [];
let scope: string;

beforeAll(async () => {
  const appRoles: Record<string, string[]> = { ...DEMO_SIGN_IN.appRoles };
  for (const sp of Object.values(SERVICE_PRINCIPALS)) if (sp.roles.length) appRoles[sp.name] = sp.roles;
  emulator = await startEmulator({
    tenant: await loadDemoTenant(),
    dataDir: mkdtempSync(path.join(tmpdir(), "atlas-bearer-")),
    signInAppRoles: appRoles,
    onRequest: (entry) => emulatorRequests.push(`${entry.method} ${entry.url.split("?")[0]} ${entry.status}`),
  });
  env = demoSignInEnv(emulator, PUBLIC_URL, SECRET);
  const parsed = readAuthConfig(env);
  if (parsed.mode !== "entra") throw new Error("expected entra");
  config = parsed;
  scope = `api://${emulator.signInApp.clientId}/.default`;
  for (const [key, value] of Object.entries(env)) process.env[key] = value;
});

afterAll(async () => {
  for (const key of Object.keys(env ?? {})) delete process.env[key];
  await emulator?.close();
});

beforeEach(() => resetBearerVerifiers());

/** A real client-credentials token from the emulator's token endpoint, as a pipeline gets it. */
async function clientCredentialsToken(principal: string): Promise<string> {
  const credential = emulatorCredential(emulator, emulator.credentialFor(principal));
  const token = await credential.getToken(scope);
  if (!token) throw new Error(`no token for ${principal}`);
  return token.token;
}

/** What proxy.ts does: verify the bearer token, then let the guard decide. */
async function proxied(
  method: string,
  pathname: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const request = new NextRequest(`${PUBLIC_URL}${pathname}`, {
    method,
    headers,
    ...(method === "GET" ? {} : { body: "{}" }),
  });
  const response = await handleProxyRequest(request, undefined, await bearerCheckFor(request));
  const text = response.status === 200 ? "" : await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Claims exactly as the emulator issues them for the Atlas API, for tokens with one thing wrong. */
function goodClaims(now = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  const sp = "00000000-0000-0000-0000-0000000000e1"; // ci-deployer
  return {
    aud: emulator.signInApp.clientId,
    iss: `${emulator.url}/${emulator.tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    tid: emulator.tenantId,
    oid: sp,
    sub: sp,
    azp: "00000000-0000-0000-0000-0000000001e1",
    idtyp: "app",
    ver: "2.0",
    roles: ["Atlas.Admin"],
  };
}

describe("client-credentials tokens from the emulated Entra ID", () => {
  it.each([
    ["viewer SP", SERVICE_PRINCIPALS.viewer.name, { read: 200, scan: 403, settings: 403 }],
    ["operator SP", SERVICE_PRINCIPALS.operator.name, { read: 200, scan: 200, settings: 403 }],
    ["admin SP", SERVICE_PRINCIPALS.admin.name, { read: 200, scan: 200, settings: 200 }],
    [
      "managed identity (viewer)",
      SERVICE_PRINCIPALS.managedIdentityViewer.name,
      { read: 200, scan: 403, settings: 403 },
    ],
    ["SP without a role", SERVICE_PRINCIPALS.noRole.name, { read: 403, scan: 403, settings: 403 }],
  ])("%s: the app role decides, no cookie and no CSRF token needed", async (_label, principal, expected) => {
    const token = await clientCredentialsToken(principal);
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
    expect(claims.idtyp).toBe("app");
    expect(claims.aud).toBe(emulator.signInApp.clientId);
    const read = await proxied("GET", "/api/scans", bearer(token));
    const scan = await proxied("POST", "/api/scans", {
      ...bearer(token),
      "content-type": "application/json",
    });
    const settings = await proxied("PATCH", "/api/settings", bearer(token));
    expect({ read: read.status, scan: scan.status, settings: settings.status }).toEqual(expected);
    for (const refused of [read, scan, settings].filter((answer) => answer.status === 403)) {
      expect(refused.body).toEqual({
        error: { code: "forbidden", message: expect.stringContaining("the token grants") },
      });
      expect(refused.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    }
  });

  it("gives a user's delegated token the user's role — from an app role or a configured group", async () => {
    const penny = await emulator.issueToken(DEMO_SIGN_IN.users.operator.id, scope);
    const howard = await emulator.issueToken(DEMO_SIGN_IN.users.viewerByGroup.id, scope);
    const faye = await emulator.issueToken(DEMO_SIGN_IN.users.noRole.id, scope);
    const check = async (token: string) => {
      const result = await verifyBearerToken(config, token);
      return result.ok ? `${result.identity.kind} ${result.identity.role}` : result.reason;
    };
    expect(await check(penny)).toBe("user operator");
    expect(await check(howard)).toBe("user viewer");
    expect(await check(faye)).toBe("user null");
    expect((await proxied("POST", "/api/scans", bearer(penny))).status).toBe(200);
  });

  it("fetches the signing keys over HTTPS from the authority, trusting ATLAS_AUTH_CA_FILE", async () => {
    emulatorRequests.length = 0;
    const token = await clientCredentialsToken(SERVICE_PRINCIPALS.viewer.name);
    expect((await proxied("GET", "/api/clusters", bearer(token))).status).toBe(200);
    expect(emulatorRequests).toContain(`GET /${emulator.tenantId}/discovery/v2.0/keys 200`);
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
  });

  it("answers 503 (not 401, not 500) when the authority's certificate is not trusted", async () => {
    const untrusted = readAuthConfig({ ...env, ATLAS_AUTH_CA_FILE: "" });
    if (untrusted.mode !== "entra") throw new Error("expected entra");
    const token = await clientCredentialsToken(SERVICE_PRINCIPALS.viewer.name);
    const result = await verifyBearerToken(untrusted, token);
    expect(result).toMatchObject({ ok: false, problem: "unavailable" });
  });
});

describe("tokens that must be refused: 401 invalid_token with a Bearer challenge", () => {
  async function expectRefused(token: string, why: RegExp) {
    const answer = await proxied("GET", "/api/scans", bearer(token));
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: { code: "invalid_token", message: expect.stringMatching(why) } });
    expect(answer.headers.get("www-authenticate")).toMatch(
      /^Bearer realm="aks-identity-atlas", error="invalid_token"/,
    );
  }

  it("accepts the control token: genuine signature, every claim right (so each refusal below is the claim's)", async () => {
    expect((await proxied("GET", "/api/scans", bearer(await emulator.signClaims(goodClaims())))).status).toBe(
      200,
    );
    // The Application ID URI is an accepted audience too (v1.0 tokens carry the URI the client asked for).
    const uri = await emulator.signClaims({ ...goodClaims(), aud: `api://${emulator.signInApp.clientId}` });
    expect((await proxied("GET", "/api/scans", bearer(uri))).status).toBe(200);
  });

  it("refuses a token signed with another key under the authority's key id (forged)", async () => {
    const real = await clientCredentialsToken(SERVICE_PRINCIPALS.admin.name);
    const { kid } = decodeProtectedHeader(real);
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT(goodClaims())
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid })
      .sign(privateKey);
    await expectRefused(forged, /signature/);
  });

  it("refuses expired and not-yet-valid tokens beyond the clock skew", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(
      await emulator.signClaims({ ...goodClaims(), iat: now - 7200, nbf: now - 7200, exp: now - 300 }),
      /expired/,
    );
    await expectRefused(
      await emulator.signClaims({ ...goodClaims(), nbf: now + 600, exp: now + 4200 }),
      /not valid yet/,
    );
    // Within the 60 s skew both are fine.
    expect(
      (
        await proxied(
          "GET",
          "/api/scans",
          bearer(await emulator.signClaims({ ...goodClaims(), exp: now - 20 })),
        )
      ).status,
    ).toBe(200);
  });

  it("refuses another audience, another issuer and another tenant", async () => {
    await expectRefused(
      await emulator.signClaims({ ...goodClaims(), aud: "https://graph.microsoft.com" }),
      /audience/,
    );
    await expectRefused(await emulator.signClaims({ ...goodClaims(), aud: randomUUID() }), /audience/);
    await expectRefused(
      await emulator.signClaims({
        ...goodClaims(),
        aud: [emulator.signInApp.clientId, "https://graph.microsoft.com"],
      }),
      /audience/,
    );
    // A genuine token the emulator issued for Microsoft Graph.
    await expectRefused(
      await emulator.issueToken(SERVICE_PRINCIPALS.admin.name, "https://graph.microsoft.com/.default"),
      /audience/,
    );
    const otherTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    await expectRefused(
      await emulator.signClaims({ ...goodClaims(), iss: `${emulator.url}/${otherTenant}/v2.0` }),
      /another authority/,
    );
    // The public cloud's v1.0 issuer is not this authority's.
    await expectRefused(
      await emulator.signClaims({ ...goodClaims(), iss: `https://sts.windows.net/${emulator.tenantId}/` }),
      /another authority/,
    );
    await expectRefused(await emulator.signClaims({ ...goodClaims(), tid: otherTenant }), /another tenant/);
  });

  it("refuses alg none and HS256 signed with the authority's public key (algorithm confusion)", async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const none = `${encode({ alg: "none", typ: "JWT" })}.${encode(goodClaims())}.`;
    await expectRefused(none, /malformed|RS256/);
    const keys = (await fetchJwks()).keys;
    const publicJwk = keys[0];
    for (const secret of [JSON.stringify(publicJwk), String(publicJwk.n)]) {
      const input = `${encode({ alg: "HS256", typ: "JWT", kid: publicJwk.kid })}.${encode(goodClaims())}`;
      const signature = createHmac("sha256", secret).update(input).digest("base64url");
      await expectRefused(`${input}.${signature}`, /RS256/);
    }
  });

  it("refuses an ID token (audience = the client id, but not an access token), garbage and an empty token", async () => {
    const { idtyp: _app, azp: _azp, roles: _roles, ...base } = goodClaims();
    const penny = DEMO_SIGN_IN.users.operator.id;
    // The emulator's ID token for the sign-in app: idtyp user, no scp, a nonce.
    await expectRefused(
      await emulator.signClaims({
        ...base,
        oid: penny,
        sub: penny,
        idtyp: "user",
        nonce: "n",
        roles: ["Atlas.Admin"],
        azp: emulator.signInApp.clientId,
      }),
      /not an access token/,
    );
    // Entra's real ID tokens have no azp and a pairwise sub.
    await expectRefused(
      await emulator.signClaims({ ...base, oid: penny, sub: "pairwise-subject", roles: ["Atlas.Admin"] }),
      /not an access token/,
    );
    await expectRefused("not-a-jwt", /malformed/);
    const empty = await proxied("GET", "/api/scans", { authorization: "Bearer" });
    expect(empty.status).toBe(401);
  });
});

describe("bearer tokens and the other ways in", () => {
  it("refuses a request carrying both a bearer token and a session cookie (400)", async () => {
    const token = await clientCredentialsToken(SERVICE_PRINCIPALS.admin.name);
    const session = newSession(
      { oid: DEMO_SIGN_IN.users.viewer.id, tid: config.tenantId, name: "Jet", role: "viewer" },
      Date.now(),
    );
    const answer = await proxied("GET", "/api/scans", {
      ...bearer(token),
      cookie: `${sessionCookieName(config)}=${await sealSession(config, session)}`,
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: "ambiguous_credentials" } });
  });

  it("leaves the cron endpoint's own bearer secret to its handler, and public routes ignore the header", async () => {
    expect((await proxied("POST", "/api/cron/scan", bearer("the-cron-secret"))).status).toBe(200);
    expect((await proxied("GET", "/api/health", bearer("garbage"))).status).toBe(200);
  });

  it("still refuses a cross-site write with a bearer token and cookies, and needs no CSRF header without them", async () => {
    const token = await clientCredentialsToken(SERVICE_PRINCIPALS.admin.name);
    const crossSite = await proxied("POST", "/api/scans", {
      ...bearer(token),
      origin: "https://evil.example",
      cookie: "x=1",
    });
    expect(crossSite.status).toBe(403);
    const sameOrigin = await proxied("POST", "/api/scans", {
      ...bearer(token),
      origin: PUBLIC_URL,
      [CSRF_HEADER]: "",
    });
    expect(sameOrigin.status).toBe(200);
  });
});

async function fetchJwks(): Promise<{ keys: { kid?: string; n?: string }[] }> {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    request(`${emulator.url}/${emulator.tenantId}/discovery/v2.0/keys`, { ca: emulator.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

describe("signing-key rotation", () => {
  it("refetches the keys once for an unknown kid, at most once a minute", async () => {
    const t0 = Date.now();
    const before = await emulator.issueToken(SERVICE_PRINCIPALS.viewer.name, scope);
    expect(await verifyBearerToken(config, before, t0)).toMatchObject({ ok: true });
    const keys = await bearerKeyCache(config);
    expect(keys.fetches).toBe(1);

    await emulator.rotateSigningKey();
    const after = await emulator.issueToken(SERVICE_PRINCIPALS.viewer.name, scope);
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    // Within a minute of the last fetch an unknown key is not worth another fetch…
    expect(await verifyBearerToken(config, after, t0 + 1_000)).toMatchObject({
      ok: false,
      problem: "invalid_token",
    });
    expect(keys.fetches).toBe(1);
    // …after it, one refetch finds the new key; the old key is still published, so old tokens still pass.
    expect(await verifyBearerToken(config, after, t0 + REFETCH_INTERVAL_MS + 1_000)).toMatchObject({
      ok: true,
    });
    expect(keys.fetches).toBe(2);
    expect(await verifyBearerToken(config, before, t0 + REFETCH_INTERVAL_MS + 2_000)).toMatchObject({
      ok: true,
    });

    // Made-up key ids cost one shared fetch per minute, however many arrive.
    const { privateKey } = await generateKeyPair("RS256");
    const randomKid = await new SignJWT(goodClaims())
      .setProtectedHeader({ alg: "RS256", kid: `made-up-${randomUUID()}` })
      .sign(privateKey);
    const later = t0 + 3 * REFETCH_INTERVAL_MS;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => verifyBearerToken(config, randomKid, later)),
    );
    expect(answers.every((answer) => !answer.ok)).toBe(true);
    expect(keys.fetches).toBe(3);
    await verifyBearerToken(config, randomKid, later + 1_000);
    expect(keys.fetches).toBe(3);
  });

  it("names the v2.0 issuer from the metadata, and the v1.0 sts issuer for Microsoft's clouds only", () => {
    expect(acceptedIssuers(config, `${emulator.url}/{tenantid}/v2.0`)).toEqual([
      `${emulator.url}/${config.tenantId}/v2.0`,
    ]);
    const publicCloud = { ...config, authority: `https://login.microsoftonline.com/${config.tenantId}` };
    expect(acceptedIssuers(publicCloud, `https://login.microsoftonline.com/${config.tenantId}/v2.0`)).toEqual(
      [
        `https://login.microsoftonline.com/${config.tenantId}/v2.0`,
        `https://sts.windows.net/${config.tenantId}/`,
      ],
    );
  });
});
