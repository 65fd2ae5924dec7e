import { z } from "zod";
import type { Role, RoleGroups } from "./roles";

/**
 * Authentication settings from the environment. Two modes:
 * - `entra`: users sign in with Entra ID (authorization code + PKCE through msal-node); every route but the
 *   public ones needs a session and a role.
 * - `anonymous`: nothing configured — a local demo where everyone is admin, served on loopback only unless
 *   ATLAS_ALLOW_ANONYMOUS=1 (lib/auth/listen-policy.ts).
 * Half a configuration is an error, never a silent fallback to anonymous.
 */

const guid = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a GUID");

const httpUrl = z
  .string()
  .trim()
  .url("must be an absolute URL")
  .refine((value) => /^https?:\/\//i.test(value), "must be an http:// or https:// URL");

const groupList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(/[\s,;]+/)
      .map((id) => id.trim())
      .filter(Boolean),
  )
  .pipe(z.array(guid));

const flag = z
  .string()
  .optional()
  .transform((value) => ["1", "true", "yes"].includes((value ?? "").trim().toLowerCase()));

const minutes = (fallback: number) => z.coerce.number().int().min(1).max(525_600).default(fallback);

const SECRET_MIN_BYTES = 32;

const envSchema = z.object({
  ATLAS_AUTH_TENANT_ID: guid.optional(),
  ATLAS_AUTH_CLIENT_ID: guid.optional(),
  ATLAS_AUTH_CLIENT_SECRET: z.string().min(1).optional(),
  ATLAS_AUTH_AUTHORITY: httpUrl.optional(),
  ATLAS_AUTH_CA_FILE: z.string().min(1).optional(),
  /** A custom Application ID URI of the app registration (e.g. https://atlas.contoso.com), if not api://<client id>. */
  ATLAS_AUTH_API_AUDIENCE: z
    .string()
    .trim()
    .refine(
      (value) => /^(api|https):\/\/[^\s/]+/i.test(value),
      "must be an Application ID URI (api://… or https://…)",
    )
    .optional(),
  ATLAS_PUBLIC_URL: httpUrl.optional(),
  ATLAS_SESSION_SECRET: z
    .string()
    .refine(
      (value) => Buffer.byteLength(value, "utf8") >= SECRET_MIN_BYTES,
      `must be at least ${SECRET_MIN_BYTES} bytes (e.g. \`openssl rand -base64 48\`)`,
    )
    .optional(),
  ATLAS_ROLE_GROUPS_VIEWER: groupList,
  ATLAS_ROLE_GROUPS_OPERATOR: groupList,
  ATLAS_ROLE_GROUPS_ADMIN: groupList,
  ATLAS_ALLOW_ANONYMOUS: flag,
  ATLAS_TRUST_PROXY: flag,
  ATLAS_SESSION_IDLE_MINUTES: minutes(60),
  ATLAS_SESSION_MAX_MINUTES: minutes(12 * 60),
});

type Common = {
  /** The browser-facing origin (scheme://host[:port]) when ATLAS_PUBLIC_URL is set. */
  publicUrl: URL | undefined;
  /** Cookies get `Secure` and responses HSTS when the public URL is https. */
  https: boolean;
  /** Trust X-Forwarded-For from a reverse proxy for the client address (rate limits). */
  trustProxy: boolean;
};

export type AnonymousAuthConfig = Common & {
  mode: "anonymous";
  /** ATLAS_ALLOW_ANONYMOUS=1: serve without sign-in on a non-loopback address too. */
  allowAnonymousAnywhere: boolean;
};

export type EntraAuthConfig = Common & {
  mode: "entra";
  publicUrl: URL;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** e.g. https://login.microsoftonline.com/<tenant>, no trailing slash. */
  authority: string;
  caFile: string | undefined;
  /**
   * The `aud` values a bearer token for this API may carry: the client id (v2.0 access tokens), its
   * Application ID URI `api://<client id>` (v1.0 tokens carry the URI the client asked for), and
   * ATLAS_AUTH_API_AUDIENCE when the registration uses another URI. Lower-cased.
   */
  apiAudiences: string[];
  sessionSecret: string;
  roleGroups: RoleGroups;
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  /** Where Entra sends the browser back: <public URL>/auth/callback. */
  redirectUri: string;
};

export type AuthConfig = AnonymousAuthConfig | EntraAuthConfig;

export class AuthConfigError extends Error {
  constructor(message: string) {
    super(`Authentication is misconfigured: ${message}`);
    this.name = "AuthConfigError";
  }
}

const ENV_KEYS = Object.keys(envSchema.shape) as (keyof z.infer<typeof envSchema>)[];

function pick(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const picked: Record<string, string | undefined> = {};
  for (const key of ENV_KEYS) {
    const value = env[key];
    picked[key] = value === undefined || value.trim() === "" ? undefined : value;
  }
  return picked;
}

function parse(env: Record<string, string | undefined>): AuthConfig {
  const parsed = envSchema.safeParse(pick(env));
  if (!parsed.success) {
    throw new AuthConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; "),
    );
  }
  const e = parsed.data;
  const publicUrl = e.ATLAS_PUBLIC_URL ? new URL(e.ATLAS_PUBLIC_URL) : undefined;
  const common: Common = {
    publicUrl,
    https: publicUrl?.protocol === "https:",
    trustProxy: e.ATLAS_TRUST_PROXY,
  };
  const entraKeys = {
    ATLAS_AUTH_TENANT_ID: e.ATLAS_AUTH_TENANT_ID,
    ATLAS_AUTH_CLIENT_ID: e.ATLAS_AUTH_CLIENT_ID,
    ATLAS_AUTH_CLIENT_SECRET: e.ATLAS_AUTH_CLIENT_SECRET,
  };
  const given = Object.entries(entraKeys).filter(([, value]) => value !== undefined);
  if (given.length === 0) {
    return { ...common, mode: "anonymous", allowAnonymousAnywhere: e.ATLAS_ALLOW_ANONYMOUS };
  }
  const missing = [
    ...Object.entries(entraKeys)
      .filter(([, value]) => value === undefined)
      .map(([key]) => key),
    ...(e.ATLAS_SESSION_SECRET ? [] : ["ATLAS_SESSION_SECRET"]),
    ...(publicUrl ? [] : ["ATLAS_PUBLIC_URL"]),
  ];
  if (missing.length > 0) {
    throw new AuthConfigError(
      `${given.map(([key]) => key).join(", ")} ${given.length === 1 ? "is" : "are"} set, so Entra ID sign-in is on, ` +
        `but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing.`,
    );
  }
  const tenantId = (e.ATLAS_AUTH_TENANT_ID as string).toLowerCase();
  const authority = (e.ATLAS_AUTH_AUTHORITY ?? `https://login.microsoftonline.com/${tenantId}`).replace(
    /\/+$/,
    "",
  );
  if (!authority.startsWith("https://")) {
    throw new AuthConfigError(
      "ATLAS_AUTH_AUTHORITY must be an https:// URL (tokens never travel over plain HTTP).",
    );
  }
  const url = publicUrl as URL;
  const clientId = (e.ATLAS_AUTH_CLIENT_ID as string).toLowerCase();
  const apiAudiences = [
    ...new Set([
      clientId,
      `api://${clientId}`,
      ...(e.ATLAS_AUTH_API_AUDIENCE ? [e.ATLAS_AUTH_API_AUDIENCE.replace(/\/+$/, "").toLowerCase()] : []),
    ]),
  ];
  const roleGroups: Record<Role, string[]> = {
    viewer: e.ATLAS_ROLE_GROUPS_VIEWER,
    operator: e.ATLAS_ROLE_GROUPS_OPERATOR,
    admin: e.ATLAS_ROLE_GROUPS_ADMIN,
  };
  return {
    ...common,
    mode: "entra",
    publicUrl: url,
    tenantId,
    clientId,
    clientSecret: e.ATLAS_AUTH_CLIENT_SECRET as string,
    authority,
    caFile: e.ATLAS_AUTH_CA_FILE,
    apiAudiences,
    sessionSecret: e.ATLAS_SESSION_SECRET as string,
    roleGroups,
    idleTimeoutMs: e.ATLAS_SESSION_IDLE_MINUTES * 60_000,
    absoluteTimeoutMs: e.ATLAS_SESSION_MAX_MINUTES * 60_000,
    redirectUri: new URL("/auth/callback", url.origin).toString(),
  };
}

let cached: { key: string; config: AuthConfig } | undefined;

/**
 * Reads and validates the auth settings. Cached per distinct environment, so the proxy can call it on
 * every request; throws AuthConfigError with every problem in one message.
 */
export function readAuthConfig(env: Record<string, string | undefined> = process.env): AuthConfig {
  const key = JSON.stringify(pick(env));
  if (cached?.key === key) return cached.config;
  const config = parse(env);
  cached = { key, config };
  return config;
}

/** The origin browsers use for this app: ATLAS_PUBLIC_URL's, else the request's own Host over http. */
export function expectedOrigin(config: AuthConfig, hostHeader: string | null): string | undefined {
  if (config.publicUrl) return config.publicUrl.origin;
  return hostHeader ? `http://${hostHeader.toLowerCase()}` : undefined;
}
