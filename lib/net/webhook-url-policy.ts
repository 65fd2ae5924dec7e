import { isIP } from "node:net";
import { type AddressVerdict, classifyAddress, type RefusedClass } from "./ip-address";

// Which webhook URLs the product accepts, decided without I/O: the scheme, the operator's allow-list and
// literal addresses. Names are resolved and re-checked when the socket connects (lib/net/egress-guard.ts);
// this is what lets a form or the API answer 400 at once for the URLs that can never be delivered to.

export const ALLOW_HTTP_HOSTS_VARIABLE = "ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS";

/** One `host[:port]` entry of ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS; a null port matches any port. */
export type AllowedHost = { host: string; port: number | null };

/**
 * Classes an allow-listed host may resolve to: the operator named it, typically a relay inside the
 * cluster or the VNet. Metadata, link-local, unspecified, multicast, broadcast and reserved addresses are
 * refused even then — no webhook receiver lives there, and the metadata endpoints hand out credentials.
 */
const ALLOWED_WHEN_LISTED: ReadonlySet<RefusedClass> = new Set([
  "loopback",
  "private",
  "shared (CGNAT)",
  "unique-local",
]);

/** The verdict's refusal, or null when the address may be connected to under this policy. */
export function refusal(verdict: AddressVerdict, allowPrivate: boolean): string | null {
  if (verdict.allowed) return null;
  if (allowPrivate && ALLOWED_WHEN_LISTED.has(verdict.class)) return null;
  return `refused: ${verdict.reason}`;
}

/** Parses the allow-list (comma-separated `host[:port]`); throws an Error naming the bad entry. */
export function parseAllowHttpHosts(text: string | undefined): AllowedHost[] {
  if (!text?.trim()) return [];
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const match = /^(\[[0-9a-fA-F:.]+\]|[^:/?#@[\]\s]+)(?::(\d{1,5}))?$/.exec(entry);
      let host: string | null = null;
      if (match) {
        try {
          host = new URL(`http://${match[1]}/`).hostname.replace(/\.$/, "");
        } catch {
          host = null;
        }
      }
      const port = match?.[2] === undefined ? null : Number(match[2]);
      if (!host || (port !== null && (port < 1 || port > 65_535))) {
        throw new Error(`"${entry}" is not a host or host:port (IPv6 in brackets, e.g. [fd12::1]:8080)`);
      }
      const literal = host.replace(/^\[|\]$/g, "");
      if (isIP(literal)) {
        const problem = refusal(classifyAddress(literal), true);
        if (problem) throw new Error(`"${entry}" is never allowed: ${problem.replace(/^refused: /, "")}`);
      }
      return { host, port };
    });
}

function effectivePort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** Whether the URL's host (and port, when the entry names one) is on the operator's allow-list. */
export function isAllowListed(url: URL, allow: readonly AllowedHost[]): boolean {
  const host = url.hostname.replace(/\.$/, "");
  return allow.some(
    (entry) => entry.host === host && (entry.port === null || entry.port === effectivePort(url)),
  );
}

/**
 * Null when the URL may be saved as a webhook; otherwise what is wrong with it. `https` is required; `http`
 * only to an allow-listed host. Literal addresses (in any form a URL parser normalizes: 2130706433, 0x7f.1,
 * [::ffff:7f00:1]) and `localhost` names are refused here already; other names when they are resolved.
 */
export function webhookUrlProblem(url: string, allow: readonly AllowedHost[]): string | null {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return "must be an absolute https URL";
  }
  if (target.protocol !== "https:" && target.protocol !== "http:") return "must be an https URL";
  const listed = isAllowListed(target, allow);
  if (target.protocol === "http:" && !listed) {
    return `must use https (http is allowed only to hosts listed in ${ALLOW_HTTP_HOSTS_VARIABLE})`;
  }
  const host = target.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (isIP(host)) return refusal(classifyAddress(host), listed);
  if (!listed && (host === "localhost" || host.endsWith(".localhost"))) {
    // RFC 6761: these names always mean the local host, whatever a resolver says.
    return `refused: ${host} is loopback`;
  }
  return null;
}
