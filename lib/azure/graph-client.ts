import { Agent, request as httpsRequest } from "node:https";
import type { TokenCredential } from "@azure/core-auth";
import {
  AuthenticationHandler,
  Client,
  type Context,
  type Middleware,
} from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import type { ScanHttpContext } from "@/lib/azure/scan-http-context";
import { trustedCertificates } from "@/lib/azure/tls-trust";
import {
  isTransientStatus,
  type RetryOptions,
  retryAfterMs,
  retryTransient,
  TransportError,
} from "@/lib/net/transient-retry";

// Microsoft Graph through its official client. The client's default transport is global fetch,
// which can neither trust an extra CA per client nor bound an attempt; the last middleware here
// sends with node:https instead and is where Graph calls are counted, bounded, timed out and
// retried (429/5xx with Retry-After, resets, stalls, bodies cut short).

const GRAPH_HOSTS = new Set([
  "graph.microsoft.com",
  "graph.microsoft.us",
  "dod-graph.microsoft.us",
  "microsoftgraph.chinacloudapi.cn",
]);

/** The token scope for Graph: a real cloud's own, or the public one for Graph-compatible endpoints. */
export function graphScope(graphEndpoint: string): string {
  const url = new URL(graphEndpoint);
  return GRAPH_HOSTS.has(url.hostname.toLowerCase())
    ? `${url.origin}/.default`
    : "https://graph.microsoft.com/.default";
}

type RawResponse = { status: number; headers: Headers; body: Buffer };

class GraphTransport implements Middleware {
  private readonly agent: Agent;

  constructor(
    private readonly http: ScanHttpContext,
    caPem: string | undefined,
  ) {
    const ca = trustedCertificates(caPem);
    this.agent = new Agent({ keepAlive: true, ...(ca ? { ca } : {}) });
  }

  close(): void {
    this.agent.destroy();
  }

  private sendOnce(
    url: string,
    method: string,
    headers: Headers,
    body: string | undefined,
  ): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      let deadline: NodeJS.Timeout | undefined;
      const outgoing = httpsRequest(
        url,
        {
          method,
          headers: Object.fromEntries(headers.entries()),
          agent: this.agent,
          ...(this.http.signal ? { signal: this.http.signal } : {}),
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
          incoming.on("error", reject);
          incoming.on("end", () => {
            clearTimeout(deadline);
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) {
              if (typeof value === "string") responseHeaders.set(name, value);
              else if (Array.isArray(value)) responseHeaders.set(name, value.join(", "));
            }
            const payload = Buffer.concat(chunks);
            const status = incoming.statusCode ?? 0;
            if (
              status < 300 &&
              /json/i.test(responseHeaders.get("content-type") ?? "") &&
              payload.length > 0
            ) {
              try {
                JSON.parse(payload.toString("utf8"));
              } catch {
                reject(
                  new TransportError(
                    `Graph response from ${new URL(url).pathname} was cut short`,
                    "TRUNCATED_BODY",
                  ),
                );
                return;
              }
            }
            resolve({ status, headers: responseHeaders, body: payload });
          });
        },
      );
      // A deadline for the whole exchange: a body that trickles counts as stalled too.
      deadline = setTimeout(() => {
        outgoing.destroy(
          new TransportError(
            `No complete response within ${this.http.requestTimeoutMs} ms from Graph`,
            "ETIMEDOUT",
          ),
        );
      }, this.http.requestTimeoutMs);
      outgoing.on("close", () => clearTimeout(deadline));
      outgoing.on("error", reject);
      if (body !== undefined) outgoing.write(body);
      outgoing.end();
    });
  }

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === "string" ? context.request : context.request.url;
    const options = context.options ?? {};
    const method = (options.method ?? "GET").toUpperCase();
    const headers = new Headers(options.headers as HeadersInit | undefined);
    const body = typeof options.body === "string" ? options.body : undefined;
    const retry: RetryOptions = {
      maxRetries: this.http.maxRetries,
      baseDelayMs: this.http.retryDelayMs,
      maxDelayMs: this.http.maxRetryDelayMs,
      ...(this.http.signal ? { signal: this.http.signal } : {}),
    };
    const raw = await retryTransient(
      () =>
        this.http.slots.run(async () => {
          this.http.counter.count("graph");
          const response = await this.sendOnce(url, method, headers, body);
          if (response.status === 429) this.http.counter.countThrottled("graph");
          return response;
        }, this.http.signal),
      (response) =>
        isTransientStatus(response.status)
          ? { retry: true, afterMs: retryAfterMs(response.headers) }
          : { retry: false },
      retry,
    );
    const payload = raw.status === 204 || raw.status === 304 ? null : new Uint8Array(raw.body);
    context.response = new Response(payload, { status: raw.status, headers: raw.headers });
  }
}

export type ScanGraphClient = { client: Client; close(): void };

/** A Graph client for one scan: the target's credential, endpoint and CA, the scan's transport. */
export function createGraphClient(
  target: { credential: TokenCredential; graphEndpoint: string; caPem?: string },
  http: ScanHttpContext,
): ScanGraphClient {
  const endpoint = new URL(target.graphEndpoint);
  const authProvider = new TokenCredentialAuthenticationProvider(target.credential, {
    scopes: [graphScope(target.graphEndpoint)],
  });
  const transport = new GraphTransport(http, target.caPem);
  const client = Client.initWithMiddleware({
    // The client appends the version itself: base without `/v1.0`.
    baseUrl: target.graphEndpoint.replace(/\/(v1\.0|beta)\/?$/i, ""),
    defaultVersion: "v1.0",
    ...(GRAPH_HOSTS.has(endpoint.hostname.toLowerCase())
      ? {}
      : { customHosts: new Set([endpoint.hostname]) }),
    middleware: [new AuthenticationHandler(authProvider), transport],
  });
  return { client, close: () => transport.close() };
}
