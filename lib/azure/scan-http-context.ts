import { AsyncLocalStorage } from "node:async_hooks";
import type { AdditionalPolicyConfig } from "@azure/core-client";
import {
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
  RestError,
  type SendRequest,
} from "@azure/core-rest-pipeline";
import { ApiCallCounter, type ApiFamily } from "@/lib/azure/api-calls";
import { budgetKey, type GovernedApi, ThrottleGovernor } from "@/lib/azure/throttle-governor";
import { RequestSlots } from "@/lib/net/request-slots";
import { retryAfterMs } from "@/lib/net/transient-retry";

/** What every request of one scan shares: counting, the concurrency bound, pacing, cancellation. */
export type ScanHttpContext = {
  counter: ApiCallCounter;
  slots: RequestSlots;
  governor: ThrottleGovernor;
  /** Aborts every request of the scan. */
  signal?: AbortSignal;
  /** Per attempt: a stalled connection fails after this long and is retried. */
  requestTimeoutMs: number;
  /** Retries after the first attempt, for every API. */
  maxRetries: number;
  /** Base of the exponential backoff (the SDK retry policy and the scanner's own transports). */
  retryDelayMs: number;
  maxRetryDelayMs: number;
};

export function createScanHttpContext(
  options: Partial<Omit<ScanHttpContext, "counter" | "slots" | "governor">> & { concurrency?: number } = {},
): ScanHttpContext {
  return {
    counter: new ApiCallCounter(),
    slots: new RequestSlots(options.concurrency ?? 8),
    governor: new ThrottleGovernor(),
    ...(options.signal ? { signal: options.signal } : {}),
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 5,
    retryDelayMs: options.retryDelayMs ?? 500,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
  };
}

// Credentials outlive scans (their token cache is worth keeping), so their pipeline cannot be built
// per scan; it finds the running scan through the async context instead.
const currentScan = new AsyncLocalStorage<ScanHttpContext>();

export function runInScanHttpContext<T>(context: ScanHttpContext, task: () => Promise<T>): Promise<T> {
  return currentScan.run(context, task);
}

export function currentScanHttpContext(): ScanHttpContext | undefined {
  return currentScan.getStore();
}

function isJsonContent(response: PipelineResponse): boolean {
  return /\bjson\b/i.test(response.headers.get("content-type") ?? "");
}

function parsesAsJson(text: string | null | undefined): boolean {
  if (text === undefined || text === null || text.trim() === "") return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends one attempt with a deadline. A timeout becomes a RestError with code ETIMEDOUT and a body
 * that is not the JSON it claims to be becomes ECONNRESET: the SDK retry policy retries both
 * (it would not retry an abort or a parse error). No `response` is attached on purpose: with one,
 * the retry strategies would treat a 200 as final.
 */
export async function sendWithDeadline(
  request: PipelineRequest,
  next: SendRequest,
  timeoutMs: number,
  scanSignal?: AbortSignal,
): Promise<PipelineResponse> {
  const controller = new AbortController();
  const outerSignal = request.abortSignal;
  const forward = () => controller.abort();
  outerSignal?.addEventListener("abort", forward, { once: true });
  scanSignal?.addEventListener("abort", forward, { once: true });
  if (outerSignal?.aborted || scanSignal?.aborted) controller.abort();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  request.abortSignal = controller.signal;
  try {
    const response = await next(request);
    if (response.status < 300 && isJsonContent(response) && !parsesAsJson(response.bodyAsText)) {
      throw new RestError(`The response from ${new URL(request.url).pathname} was cut short (invalid JSON)`, {
        code: "ECONNRESET",
        request,
      });
    }
    return response;
  } catch (error) {
    if (timedOut && !outerSignal?.aborted && !scanSignal?.aborted) {
      throw new RestError(`No complete response within ${timeoutMs} ms from ${new URL(request.url).host}`, {
        code: "ETIMEDOUT",
        request,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    outerSignal?.removeEventListener("abort", forward);
    scanSignal?.removeEventListener("abort", forward);
    request.abortSignal = outerSignal;
  }
}

const RESOURCE_GRAPH_PATH = /^\/providers\/microsoft\.resourcegraph\//i;

export function armFamilyOf(url: string): GovernedApi {
  return RESOURCE_GRAPH_PATH.test(new URL(url).pathname) ? "resource-graph" : "arm";
}

/**
 * The last policy before the wire for every ARM and Resource Graph client of a scan (it runs after
 * signing, inside the SDK retry loop, so it sees every attempt): paces against the remaining-quota
 * headers, takes a concurrency slot, counts, and enforces the per-attempt deadline.
 */
export function armTransportPolicy(context: ScanHttpContext): PipelinePolicy {
  return {
    name: "atlasArmTransport",
    async sendRequest(request, next) {
      const api = armFamilyOf(request.url);
      const key = budgetKey(api, request.url);
      await context.governor.beforeRequest(key, context.signal);
      return context.slots.run(async () => {
        context.counter.count(api);
        const response = await sendWithDeadline(request, next, context.requestTimeoutMs, context.signal);
        context.governor.afterResponse(api, key, response.headers);
        if (response.status === 429) {
          context.counter.countThrottled(api);
          const wait = retryAfterMs(response.headers);
          if (wait !== undefined) context.governor.holdFor(key, wait);
        }
        return response;
      }, context.signal);
    },
  };
}

/**
 * Retries of a credential's own pipeline. More than the SDK's 3 because a 429 that outlasts them
 * reaches MSAL, which then refuses every request for that scope until Retry-After has passed — 60 s
 * when the answer gave none (msal-common ThrottlingUtils, DEFAULT_THROTTLE_TIME_SECONDS) — so a
 * throttled cluster token would fail its cluster rather than wait a moment.
 */
export const ENTRA_RETRY_OPTIONS = { maxRetries: 6 } as const;

/**
 * Policies for a credential's own pipeline (token requests): counted as `entra` and bounded by the
 * same per-attempt deadline as everything else, for the scan that is running when they are sent.
 */
export function entraPipelinePolicies(): AdditionalPolicyConfig[] {
  const policy: PipelinePolicy = {
    name: "atlasEntraTransport",
    async sendRequest(request, next) {
      const context = currentScanHttpContext();
      if (!context) return next(request);
      context.counter.count("entra");
      const response = await sendWithDeadline(request, next, context.requestTimeoutMs, context.signal);
      if (response.status === 429) context.counter.countThrottled("entra");
      return response;
    },
  };
  return [{ policy, position: "perRetry" }];
}

export type { ApiFamily };
