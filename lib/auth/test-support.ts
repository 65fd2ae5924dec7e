import { type AuthConfig, readAuthConfig } from "./config";
import type { GuardRequest } from "./guard";
import type { Role } from "./roles";
import { newSession, type Session, sealSession, sessionCookieName } from "./session";

/** Shared by the auth tests: configurations and requests without a server. */

export const TEST_TENANT = "00000000-0000-0000-0000-00000000c0de";
export const TEST_CLIENT = "11111111-2222-3333-4444-555555555555";
export const TEST_SESSION_SECRET = "test-session-secret-that-is-long-enough-0123456789";

export function entraEnv(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    ATLAS_AUTH_TENANT_ID: TEST_TENANT,
    ATLAS_AUTH_CLIENT_ID: TEST_CLIENT,
    ATLAS_AUTH_CLIENT_SECRET: "client-secret",
    ATLAS_AUTH_AUTHORITY: `https://login.example.test/${TEST_TENANT}`,
    ATLAS_PUBLIC_URL: "https://atlas.example.test",
    ATLAS_SESSION_SECRET: TEST_SESSION_SECRET,
    ...overrides,
  };
}

export function entraConfig(overrides: Record<string, string | undefined> = {}) {
  const config = readAuthConfig(entraEnv(overrides));
  if (config.mode !== "entra") throw new Error("expected entra mode");
  return config;
}

export function anonymousConfig(overrides: Record<string, string | undefined> = {}): AuthConfig {
  return readAuthConfig({ ...overrides });
}

export function sessionFor(role: Role | null, now: number, overrides: Partial<Session> = {}): Session {
  return {
    ...newSession(
      { oid: "00000000-0000-0000-0000-0000000000f4", tid: TEST_TENANT, name: "Penny", role },
      now,
    ),
    ...overrides,
  };
}

export type TestRequestInit = {
  method?: string;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
};

export function guardRequestOf(url: string, init: TestRequestInit = {}): GuardRequest {
  const parsed = new URL(url, "https://atlas.example.test");
  const headers = new Map(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if (!headers.has("host")) headers.set("host", parsed.host);
  const cookies = init.cookies ?? {};
  return {
    method: init.method ?? "GET",
    pathname: parsed.pathname,
    search: parsed.search,
    header: (name) => headers.get(name.toLowerCase()) ?? null,
    cookie: (name) => cookies[name],
    hasCookies: Object.keys(cookies).length > 0,
  };
}

/** The cookies a browser signed in with `session` would send. */
export async function sessionCookies(
  config: ReturnType<typeof entraConfig>,
  session: Session,
): Promise<Record<string, string>> {
  return { [sessionCookieName(config)]: await sealSession(config, session) };
}
