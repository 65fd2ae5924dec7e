import { randomUUID } from "node:crypto";
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from "jose";
import { z } from "zod";

export const ARM_AUDIENCE = "https://management.azure.com";
export const GRAPH_AUDIENCE = "https://graph.microsoft.com";
/** The AKS AAD server application: the audience of every token a managed-Entra cluster accepts. */
export const AKS_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
/** The Azure CLI / kubelogin public client id that AKS puts in exec kubeconfigs. */
export const KUBELOGIN_CLIENT_ID = "80faf920-1908-4b52-b5ef-a8e7bedfc67a";

/** ARM accepts both spellings of both historical resource ids. */
export const ARM_AUDIENCES = [
  ARM_AUDIENCE,
  `${ARM_AUDIENCE}/`,
  "https://management.core.windows.net",
  "https://management.core.windows.net/",
];
export const GRAPH_AUDIENCES = [GRAPH_AUDIENCE, `${GRAPH_AUDIENCE}/`, "00000003-0000-0000-c000-000000000000"];

export const accessTokenClaimsSchema = z.looseObject({
  aud: z.string(),
  iss: z.string(),
  tid: z.string(),
  oid: z.string(),
  sub: z.string(),
  appid: z.string().optional(),
  azp: z.string().optional(),
  idtyp: z.enum(["app", "user"]).optional(),
  groups: z.array(z.string()).optional(),
  roles: z.array(z.string()).optional(),
  scp: z.string().optional(),
  upn: z.string().optional(),
  name: z.string().optional(),
  /** Set on the emulator's static Kubernetes credentials only. */
  emulator_kubernetes_identity: z.string().optional(),
});

export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

export type TokenRequest = {
  audience: string;
  principalId: string;
  clientId: string;
  kind: "app" | "user";
  groups: string[];
  roles?: string[];
  scp?: string;
  userPrincipalName?: string;
  name?: string;
  nonce?: string;
  lifetimeSeconds?: number;
};

export type VerifyResult =
  | { ok: true; claims: AccessTokenClaims }
  | {
      ok: false;
      reason: "missing" | "malformed" | "signature" | "expired" | "issuer" | "audience";
      audience?: string;
    };

// Entra emits a `_claim_names` overage marker instead of `groups` past this many groups.
const GROUPS_CLAIM_LIMIT = 200;

type SigningKey = { privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK };

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, publicKey, publicJwk: { ...jwk, kid, use: "sig", alg: "RS256" } };
}

/**
 * Signs RS256 JWTs the way Entra ID does (a published JWKS, `kid` in the header) and verifies them.
 * Keys rotate as Entra's do: a new key signs from the rotation on, and the previous one stays published
 * (and accepted) so tokens already issued remain valid until they expire.
 */
export class TokenService {
  private current: SigningKey;
  private previous: SigningKey[] = [];

  private constructor(
    readonly issuer: string,
    readonly tenantId: string,
    key: SigningKey,
  ) {
    this.current = key;
  }

  static async create(issuer: string, tenantId: string): Promise<TokenService> {
    return new TokenService(issuer, tenantId, await newSigningKey());
  }

  get keyId(): string {
    return this.current.publicJwk.kid ?? "";
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.current, ...this.previous].map((key) => key.publicJwk) };
  }

  /** Starts signing with a new key; the old one stays in the JWKS. Returns the new key id. */
  async rotateSigningKey(): Promise<string> {
    this.previous = [this.current, ...this.previous].slice(0, 2);
    this.current = await newSigningKey();
    return this.keyId;
  }

  /**
   * Signs exactly these claims with the current key (RS256, this key's `kid`). For tests that need a token
   * whose signature is genuine but whose claims are wrong (expired, another audience, issuer or tenant), so
   * only the claim checks can refuse it.
   */
  async signClaims(claims: Record<string, unknown>): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.keyId })
      .sign(this.current.privateKey);
  }

  async issue(
    request: TokenRequest,
  ): Promise<{ token: string; expiresIn: number; claims: Record<string, unknown> }> {
    const lifetime = request.lifetimeSeconds ?? 3599;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      aud: request.audience,
      iss: this.issuer,
      iat: now,
      nbf: now,
      exp: now + lifetime,
      tid: this.tenantId,
      oid: request.principalId,
      sub: request.principalId,
      appid: request.clientId,
      azp: request.clientId,
      azpacr: "1",
      idtyp: request.kind,
      ver: "2.0",
      uti: randomUUID().replaceAll("-", "").slice(0, 22),
    };
    if (request.groups.length > GROUPS_CLAIM_LIMIT) {
      claims._claim_names = { groups: "src1" };
      claims._claim_sources = {
        src1: { endpoint: `${GRAPH_AUDIENCE}/v1.0/users/${request.principalId}/getMemberObjects` },
      };
    } else if (request.groups.length > 0) {
      claims.groups = request.groups;
    }
    if (request.roles && request.roles.length > 0) claims.roles = request.roles;
    if (request.scp) claims.scp = request.scp;
    if (request.userPrincipalName) {
      // Entra leaves `upn` out of a guest's token (a B2B user, UPN `<mail with _>#EXT#@<tenant>`)
      // unless the app opts in with `include_externally_authenticated_upn`
      // (learn.microsoft.com/entra/identity-platform/optional-claims-reference); AKS's webhook then
      // names the guest by `oid` (kubernetes/api-server.ts authenticate).
      if (!request.userPrincipalName.toUpperCase().includes("#EXT#")) claims.upn = request.userPrincipalName;
      claims.preferred_username = request.userPrincipalName;
    }
    if (request.name) claims.name = request.name;
    if (request.nonce) claims.nonce = request.nonce;
    const token = await this.signClaims(claims);
    return { token, expiresIn: lifetime, claims };
  }

  async verify(token: string | undefined, acceptedAudiences: readonly string[]): Promise<VerifyResult> {
    if (!token) return { ok: false, reason: "missing" };
    try {
      decodeProtectedHeader(token);
    } catch {
      return { ok: false, reason: "malformed" };
    }
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(this.jwks()), { algorithms: ["RS256"] });
      const parsed = accessTokenClaimsSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, reason: "malformed" };
      if (parsed.data.iss !== this.issuer || parsed.data.tid !== this.tenantId)
        return { ok: false, reason: "issuer" };
      const audiences = new Set(acceptedAudiences.map((audience) => audience.toLowerCase()));
      if (!audiences.has(parsed.data.aud.toLowerCase())) {
        return { ok: false, reason: "audience", audience: parsed.data.aud };
      }
      return { ok: true, claims: parsed.data };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: "expired" };
      // A key this service never published is a signature failure, as with one key before rotation.
      if (
        error instanceof joseErrors.JWSSignatureVerificationFailed ||
        error instanceof joseErrors.JWKSNoMatchingKey
      )
        return { ok: false, reason: "signature" };
      return { ok: false, reason: "malformed" };
    }
  }
}

/** The bearer token of a request, if any. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return match?.[1]?.trim();
}
