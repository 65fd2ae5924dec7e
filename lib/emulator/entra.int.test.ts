import { readFile } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import tls from "node:tls";
import { ConfidentialClientApplication, CryptoProvider } from "@azure/msal-node";
import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AKS_SCOPE,
  ARM_SCOPE,
  emulatorCredential,
  GRAPH_SCOPE,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";

const JET = "0000bbbb-0000-4000-8000-000000000002";
const PENNY = "0000bbbb-0000-4000-8000-000000000004";
const REDIRECT_URI = "http://localhost:3000/auth/callback";

let running: TestEmulator;

beforeAll(async () => {
  running = await startTestEmulator();
  // msal-node's own network client has no CA option: trusting the emulator process-wide (Node ≥ 22.19)
  // is the documented alternative to per-client `tlsOptions`. Test files run in separate processes.
  tls.setDefaultCACertificates([...tls.getCACertificates("default"), running.emulator.caPem]);
});
afterAll(async () => {
  await running?.stop();
});

function send(url: string, method = "GET", form?: URLSearchParams) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((resolve, reject) => {
    const body = form?.toString();
    const outgoing = httpsRequest(
      url,
      {
        method,
        ca: running.emulator.caPem,
        headers: body ? { "content-type": "application/x-www-form-urlencoded" } : {},
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    outgoing.on("error", reject);
    if (body) outgoing.write(body);
    outgoing.end();
  });
}

describe("client credentials through @azure/identity", () => {
  it("issues RS256 tokens verifiable with the published JWKS, one audience per resource", async () => {
    const { emulator } = running;
    const discovery = JSON.parse(
      (await send(`${emulator.authorityHost}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`))
        .body,
    );
    expect(discovery.issuer).toBe(`${emulator.url}/${emulator.tenantId}/v2.0`);
    const jwks = createLocalJWKSet(JSON.parse((await send(discovery.jwks_uri)).body) as JSONWebKeySet);
    const credential = emulatorCredential(emulator, emulator.scannerCredential);
    for (const [scope, audience] of [
      [ARM_SCOPE, "https://management.azure.com"],
      [GRAPH_SCOPE, "https://graph.microsoft.com"],
      [AKS_SCOPE, "6dae42f8-4368-4678-94ff-3960e28e3630"],
    ]) {
      const token = await credential.getToken(scope);
      const { payload, protectedHeader } = await jwtVerify(token?.token ?? "", jwks, {
        issuer: discovery.issuer,
        audience,
      });
      expect(protectedHeader.alg).toBe("RS256");
      expect(payload).toMatchObject({
        tid: emulator.tenantId,
        oid: emulator.scanner.objectId,
        appid: emulator.scanner.appId,
        idtyp: "app",
      });
    }
    // App-only Graph tokens carry the application permissions the administrator consented to: exactly
    // what docs/permissions tells them to grant the scanner (read here from the file itself, so the
    // expectation follows the documented grant as the scanner's reads grow — e.g. the PIM read permissions).
    const documented = JSON.parse(
      await readFile(
        new URL("../../docs/permissions/microsoft-graph-permissions.json", import.meta.url),
        "utf8",
      ),
    ) as { applicationPermissions: string[] };
    expect(documented.applicationPermissions).toContain("Directory.Read.All");
    const graphClaims = decodeJwt((await credential.getToken(GRAPH_SCOPE))?.token ?? "");
    expect([...(graphClaims.roles as string[])].sort()).toEqual(
      [...documented.applicationPermissions].sort(),
    );
  });

  it("a user's test app registration yields delegated tokens for that user, with transitive groups", async () => {
    const credential = emulatorCredential(
      running.emulator,
      running.emulator.credentialFor("jet@contoso.example"),
    );
    const claims = decodeJwt((await credential.getToken(ARM_SCOPE))?.token ?? "");
    expect(claims).toMatchObject({ oid: JET, idtyp: "user", upn: "jet@contoso.example" });
    // Jet is in sre-oncall, which is nested in aks-admins.
    expect([...(claims.groups as string[])].sort()).toEqual([
      "0000bbbb-0000-4000-8000-000000000011",
      "0000bbbb-0000-4000-8000-000000000012",
    ]);
  });

  it("rejects a wrong secret (invalid_client) and an unknown resource (invalid_resource)", async () => {
    const { emulator } = running;
    const wrong = emulatorCredential(emulator, {
      ...emulator.scannerCredential,
      clientSecret: "not-the-secret",
    });
    const failure = await wrong.getToken(ARM_SCOPE).catch((error: unknown) => error);
    // @azure/identity wraps MSAL's server error; the Entra code survives in the message, as with Azure.
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/invalid_client[\s\S]*AADSTS7000215/);
    const right = emulatorCredential(emulator, emulator.scannerCredential);
    const unknown = await right.getToken("https://vault.azure.net/.default").catch((error: unknown) => error);
    expect((unknown as Error).message).toMatch(/invalid_resource[\s\S]*AADSTS500011/);
  });
});

describe("authorization code + PKCE through msal-node (the product's sign-in)", () => {
  it("signs Penny in from the login page and returns her id token and a Graph access token", async () => {
    const { emulator } = running;
    const authority = `${emulator.authorityHost}/${emulator.tenantId}`;
    const application = new ConfidentialClientApplication({
      auth: {
        clientId: emulator.signInApp.clientId,
        clientSecret: emulator.signInApp.clientSecret,
        authority,
        knownAuthorities: [new URL(emulator.authorityHost).host],
      },
    });
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const scopes = ["openid", "profile", "offline_access"];
    const loginUrl = await application.getAuthCodeUrl({
      scopes,
      redirectUri: REDIRECT_URI,
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
      state: "state-123",
    });
    const page = await send(loginUrl);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Penny");

    const choice = new URL(loginUrl).searchParams;
    choice.set("principal", PENNY);
    const redirect = await send(loginUrl.split("?")[0], "POST", choice);
    expect(redirect.status).toBe(302);
    const callback = new URL(String(redirect.headers.location));
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get("state")).toBe("state-123");

    const result = await application.acquireTokenByCode({
      code: callback.searchParams.get("code") ?? "",
      scopes,
      redirectUri: REDIRECT_URI,
      codeVerifier: verifier,
    });
    expect(result.account?.username).toBe("penny@contoso.example");
    expect(result.idTokenClaims).toMatchObject({ oid: PENNY, aud: emulator.signInApp.clientId });
    expect(decodeJwt(result.accessToken).aud).toBe("https://graph.microsoft.com");
  });

  it("refuses a code redeemed with the wrong PKCE verifier", async () => {
    const { emulator } = running;
    const authorize = new URL(`${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/authorize`);
    const { challenge } = await new CryptoProvider().generatePkceCodes();
    const form = new URLSearchParams({
      client_id: emulator.signInApp.clientId,
      response_type: "code",
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      code_challenge: challenge,
      code_challenge_method: "S256",
      principal: "penny@contoso.example",
    });
    const redirect = await send(authorize.toString(), "POST", form);
    const code = new URL(String(redirect.headers.location)).searchParams.get("code") ?? "";
    const token = await send(
      `${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/token`,
      "POST",
      new URLSearchParams({
        grant_type: "authorization_code",
        client_id: emulator.signInApp.clientId,
        client_secret: emulator.signInApp.clientSecret,
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: "wrong-verifier-wrong-verifier-wrong-verifier-12345",
      }),
    );
    expect(token.status).toBe(400);
    expect(JSON.parse(token.body)).toMatchObject({ error: "invalid_grant", error_codes: [501481] });
  });
});
