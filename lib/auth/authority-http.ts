import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

/**
 * The only HTTP client sign-in uses — for msal-node and for the OIDC metadata and signing keys. It talks
 * to one origin, the configured authority, and throws for any other URL: whatever msal-node would like to
 * discover, nothing leaves for another host. A private CA (the emulator's, a corporate TLS proxy's) is
 * added to Node's roots, never substituted for certificate checking.
 */

const TIMEOUT_MS = 15_000;
const MAX_BODY_BYTES = 1024 * 1024;

export class ForeignHostError extends Error {
  constructor(url: string, allowed: string) {
    super(`Sign-in refused to contact ${url}: only the configured authority ${allowed} is allowed.`);
    this.name = "ForeignHostError";
  }
}

export type AuthorityHttp = INetworkModule & {
  getJson(url: string): Promise<NetworkResponse<unknown>>;
  /** Every URL requested so far (tests assert nothing outside the authority was asked for). */
  readonly requested: string[];
};

export function readCaBundle(caFile: string | undefined): string[] | undefined {
  if (!caFile) return undefined;
  return [...rootCertificates, readFileSync(caFile, "utf8")];
}

export function createAuthorityHttp(authorityOrigin: string, ca: string[] | undefined): AuthorityHttp {
  const allowed = new URL(authorityOrigin).origin;
  const requested: string[] = [];

  function send(
    method: "GET" | "POST",
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<unknown>> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.reject(new ForeignHostError(url, allowed));
    }
    if (target.origin !== allowed || target.protocol !== "https:") {
      return Promise.reject(new ForeignHostError(`${target.origin}${target.pathname}`, allowed));
    }
    requested.push(`${method} ${target.origin}${target.pathname}`);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        target,
        {
          method,
          headers: {
            accept: "application/json",
            ...(options?.headers ?? {}),
            ...(options?.body !== undefined
              ? { "content-length": String(Buffer.byteLength(options.body)) }
              : {}),
          },
          ...(ca ? { ca } : {}),
          timeout: TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              req.destroy(new Error(`the authority's answer exceeds ${MAX_BODY_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : {};
            } catch {
              // msal-node inspects `status`; a non-JSON body stays a string.
            }
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined)
                headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
            }
            resolve({ status: res.statusCode ?? 0, headers, body });
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`the authority did not answer within ${TIMEOUT_MS} ms`)));
      req.on("error", reject);
      if (options?.body !== undefined) req.write(options.body);
      req.end();
    });
  }

  return {
    requested,
    getJson: (url) => send("GET", url),
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) =>
      send("GET", url, options) as Promise<NetworkResponse<T>>,
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) =>
      send("POST", url, options) as Promise<NetworkResponse<T>>,
  };
}
