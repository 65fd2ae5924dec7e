import type { IncomingMessage, ServerResponse } from "node:http";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "./client-address";
import { type AuthConfig, readAuthConfig } from "./config";
import { checkListenAddress } from "./listen-policy";
import { rateLimitsFromEnv } from "./rate-limit";
import { installRedactingConsole } from "./redact";
import { baselineSecurityHeaders } from "./security-headers";

/**
 * What the custom server (lib/server/start.ts) does for security before Next sees a request: redacted
 * logging, the listen-address policy, the trusted client address, and baseline headers on every response
 * (the proxy adds the CSP; static assets it does not see still get these).
 */

/** Validates the auth settings and the listen address; throws with a clear message when refused. */
export function prepareServerSecurity(host: string): { config: AuthConfig; lines: string[] } {
  installRedactingConsole();
  const config = readAuthConfig();
  const warnings = checkListenAddress(host, config);
  // A bad ATLAS_SHARE_RATE_LIMIT* stops the start here, not every share request later.
  rateLimitsFromEnv();
  const summary =
    config.mode === "entra"
      ? `sign-in with Entra ID (tenant ${config.tenantId}, authority ${config.authority}, public URL ${config.publicUrl.origin})`
      : "no sign-in: anonymous local demo, everyone is admin";
  const addresses = config.trustProxy
    ? "client addresses: the last X-Forwarded-For hop (ATLAS_TRUST_PROXY — the app must be reachable only through that proxy)"
    : "client addresses: the connection's (X-Forwarded-For ignored; ATLAS_TRUST_PROXY=1 behind a reverse proxy)";
  return { config, lines: [summary, addresses, ...warnings.map((warning) => `WARNING: ${warning}`)] };
}

export function applyRequestSecurity(config: AuthConfig, req: IncomingMessage, res: ServerResponse): void {
  req.headers[CLIENT_ADDRESS_HEADER] = clientAddress({
    remoteAddress: req.socket.remoteAddress,
    forwardedFor: req.headers["x-forwarded-for"],
    trustProxy: config.trustProxy,
  });
  for (const [name, value] of Object.entries(baselineSecurityHeaders(config))) res.setHeader(name, value);
}
