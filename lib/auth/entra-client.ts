import { ConfidentialClientApplication, LogLevel } from "@azure/msal-node";
import {
  createLocalJWKSet,
  type JSONWebKeySet,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from "jose";
import { z } from "zod";
import { type AuthorityHttp, createAuthorityHttp, readCaBundle } from "./authority-http";
import type { EntraAuthConfig } from "./config";
import { processState } from "./process-state";
import { redact } from "./redact";

/**
 * msal-node, configured to stay on the configured authority: the OIDC metadata is fetched once by our own
 * client (lib/auth/authority-http.ts) and handed to msal as `authorityMetadata`, cloud discovery is given as
 * `cloudDiscoveryMetadata` with the authority as its only known host, and msal's network client is the same
 * one-origin client. So msal has nothing to discover, and could not reach another host if it tried.
 */

const metadataSchema = z.looseObject({
  issuer: z.string().url(),
  authorization_endpoint: z.string().url(),
  token_endpoint: z.string().url(),
  jwks_uri: z.string().url(),
  end_session_endpoint: z.string().url().optional(),
});

export type OidcMetadata = z.infer<typeof metadataSchema>;

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });

export type EntraClient = {
  msal: ConfidentialClientApplication;
  metadata: OidcMetadata;
  http: AuthorityHttp;
  verifyIdToken(idToken: string): Promise<JWTPayload>;
};

export class SignInUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SignInUnavailableError";
  }
}

async function loadMetadata(config: EntraAuthConfig, http: AuthorityHttp): Promise<OidcMetadata> {
  const url = `${config.authority}/v2.0/.well-known/openid-configuration`;
  const response = await http.getJson(url);
  if (response.status !== 200) {
    throw new SignInUnavailableError(
      `The authority answered ${response.status} for its OpenID configuration (${url}).`,
    );
  }
  const parsed = metadataSchema.safeParse(response.body);
  if (!parsed.success)
    throw new SignInUnavailableError(`The authority's OpenID configuration at ${url} is not usable.`);
  const origin = new URL(config.authority).origin;
  for (const field of [
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "end_session_endpoint",
  ] as const) {
    const value = parsed.data[field];
    if (value !== undefined && new URL(value).origin !== origin) {
      throw new SignInUnavailableError(
        `The authority's ${field} (${value}) is on another host than ${origin}.`,
      );
    }
  }
  return parsed.data;
}

async function build(config: EntraAuthConfig): Promise<EntraClient> {
  const authority = new URL(config.authority);
  const http = createAuthorityHttp(authority.origin, readCaBundle(config.caFile));
  const metadata = await loadMetadata(config, http);
  const host = authority.host;
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      authority: config.authority,
      knownAuthorities: [host],
      authorityMetadata: JSON.stringify(metadata),
      cloudDiscoveryMetadata: JSON.stringify({
        tenant_discovery_endpoint: `${config.authority}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      }),
    },
    system: {
      networkClient: http,
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (_level, message) => console.warn(`[atlas] msal: ${redact(message)}`),
      },
    },
  });

  let keys: { set: ReturnType<typeof createLocalJWKSet>; fetchedAt: number } | undefined;
  const fetchKeys = async () => {
    const response = await http.getJson(metadata.jwks_uri);
    const parsed = jwksSchema.safeParse(response.body);
    if (response.status !== 200 || !parsed.success) {
      throw new SignInUnavailableError(
        `The authority's signing keys (${metadata.jwks_uri}) could not be read.`,
      );
    }
    keys = { set: createLocalJWKSet(parsed.data as JSONWebKeySet), fetchedAt: Date.now() };
    return keys.set;
  };

  const verifyIdToken = async (idToken: string): Promise<JWTPayload> => {
    const options = {
      issuer: metadata.issuer,
      audience: config.clientId,
      algorithms: ["RS256"],
      clockTolerance: 120,
    };
    const set = keys?.set ?? (await fetchKeys());
    try {
      return (await jwtVerify(idToken, set, options)).payload;
    } catch (error) {
      // Keys rotate: one refetch when the token names a key we have not seen (at most once a minute).
      if (error instanceof joseErrors.JWKSNoMatchingKey && keys && Date.now() - keys.fetchedAt > 60_000) {
        return (await jwtVerify(idToken, await fetchKeys(), options)).payload;
      }
      throw error;
    }
  };

  return { msal, metadata, http, verifyIdToken };
}

/** One client per configuration and process, built on first use (the metadata fetch happens then). */
export function entraClient(config: EntraAuthConfig): Promise<EntraClient> {
  const key = `${config.authority}\0${config.clientId}\0${config.caFile ?? ""}`;
  const clients = processState().entraClients as Map<string, Promise<EntraClient>>;
  let client = clients.get(key);
  if (!client) {
    client = build(config).catch((error: unknown) => {
      clients.delete(key); // retry on the next sign-in rather than caching the failure
      if (error instanceof SignInUnavailableError) throw error;
      throw new SignInUnavailableError(
        `The sign-in authority ${config.authority} cannot be reached: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    });
    clients.set(key, client);
  }
  return client;
}
