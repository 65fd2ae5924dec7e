import { createHash } from "node:crypto";
import { z } from "zod";
import type { EntraAuthConfig } from "./config";
import { entraClient } from "./entra-client";
import { safeReturnTo } from "./return-to";
import { roleFromClaims } from "./roles";
import { openClaims, purposeKey, randomToken, safeEqual, sealClaims } from "./seal";
import { newSession, type Session } from "./session";

/**
 * The authorization-code flow with PKCE. `beginSignIn` makes the state, nonce and code verifier, keeps
 * them in a short-lived encrypted cookie (a JWE like the session's, own key and `typ`, scoped to /auth), and returns Entra's authorize URL.
 * `completeSignIn` checks the returned state against that cookie, redeems the code through msal-node
 * (with the verifier and nonce), verifies the ID token's signature, issuer, audience and nonce against the
 * authority's keys, and turns its claims into a session with a role.
 */

export const SIGN_IN_COOKIE = "atlas_signin";
const PURPOSE = "sign-in-state/v2";
const TOKEN_TYPE = "atlas-sign-in+jwt";
const STATE_LIFETIME_MS = 10 * 60_000;
export const SIGN_IN_SCOPES = ["openid", "profile", "email"];

const stateSchema = z.object({
  state: z.string(),
  verifier: z.string(),
  nonce: z.string(),
  returnTo: z.string(),
  createdAt: z.number(),
});

export function signInCookieOptions(config: EntraAuthConfig, maxAgeSeconds = STATE_LIFETIME_MS / 1000) {
  // Lax: Entra's redirect back is a top-level GET from another site, which Lax cookies accompany.
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: config.https,
    path: "/auth",
    maxAge: maxAgeSeconds,
  };
}

export async function beginSignIn(
  config: EntraAuthConfig,
  returnTo: string | null,
  now: number = Date.now(),
): Promise<{ authorizeUrl: string; stateCookie: string }> {
  const client = await entraClient(config);
  const state = randomToken(32);
  const nonce = randomToken(32);
  const verifier = randomToken(48);
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const authorizeUrl = await client.msal.getAuthCodeUrl({
    scopes: SIGN_IN_SCOPES,
    redirectUri: config.redirectUri,
    codeChallenge: challenge,
    codeChallengeMethod: "S256",
    state,
    nonce,
    responseMode: "query",
    prompt: "select_account",
  });
  const stateCookie = await sealClaims(
    purposeKey(config.sessionSecret, PURPOSE),
    TOKEN_TYPE,
    { sis: { state, verifier, nonce, returnTo: safeReturnTo(returnTo), createdAt: now } },
    { issuedAt: now, expiresAt: now + STATE_LIFETIME_MS },
  );
  return { authorizeUrl, stateCookie };
}

export type SignInFailure = {
  ok: false;
  /** Shown on the sign-in page; never echoes what the authority or the URL said verbatim. */
  reason: "denied" | "expired" | "state_mismatch" | "invalid_response" | "unavailable";
  /** For the server log only (redacted there). */
  detail: string;
};

export type SignInSuccess = { ok: true; session: Session; returnTo: string };

const idClaimsSchema = z.looseObject({
  tid: z.string(),
  oid: z.string(),
  name: z.string().optional(),
  preferred_username: z.string().optional(),
  upn: z.string().optional(),
  nonce: z.string().optional(),
  roles: z.array(z.string()).optional(),
  groups: z.array(z.string()).optional(),
  _claim_names: z.looseObject({ groups: z.string().optional() }).optional(),
});

export async function completeSignIn(
  config: EntraAuthConfig,
  query: URLSearchParams,
  stateCookie: string | undefined,
  now: number = Date.now(),
): Promise<SignInSuccess | SignInFailure> {
  const opened = await openClaims(purposeKey(config.sessionSecret, PURPOSE), TOKEN_TYPE, stateCookie, now);
  const saved = opened.ok ? stateSchema.safeParse(opened.claims.sis) : undefined;
  if (!saved?.success || now - saved.data.createdAt > STATE_LIFETIME_MS) {
    return {
      ok: false,
      reason: "expired",
      detail: "no valid sign-in state cookie (expired, or another tab started over)",
    };
  }
  const { state, verifier, nonce, returnTo } = saved.data;
  if (!safeEqual(query.get("state") ?? "", state)) {
    return {
      ok: false,
      reason: "state_mismatch",
      detail: "the state returned by the authority does not match",
    };
  }
  const error = query.get("error");
  if (error) {
    return {
      ok: false,
      reason: error === "access_denied" ? "denied" : "invalid_response",
      detail: `${error}: ${(query.get("error_description") ?? "").slice(0, 300)}`,
    };
  }
  const code = query.get("code");
  if (!code || code.length > 4096)
    return { ok: false, reason: "invalid_response", detail: "no authorization code" };

  let idToken: string;
  const client = await entraClient(config);
  try {
    const result = await client.msal.acquireTokenByCode({
      code,
      scopes: SIGN_IN_SCOPES,
      redirectUri: config.redirectUri,
      codeVerifier: verifier,
      nonce,
    });
    idToken = result.idToken;
    // Nothing is kept server-side: the session cookie is the session. Drop msal's cached account.
    if (result.account) await client.msal.getTokenCache().removeAccount(result.account);
  } catch (cause) {
    return { ok: false, reason: "invalid_response", detail: `code redemption failed: ${String(cause)}` };
  }
  let claims: z.infer<typeof idClaimsSchema>;
  try {
    const payload = await client.verifyIdToken(idToken);
    claims = idClaimsSchema.parse(payload);
  } catch (cause) {
    return { ok: false, reason: "invalid_response", detail: `ID token rejected: ${String(cause)}` };
  }
  if (claims.nonce !== nonce)
    return { ok: false, reason: "invalid_response", detail: "ID token nonce mismatch" };
  if (claims.tid.toLowerCase() !== config.tenantId) {
    return { ok: false, reason: "invalid_response", detail: `ID token from tenant ${claims.tid}` };
  }
  if (claims._claim_names?.groups && !claims.groups) {
    // Group overage: more groups than fit in a token. Roles from groups would need a Graph call; app roles
    // (assigned to those groups) avoid the problem. Fail closed for the group part.
    console.warn(
      "[atlas] sign-in: the ID token lists too many groups (overage); assign the Atlas.* app roles to groups instead.",
    );
  }
  const role = roleFromClaims(claims, config.roleGroups);
  const session = newSession(
    {
      oid: claims.oid,
      tid: claims.tid.toLowerCase(),
      name: claims.name ?? claims.preferred_username ?? claims.upn ?? claims.oid,
      ...(claims.preferred_username || claims.upn ? { upn: claims.preferred_username ?? claims.upn } : {}),
      role,
    },
    now,
  );
  return { ok: true, session, returnTo };
}

/** Where sign-out sends the browser: the authority's logout page, which returns to our sign-in page. */
export async function endSessionUrl(config: EntraAuthConfig): Promise<string | undefined> {
  try {
    const { metadata } = await entraClient(config);
    if (!metadata.end_session_endpoint) return undefined;
    const url = new URL(metadata.end_session_endpoint);
    url.searchParams.set(
      "post_logout_redirect_uri",
      new URL("/auth/sign-in?signedOut=1", config.publicUrl).toString(),
    );
    return url.toString();
  } catch {
    return undefined;
  }
}
