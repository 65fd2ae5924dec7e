import type { NextRequest } from "next/server";
import type { BearerCheck } from "./bearer";
import { verifyBearerToken } from "./bearer";
import { readAuthConfig } from "./config";
import { bearerTokenToVerify } from "./guard";

/**
 * The proxy's half of bearer authentication: verifies the request's `Authorization: Bearer` token when the
 * guard will look at it (bearerTokenToVerify), before the guard runs — verification is async (the authority's
 * signing keys) and the guard is not. Undefined: no token the guard considers, or a configuration the
 * guard itself will refuse.
 */
export async function bearerCheckFor(request: NextRequest): Promise<BearerCheck | undefined> {
  let config: ReturnType<typeof readAuthConfig>;
  try {
    config = readAuthConfig();
  } catch {
    return undefined; // handleProxyRequest answers auth_misconfigured
  }
  if (config.mode !== "entra") return undefined;
  const token = bearerTokenToVerify(config, {
    method: request.method,
    pathname: request.nextUrl.pathname,
    header: (name) => request.headers.get(name),
  });
  return token === undefined ? undefined : verifyBearerToken(config, token);
}
