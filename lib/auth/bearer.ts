import type { JSONWebKeySet } from "jose";
import { errors as joseErrors, jwtVerify } from "jose";
import { z } from "zod";
import { SigningKeyCache, SigningKeysUnavailableError } from "./bearer-keys";
import type { EntraAuthConfig } from "./config";
import { entraClient } from "./entra-client";
import { type Role, roleFromClaims } from "./roles";

/**
 * Entra ID access tokens for this app's API (`Authorization: Bearer …`), for pipelines and other tools:
 * service principals and managed identities with application permissions (app-only tokens), and users
 * through a client acting for them (delegated tokens). A token is trusted only when
 * - its signature is RS256 by one of the authority's published keys (the same authority, CA and one-origin
 *   HTTP client as the browser sign-in: lib/auth/entra-client.ts) — `alg: none`, HS256 and every other
 *   algorithm are refused before any key is looked at;
 * - `iss` is the tenant's v2.0 issuer (the authority's OpenID metadata) or its v1.0 `sts` issuer;
 * - `aud` is this app: the client id or its Application ID URI (config.apiAudiences);
 * - `exp`/`nbf` hold, with CLOCK_SKEW_SECONDS of tolerance;
 * - `tid` is the configured tenant;
 * - it is an access token: an app-only token (`idtyp: app`, or no `scp` and `oid` = `sub`) or a delegated
 *   one (`scp`). An ID token (audience = client id too) is not an access token and is refused.
 * The role comes from the `roles` claim (and configured groups), exactly as for browser users.
 */

export const CLOCK_SKEW_SECONDS = 60;
/** Entra tokens are a few KB; a header far larger than that is not a token we issued. */
const MAX_TOKEN_LENGTH = 16 * 1024;

export type BearerIdentity = {
  /** app: a service principal or managed identity on its own; user: a user through a client app. */
  kind: "app" | "user";
  /** Object id of the service principal or user. */
  objectId: string;
  /** The calling client's application id (`azp` / `appid`). */
  clientAppId: string;
  name: string | undefined;
  role: Role | null;
  /** When the token expires (ms since the epoch). */
  expiresAt: number;
};

export type BearerCheck =
  | { ok: true; identity: BearerIdentity }
  /** 401 with `WWW-Authenticate: Bearer error="invalid_token"`. */
  | { ok: false; problem: "invalid_token"; reason: string }
  /** 503: the authority's keys cannot be read, so no token can be checked. */
  | { ok: false; problem: "unavailable"; reason: string };

const claimsSchema = z.looseObject({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  tid: z.string(),
  oid: z.string(),
  sub: z.string(),
  exp: z.number(),
  idtyp: z.string().optional(),
  scp: z.string().optional(),
  azp: z.string().optional(),
  appid: z.string().optional(),
  roles: z.array(z.string()).optional(),
  groups: z.array(z.string()).optional(),
  name: z.string().optional(),
  app_displayname: z.string().optional(),
  preferred_username: z.string().optional(),
  upn: z.string().optional(),
});

/**
 * The v1.0 issuer of the tenant for the authority's cloud. Entra issues v1.0 access tokens unless the app
 * registration's manifest sets `accessTokenAcceptedVersion: 2`
 * (https://learn.microsoft.com/entra/identity-platform/access-tokens#token-formats).
 */
export function v1Issuer(authority: string, tenantId: string): string | undefined {
  const host = new URL(authority).hostname.toLowerCase();
  if (["login.microsoftonline.com", "login.microsoftonline.us", "login.windows.net"].includes(host))
    return `https://sts.windows.net/${tenantId}/`;
  if (["login.chinacloudapi.cn", "login.partner.microsoftonline.cn"].includes(host))
    return `https://sts.chinacloudapi.cn/${tenantId}/`;
  return undefined; // another authority (Azure Stack, the emulator): v2.0 tokens only
}

/** The issuers a token may name: the v2.0 one from the authority's metadata, and the v1.0 one. */
export function acceptedIssuers(config: EntraAuthConfig, metadataIssuer: string): string[] {
  const v2 = metadataIssuer.replace("{tenantid}", config.tenantId);
  const v1 = v1Issuer(config.authority, config.tenantId);
  return v1 ? [v2, v1] : [v2];
}

/** The token of an `Authorization: Bearer <token>` header; undefined for another scheme or none. */
export function bearerTokenOf(authorization: string | null | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer(?:\s+(.*))?$/i.exec(authorization.trim());
  return match ? (match[1] ?? "").trim() : undefined;
}

type Verifier = { keys: SigningKeyCache; issuers: string[] };

const STATE = Symbol.for("aks-identity-atlas.auth.bearer-verifiers");

/** One verifier per configuration and process (see lib/auth/process-state.ts for why on globalThis). */
function verifiers(): Map<string, Promise<Verifier>> {
  const holder = globalThis as unknown as Record<symbol, Map<string, Promise<Verifier>> | undefined>;
  holder[STATE] ??= new Map();
  return holder[STATE];
}

/** Forgets cached keys and metadata (tests). */
export function resetBearerVerifiers(): void {
  verifiers().clear();
}

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });

function verifierFor(config: EntraAuthConfig): Promise<Verifier> {
  const key = `${config.authority}\0${config.clientId}\0${config.caFile ?? ""}`;
  let verifier = verifiers().get(key);
  if (!verifier) {
    verifier = (async () => {
      const client = await entraClient(config);
      const keys = new SigningKeyCache(async () => {
        const response = await client.http.getJson(client.metadata.jwks_uri);
        const parsed = jwksSchema.safeParse(response.body);
        if (response.status !== 200 || !parsed.success)
          throw new Error(`${client.metadata.jwks_uri} answered ${response.status}`);
        return parsed.data as JSONWebKeySet;
      });
      return { keys, issuers: acceptedIssuers(config, client.metadata.issuer) };
    })().catch((error: unknown) => {
      verifiers().delete(key); // retry with the next request rather than caching the failure
      throw error;
    });
    verifiers().set(key, verifier);
  }
  return verifier;
}

/** The cache behind `config` (tests inspect its fetch count). */
export async function bearerKeyCache(config: EntraAuthConfig): Promise<SigningKeyCache> {
  return (await verifierFor(config)).keys;
}

const invalid = (reason: string): BearerCheck => ({ ok: false, problem: "invalid_token", reason });

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return "the token has expired";
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return "the token is not valid yet";
    if (error.claim === "iss") return "the token was issued by another authority or tenant";
    return `the token's ${error.claim} claim is not acceptable`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "the token is not signed with RS256";
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "the token is signed with an unknown key";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "the token's signature is not valid";
  return "the token is malformed";
}

/** Verifies a bearer token for this app's API; never throws. */
export async function verifyBearerToken(
  config: EntraAuthConfig,
  token: string,
  now: number = Date.now(),
): Promise<BearerCheck> {
  if (!token) return invalid("the Authorization header holds no token");
  if (token.length > MAX_TOKEN_LENGTH) return invalid("the token is too large");
  let verifier: Verifier;
  try {
    verifier = await verifierFor(config);
  } catch (error) {
    return {
      ok: false,
      problem: "unavailable",
      reason: `the sign-in authority cannot be reached: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, verifier.keys.resolver(now), {
      algorithms: ["RS256"],
      issuer: verifier.issuers,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(now),
      requiredClaims: ["exp", "iss", "aud", "tid", "oid", "sub"],
    }));
  } catch (error) {
    if (error instanceof SigningKeysUnavailableError)
      return { ok: false, problem: "unavailable", reason: error.message };
    return invalid(describeJoseError(error));
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return invalid("the token lacks required claims");
  const claims = parsed.data;
  const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map((aud) =>
    aud.replace(/\/+$/, "").toLowerCase(),
  );
  if (audiences.length !== 1 || !config.apiAudiences.includes(audiences[0]))
    return invalid("the token is for another audience");
  if (claims.tid.toLowerCase() !== config.tenantId) return invalid("the token is for another tenant");
  const clientAppId = claims.azp ?? claims.appid;
  if (!clientAppId) return invalid("the token is not an access token (no azp/appid)");
  let kind: "app" | "user";
  if (claims.idtyp === "app") kind = "app";
  else if (claims.idtyp === "user" || claims.scp !== undefined) kind = "user";
  else if (claims.idtyp === undefined && claims.oid === claims.sub) kind = "app";
  else return invalid("the token is not an access token");
  // Delegated access tokens always carry the delegated scopes; an ID token never does.
  if (kind === "user" && !claims.scp) return invalid("the token is not an access token (no scp)");
  if (kind === "app" && claims.scp !== undefined) return invalid("an app-only token carries no scp");
  return {
    ok: true,
    identity: {
      kind,
      objectId: claims.oid.toLowerCase(),
      clientAppId: clientAppId.toLowerCase(),
      name:
        kind === "app"
          ? (claims.app_displayname ?? claims.name)
          : (claims.name ?? claims.preferred_username ?? claims.upn),
      role: roleFromClaims(claims, config.roleGroups),
      expiresAt: claims.exp * 1000,
    },
  };
}
