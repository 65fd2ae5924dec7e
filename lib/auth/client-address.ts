import { isIP } from "node:net";

/**
 * THE client address of the product — what rate limits count by. Two halves of one rule:
 *
 * 1. The custom server (lib/server/start.ts → lib/auth/server-hooks.ts) derives it from the connection with
 *    `clientAddress()` and writes it into CLIENT_ADDRESS_HEADER, overwriting whatever the client sent.
 * 2. Everything after it (the proxy, handlers) reads it back with `requestClientAddress()` and never looks at
 *    X-Forwarded-For or X-Real-IP itself.
 *
 * X-Forwarded-For is honoured only with ATLAS_TRUST_PROXY, and then only its last hop: the one the trusted
 * proxy appended from its own socket. Earlier hops are whatever the client wrote and are ignored — trusting
 * them let one client spend another's rate limit (issue #18).
 */
export const CLIENT_ADDRESS_HEADER = "x-atlas-client-address";

/** The key when nothing better is known (a request that did not come through the custom server). */
export const UNKNOWN_CLIENT = "unknown";

export function clientAddress(input: {
  remoteAddress: string | undefined;
  forwardedFor: string | string[] | undefined;
  trustProxy: boolean;
}): string {
  if (input.trustProxy && input.forwardedFor !== undefined) {
    // Several X-Forwarded-For header lines are one list (RFC 9110 §5.3); the last element is the nearest hop.
    const joined = Array.isArray(input.forwardedFor) ? input.forwardedFor.join(",") : input.forwardedFor;
    const last = joined
      .split(",")
      .map((hop) => hop.trim())
      .filter(Boolean)
      .at(-1);
    const fromProxy = last === undefined ? undefined : normalizeAddress(last);
    if (fromProxy) return fromProxy;
  }
  return normalizeAddress(input.remoteAddress ?? "") ?? UNKNOWN_CLIENT;
}

/** The address the custom server stamped on this request; UNKNOWN_CLIENT when it was not stamped. */
export function requestClientAddress(headers: { get(name: string): string | null }): string {
  const stamped = headers.get(CLIENT_ADDRESS_HEADER)?.trim();
  return stamped ? stamped.slice(0, 64) : UNKNOWN_CLIENT;
}

/**
 * An address as a rate-limit key: IPv4-mapped IPv6 as IPv4; a port dropped (Azure Application Gateway
 * appends "IP:port" hops — https://azure.microsoft.com/en-us/blog/rewrite-http-headers-with-azure-application-gateway/);
 * IPv6 reduced to its /64, because one host commonly holds a whole /64 and could otherwise count as
 * 2^64 clients. Anything that is not an IP address is not a key: undefined.
 */
export function normalizeAddress(raw: string): string | undefined {
  let value = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1];
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  value = value.replace(/%.*$/, ""); // an IPv6 zone id says which interface, not which client
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(value);
  if (mapped) value = mapped[1];
  const family = isIP(value);
  if (family === 4) return value;
  if (family === 6) return `${ipv6Groups(value).slice(0, 4).join(":")}::/64`;
  return undefined;
}

/** The eight 16-bit groups of a valid IPv6 address, lower-case, without leading zeros. */
function ipv6Groups(address: string): string[] {
  let text = address.toLowerCase();
  // A trailing dotted quad (::a.b.c.d) is the last two groups.
  const quad = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}
