/**
 * Browser side of the CSRF token (see lib/auth/csrf.ts): reads it from the cookie the proxy sets and adds
 * it as `x-csrf-token` to same-origin state-changing fetches. No Node imports: this runs in the browser.
 */

export const CSRF_HEADER_NAME = "x-csrf-token";
const COOKIE_NAMES = ["__Host-atlas_csrf", "atlas_csrf"];
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function readCsrfToken(cookieHeader: string): string | undefined {
  for (const part of cookieHeader.split(";")) {
    const at = part.indexOf("=");
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    if (COOKIE_NAMES.includes(name)) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/** `init` with the CSRF header added, for callers that prefer to be explicit: fetch(url, withCsrf(init)). */
export function withCsrf(init: RequestInit = {}): RequestInit {
  const token = typeof document === "undefined" ? undefined : readCsrfToken(document.cookie);
  if (!token) return init;
  const headers = new Headers(init.headers);
  headers.set(CSRF_HEADER_NAME, token);
  return { ...init, headers };
}

const PATCHED = Symbol.for("aks-identity-atlas.csrf-fetch");

/**
 * Wraps window.fetch once so every same-origin POST/PUT/PATCH/DELETE carries the token — components need
 * not know about CSRF at all. Cross-origin requests are left untouched (the token never leaves the app).
 */
export function installCsrfFetch(target: Window & typeof globalThis = window): void {
  const marked = target as typeof target & { [PATCHED]?: boolean };
  if (marked[PATCHED]) return;
  marked[PATCHED] = true;
  const original = target.fetch.bind(target);
  target.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : undefined;
    const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
    if (SAFE_METHODS.has(method)) return original(input, init);
    const url = new URL(request ? request.url : String(input), target.location.href);
    if (url.origin !== target.location.origin) return original(input, init);
    const token = readCsrfToken(target.document.cookie);
    if (!token) return original(input, init);
    const headers = new Headers(init?.headers ?? request?.headers);
    if (!headers.has(CSRF_HEADER_NAME)) headers.set(CSRF_HEADER_NAME, token);
    return original(input, { ...init, headers });
  };
}
