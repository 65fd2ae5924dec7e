import type { AuthConfig } from "./config";
import { processState } from "./process-state";
import { deriveKey, hmac, randomToken, safeEqual } from "./seal";

/**
 * Cross-site request forgery, two layers for every state-changing request:
 * 1. Origin: a browser names the page that sent the request (Origin, or at least Sec-Fetch-Site); anything
 *    but this app's own origin is refused. A request carrying neither is not from a browser — allowed only
 *    when it carries no cookie either (then there is no ambient credential to abuse).
 * 2. Token: JSON API writes must also send the `x-csrf-token` header, a value bound to the session (HMAC of
 *    the session id; in anonymous mode of a random nonce, with a per-process key). The proxy puts it in a
 *    readable cookie; same-origin script copies it into the header (components/auth/csrf-fetch.tsx does this
 *    for every same-origin fetch). Another site can neither read the cookie nor set the header.
 */

export const CSRF_HEADER = "x-csrf-token";

export function csrfCookieName(config: { https: boolean }): string {
  return config.https ? "__Host-atlas_csrf" : "atlas_csrf";
}

function csrfKey(config: AuthConfig): Buffer {
  return config.mode === "entra" ? deriveKey(config.sessionSecret, "csrf/v1") : processState().ephemeralKey;
}

/** `binding` is the session id, or "anonymous". */
export function issueCsrfToken(config: AuthConfig, binding: string): string {
  const nonce = randomToken(16);
  return `${nonce}.${hmac(csrfKey(config), `${binding}.${nonce}`)}`;
}

export function verifyCsrfToken(
  config: AuthConfig,
  binding: string,
  token: string | null | undefined,
): boolean {
  if (!token || token.length > 200) return false;
  const [nonce, mac, extra] = token.split(".");
  if (!nonce || !mac || extra !== undefined) return false;
  return safeEqual(mac, hmac(csrfKey(config), `${binding}.${nonce}`));
}

export type OriginCheck = { ok: true } | { ok: false; reason: string };

/** Layer 1. `expected` is the app's origin (lib/auth/config.ts expectedOrigin). */
export function checkRequestOrigin(input: {
  origin: string | null;
  secFetchSite: string | null;
  expected: string | undefined;
  hasCookies: boolean;
}): OriginCheck {
  const { origin, secFetchSite, expected, hasCookies } = input;
  if (origin !== null && origin !== "") {
    if (origin === "null") return { ok: false, reason: "the request comes from an opaque origin" };
    if (!expected || origin.toLowerCase() !== expected.toLowerCase()) {
      return { ok: false, reason: `the request comes from another origin (${origin.slice(0, 100)})` };
    }
    return { ok: true };
  }
  if (secFetchSite !== null && secFetchSite !== "") {
    return secFetchSite === "same-origin"
      ? { ok: true }
      : { ok: false, reason: `the browser reports a ${secFetchSite.slice(0, 20)} request` };
  }
  return hasCookies
    ? { ok: false, reason: "a state-changing request with cookies must name its Origin" }
    : { ok: true };
}
