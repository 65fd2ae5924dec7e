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

export function contentSecurityPolicy(options: HeaderOptions): string {
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
