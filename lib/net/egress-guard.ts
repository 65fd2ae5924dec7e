import { promises as dns, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { classifyAddress } from "./ip-address";
import { refusal } from "./webhook-url-policy";

// The connection-time half of the webhook's egress rules. A check before connecting is not enough: a name
// can resolve to a public address when checked and to 127.0.0.1 a moment later when the socket resolves it
// again (DNS rebinding). So the check runs inside the socket's own `lookup`: the addresses it checks are the
// addresses it connects to.

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Name resolution, injectable so tests can play a rebinding resolver. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** A connection the egress rules refuse; its message is safe to store and show ("refused: address … is …"). */
export class EgressRefusedError extends Error {
  override name = "EgressRefusedError";
  readonly code = "EGRESS_REFUSED";
}

export type EgressPolicy = {
  /** the operator allow-listed this host: loopback, private and unique-local addresses are accepted */
  allowPrivate: boolean;
  resolve?: Resolver;
};

/**
 * Resolves a host (a literal address resolves to itself) and checks every answer: one refused answer
 * refuses the name, so a record set mixing a public and a private address cannot be used either.
 */
export async function resolveChecked(hostname: string, policy: EgressPolicy): Promise<ResolvedAddress[]> {
  const host = hostname.replace(/^\[|\]$/g, "");
  const family = isIP(host);
  const answers =
    family === 0
      ? await (policy.resolve ?? systemResolver)(host)
      : [{ address: host, family: family as 4 | 6 }];
  if (answers.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: "ENOTFOUND" });
  for (const answer of answers) {
    const problem = refusal(classifyAddress(answer.address), policy.allowPrivate);
    if (problem) throw new EgressRefusedError(problem);
  }
  return answers;
}

/**
 * A `lookup` for net/http/https/tls sockets that resolves through `resolveChecked`. Node calls it for host
 * names only (a literal address is connected to without a lookup), so callers check literals themselves —
 * `resolveChecked` does both. Honours `all` (Happy Eyeballs asks for every address) and `family`.
 */
export function guardedLookup(policy: EgressPolicy): LookupFunction {
  return (hostname, options: LookupOptions, callback) => {
    resolveChecked(hostname, policy).then(
      (answers) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = answers.filter((a) => wanted === 0 || a.family === wanted);
        if (usable.length === 0) {
          callback(
            Object.assign(new Error(`${hostname} has no IPv${wanted} address`), { code: "ENOTFOUND" }),
            "",
          );
          return;
        }
        if (options.all) callback(null, usable satisfies LookupAddress[]);
        else callback(null, usable[0].address, usable[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ""),
    );
  };
}
