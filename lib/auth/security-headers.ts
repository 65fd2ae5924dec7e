import type { AuthConfig } from "./config";

/**
 * Response headers every answer carries. The page CSP allows scripts only with this request's nonce
 * ('strict-dynamic' lets Next's nonce'd loader pull its chunks); Next reads the nonce from the request's
 * Content-Security-Policy header and stamps it on its own scripts. Styles allow 'unsafe-inline' because
 * React renders `style` attributes (charts, graph) which nonces cannot cover; scripts are what matter.
 */

export type HeaderOptions = {
  config: AuthConfig;
  nonce: string;
  /** JSON API answers get a policy that allows nothing at all. */
  api: boolean;
  /** `next dev` needs 'unsafe-eval' for React's debugging aids. */
  development: boolean;
  /** The shared-report pages: no referrer leaves them (the URL is the credential), no indexing. */
  share: boolean;
};

function authorityOrigin(config: AuthConfig): string | undefined {
  return config.mode === "entra" ? new URL(config.authority).origin : undefined;
}

/**
 * The shared-report pages and files (`/share/**`, `/api/share/**`): a whole document rendered by our own
 * handler (lib/reports/share-http.ts), no Next runtime, no script and no fetch — docs/reports.md promises
 * exactly that to whoever receives a link. Only the inline `<style>` of the rendered report and data: images.
 * The proxy's header replaces the handler's on the way out, so this one constant is what the browser sees.
 */
export const SHARE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src data:",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function contentSecurityPolicy(options: HeaderOptions): string {
  if (options.share) return SHARE_CONTENT_SECURITY_POLICY;
  if (options.api) return "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  const authority = authorityOrigin(options.config);
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    // Sign-out is a form POST answered with a redirect to Entra's logout page; browsers apply form-action
    // to that redirect too.
    `form-action 'self'${authority ? ` ${authority}` : ""}`,
    "frame-ancestors 'none'",
  ];
  if (options.config.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** Everything but the CSP: also applied by the custom server to responses the proxy does not see. */
export function baselineSecurityHeaders(config: AuthConfig): Record<string, string> {
  const headers: Record<string, string> = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  };
  if (config.https) headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains";
  return headers;
}

/**
 * Cache-Control for every answer the proxy lets through to a page or handler: the access map, findings and
 * settings are for this user's eyes only, so no shared cache (a corporate proxy, a CDN) and no browser disk
 * cache may keep them. Framework assets and the two static files are the exception: they hold no data.
 * Handlers may still set a stricter value of their own (`no-store`); none may set a weaker one
 * (tests/http-headers.int.test.ts walks every API route).
 */
export const PRIVATE_NO_STORE = "private, no-store";

export function cacheControlFor(segments: readonly string[] | undefined): string | undefined {
  if (!segments) return PRIVATE_NO_STORE;
  if (segments[0] === "_next") return undefined;
  if (segments.length === 1 && (segments[0] === "favicon.ico" || segments[0] === "robots.txt"))
    return undefined;
  return PRIVATE_NO_STORE;
}

export function securityHeaders(options: HeaderOptions): Record<string, string> {
  const headers: Record<string, string> & { "Content-Security-Policy": string } = {
    ...baselineSecurityHeaders(options.config),
    "Content-Security-Policy": contentSecurityPolicy(options),
  };
  if (options.share) {
    headers["Referrer-Policy"] = "no-referrer";
    headers["X-Robots-Tag"] = "noindex, nofollow";
  }
  return headers;
}
