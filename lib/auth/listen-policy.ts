import { isIP } from "node:net";
import type { AuthConfig } from "./config";

/**
 * Anonymous mode makes everyone an administrator, which is only acceptable for a local demo: the server
 * refuses to listen anywhere but loopback unless ATLAS_ALLOW_ANONYMOUS=1 says otherwise explicitly.
 */

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || bare === "0:0:0:0:0:0:0:1" || /^::ffff:127\./.test(bare);
  return false;
}

export class ListenRefusedError extends Error {
  constructor(host: string) {
    super(
      `Refusing to listen on ${host} without sign-in. With no ATLAS_AUTH_* settings everyone who can reach ` +
        "the server is an administrator, so anonymous mode serves on loopback only (HOST=127.0.0.1). " +
        "Configure Entra ID sign-in (ATLAS_AUTH_TENANT_ID, ATLAS_AUTH_CLIENT_ID, ATLAS_AUTH_CLIENT_SECRET, " +
        "ATLAS_SESSION_SECRET, ATLAS_PUBLIC_URL; see docs/security.md), or set ATLAS_ALLOW_ANONYMOUS=1 if " +
        "exposing an unauthenticated admin view of your clusters on this network is really what you want.",
    );
    this.name = "ListenRefusedError";
  }
}

/** Throws ListenRefusedError when the configuration may not listen on `host`; returns warnings to log. */
export function checkListenAddress(host: string, config: AuthConfig): string[] {
  if (config.mode === "anonymous") {
    if (isLoopbackHost(host)) return [];
    if (!config.allowAnonymousAnywhere) throw new ListenRefusedError(host);
    return [
      `ATLAS_ALLOW_ANONYMOUS=1: serving WITHOUT sign-in on ${host}; anyone who can reach it is an administrator.`,
    ];
  }
  if (!config.https && !isLoopbackHost(config.publicUrl.hostname)) {
    return [
      `ATLAS_PUBLIC_URL is ${config.publicUrl.origin} (plain HTTP): session cookies travel unencrypted. ` +
        "Put the app behind HTTPS and set an https:// ATLAS_PUBLIC_URL.",
    ];
  }
  return [];
}
