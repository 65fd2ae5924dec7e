import {
  IsomorphicFetchHttpLibrary,
  type PromiseHttpLibrary,
  type RequestContext,
  ResponseContext,
  SelfDecodingBody,
} from "@kubernetes/client-node";
import type { ScanHttpContext } from "@/lib/azure/scan-http-context";
import {
  isTransientStatus,
  type RetryOptions,
  retryAfterMs,
  retryTransient,
  TransportError,
} from "@/lib/net/transient-retry";

// The HTTP library under @kubernetes/client-node for one cluster: the client's own fetch, wrapped
// so every attempt is counted, bounded by the scan's concurrency, given a deadline that covers the
// body, and retried on 429/5xx (Retry-After honoured), resets and truncated bodies — all within the
// cluster's time budget (`budget` aborts everything left when it runs out).

export class KubernetesTransport implements PromiseHttpLibrary {
  private readonly inner = new IsomorphicFetchHttpLibrary();

  constructor(
    private readonly http: ScanHttpContext,
    private readonly budget: AbortSignal,
  ) {}

  private async attempt(request: RequestContext): Promise<ResponseContext> {
    this.http.counter.count("kubernetes");
    const deadline = AbortSignal.timeout(this.http.requestTimeoutMs);
    request.setSignal(AbortSignal.any([deadline, this.budget]));
    try {
      const response = await this.inner.send(request).toPromise();
      // text(), not binary(): the library's binary() calls a node-fetch method undici lacks.
      const body = Buffer.from(await response.body.text(), "utf8");
      const contentType = response.headers["content-type"] ?? "";
      if (response.httpStatusCode < 300 && /json/i.test(contentType) && body.length > 0) {
        try {
          JSON.parse(body.toString("utf8"));
        } catch {
          throw new TransportError(
            `Kubernetes response from ${new URL(request.getUrl()).pathname} was cut short`,
            "TRUNCATED_BODY",
          );
        }
      }
      if (response.httpStatusCode === 429) this.http.counter.countThrottled("kubernetes");
      return new ResponseContext(
        response.httpStatusCode,
        response.headers,
        new SelfDecodingBody(Promise.resolve(body)),
      );
    } catch (error) {
      if (deadline.aborted && !this.budget.aborted) {
        throw new TransportError(`No complete response within ${this.http.requestTimeoutMs} ms`, "ETIMEDOUT");
      }
      throw error;
    }
  }

  send(request: RequestContext): Promise<ResponseContext> {
    const retry: RetryOptions = {
      maxRetries: this.http.maxRetries,
      baseDelayMs: this.http.retryDelayMs,
      maxDelayMs: this.http.maxRetryDelayMs,
      signal: this.budget,
    };
    return retryTransient(
      () => this.http.slots.run(() => this.attempt(request), this.budget),
      (response) =>
        isTransientStatus(response.httpStatusCode)
          ? { retry: true, afterMs: retryAfterMs({ get: (name) => response.headers[name.toLowerCase()] }) }
          : { retry: false },
      retry,
    );
  }
}
