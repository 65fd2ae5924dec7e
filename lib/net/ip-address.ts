import { isIPv4, isIPv6 } from "node:net";

// Pure classification of IP addresses for outbound requests the product makes on a user's say-so (the drift
// webhook). No I/O here: lib/net/egress-guard.ts resolves names and calls this for every address a socket is
// about to connect to. Ranges come from the IANA special-purpose registries (RFC 6890 and successors):
// https://www.iana.org/assignments/iana-ipv4-special-registry/ and
// https://www.iana.org/assignments/iana-ipv6-special-registry/ — plus the cloud metadata endpoints.

export type RefusedClass =
  | "loopback"
  | "unspecified"
  | "link-local"
  | "private"
  | "shared (CGNAT)"
  | "unique-local"
  | "metadata"
  | "multicast"
  | "broadcast"
  | "reserved";

type Range = { bytes: number[]; prefix: number; class: RefusedClass };

function v4(cidr: string, klass: RefusedClass): Range {
  const [address, prefix] = cidr.split("/");
  return { bytes: address.split(".").map(Number), prefix: Number(prefix ?? 32), class: klass };
}

// First match wins, so the single metadata addresses come before the ranges that contain them.
const IPV4_RANGES: Range[] = [
  v4("169.254.169.254/32", "metadata"), // Azure IMDS, AWS, GCP, OpenStack
  v4("168.63.129.16/32", "metadata"), // Azure wireserver (host agent, DNS, health probes)
  v4("100.100.100.200/32", "metadata"), // Alibaba Cloud
  v4("255.255.255.255/32", "broadcast"),
  v4("0.0.0.0/8", "unspecified"), // "this network"; 0.0.0.0 reaches the local host on Linux
  v4("10.0.0.0/8", "private"),
  v4("100.64.0.0/10", "shared (CGNAT)"),
  v4("127.0.0.0/8", "loopback"),
  v4("169.254.0.0/16", "link-local"),
  v4("172.16.0.0/12", "private"),
  v4("192.0.0.0/24", "reserved"), // IETF protocol assignments
  v4("192.0.2.0/24", "reserved"), // documentation
  v4("192.88.99.0/24", "reserved"), // 6to4 relay anycast (deprecated)
  v4("192.168.0.0/16", "private"),
  v4("198.18.0.0/15", "reserved"), // benchmarking
  v4("198.51.100.0/24", "reserved"), // documentation
  v4("203.0.113.0/24", "reserved"), // documentation
  v4("224.0.0.0/4", "multicast"),
  v4("240.0.0.0/4", "reserved"), // future use
];

/** Four bytes of a dotted-quad IPv4 address (the normalized form; URL parsers turn 0x7f.1 into 127.0.0.1). */
function ipv4Bytes(address: string): number[] {
  return address.split(".").map(Number);
}

/** Sixteen bytes of an IPv6 address, accepting `::` and an embedded dotted quad; null when not IPv6. */
export function ipv6Bytes(input: string): number[] | null {
  const address = input.replace(/^\[|\]$/g, "").replace(/%.*$/, ""); // brackets, zone id
  if (!isIPv6(address)) return null;
  let text = address.toLowerCase();
  const tail: number[] = [];
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    tail.push(...ipv4Bytes(quad[1]));
    text = text.slice(0, -quad[1].length);
    if (!text.endsWith("::")) text = text.slice(0, -1); // the ":" before the quad, unless it ends "::"
  }
  const groupsNeeded = (16 - tail.length) / 2;
  const [head, rest] = text.includes("::") ? text.split("::") : [text, null];
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  const right = rest === null ? [] : parse(rest);
  const zeros = rest === null ? 0 : groupsNeeded - left.length - right.length;
  const groups = [...left, ...Array<number>(zeros).fill(0), ...right];
  if (groups.length !== groupsNeeded) return null;
  return [...groups.flatMap((g) => [g >> 8, g & 0xff]), ...tail];
}

function inRange(bytes: number[], range: { bytes: number[]; prefix: number }): boolean {
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const take = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    const index = bit / 8;
    if (((bytes[index] ?? 0) & mask) !== ((range.bytes[index] ?? 0) & mask)) return false;
  }
  return true;
}

function classifyV4(bytes: number[]): RefusedClass | null {
  return IPV4_RANGES.find((range) => inRange(bytes, range))?.class ?? null;
}

function v6(cidr: string, klass: RefusedClass): Range {
  const [address, prefix] = cidr.split("/");
  const bytes = ipv6Bytes(address);
  if (!bytes) throw new Error(`bad IPv6 range ${cidr}`);
  return { bytes, prefix: Number(prefix), class: klass };
}

const IPV6_RANGES: Range[] = [
  v6("fd00:ec2::254/128", "metadata"), // AWS IMDS over IPv6
  v6("::/128", "unspecified"),
  v6("::1/128", "loopback"),
  v6("64:ff9b:1::/48", "private"), // local-use NAT64
  v6("100::/64", "reserved"), // discard-only
  v6("2001::/23", "reserved"), // IETF protocol assignments, Teredo included
  v6("2001:db8::/32", "reserved"), // documentation
  v6("3fff::/20", "reserved"), // documentation
  v6("5f00::/16", "reserved"), // segment routing SIDs
  v6("fc00::/7", "unique-local"),
  v6("fe80::/10", "link-local"),
  v6("fec0::/10", "reserved"), // site-local (deprecated)
  v6("ff00::/8", "multicast"),
];

// IPv6 forms that carry an IPv4 address a host or gateway may deliver to: the IPv4 inside decides.
const EMBEDDING_IPV4: { range: Range; offset: number }[] = [
  { range: v6("::ffff:0:0/96", "reserved"), offset: 12 }, // IPv4-mapped
  { range: v6("::/96", "reserved"), offset: 12 }, // IPv4-compatible (deprecated); :: and ::1 matched first
  { range: v6("::ffff:0:0:0/96", "reserved"), offset: 12 }, // IPv4-translated (SIIT)
  { range: v6("64:ff9b::/96", "reserved"), offset: 12 }, // NAT64 well-known prefix
  { range: v6("2002::/16", "reserved"), offset: 2 }, // 6to4
];

const GLOBAL_UNICAST = v6("2000::/3", "reserved");

function classifyV6(bytes: number[]): { class: RefusedClass; embedded?: string } | null {
  if (inRange(bytes, IPV6_RANGES[0])) return { class: "metadata" };
  if (inRange(bytes, IPV6_RANGES[1])) return { class: "unspecified" };
  if (inRange(bytes, IPV6_RANGES[2])) return { class: "loopback" };
  for (const { range, offset } of EMBEDDING_IPV4) {
    if (!inRange(bytes, range)) continue;
    const embedded = bytes.slice(offset, offset + 4);
    const klass = classifyV4(embedded);
    return klass ? { class: klass, embedded: embedded.join(".") } : null;
  }
  const hit = IPV6_RANGES.slice(3).find((range) => inRange(bytes, range));
  if (hit) return { class: hit.class };
  // Only 2000::/3 is allocated for global unicast; everything else is reserved by IANA.
  return inRange(bytes, GLOBAL_UNICAST) ? null : { class: "reserved" };
}

export type AddressVerdict =
  | { allowed: true; address: string }
  | { allowed: false; address: string; class: RefusedClass; reason: string };

/**
 * Whether an outbound connection to this literal address is acceptable for a user-configured endpoint.
 * Anything that is not a parseable IP address is refused as reserved, so a caller can never fail open.
 */
export function classifyAddress(input: string): AddressVerdict {
  const address = input.replace(/^\[|\]$/g, "");
  let verdict: { class: RefusedClass; embedded?: string } | null;
  if (isIPv4(address)) {
    const klass = classifyV4(ipv4Bytes(address));
    verdict = klass ? { class: klass } : null;
  } else {
    const bytes = ipv6Bytes(address);
    verdict = bytes ? classifyV6(bytes) : { class: "reserved" };
  }
  if (!verdict) return { allowed: true, address };
  const via = verdict.embedded ? ` (it carries the IPv4 address ${verdict.embedded})` : "";
  return {
    allowed: false,
    address,
    class: verdict.class,
    reason: `address ${address} is ${verdict.class}${via}`,
  };
}
