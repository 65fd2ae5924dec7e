/**
 * The client's address for rate limiting. The custom server (lib/server/start.ts) writes it into this
 * request header from the socket — overwriting whatever the client sent — so the proxy can trust it.
 * Behind a reverse proxy (ATLAS_TRUST_PROXY=1) the last X-Forwarded-For hop is the one the trusted proxy
 * appended; earlier hops are client-controlled and ignored.
 */
export const CLIENT_ADDRESS_HEADER = "x-atlas-client-address";

export function clientAddress(input: {
  remoteAddress: string | undefined;
  forwardedFor: string | string[] | undefined;
  trustProxy: boolean;
}): string {
  if (input.trustProxy && input.forwardedFor) {
    const joined = Array.isArray(input.forwardedFor) ? input.forwardedFor.join(",") : input.forwardedFor;
    const hops = joined
      .split(",")
      .map((hop) => hop.trim())
      .filter(Boolean);
    const last = hops.at(-1);
    if (last) return last.slice(0, 64);
  }
  return (input.remoteAddress ?? "unknown").replace(/^::ffff:/, "");
}
