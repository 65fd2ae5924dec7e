import { setTimeout as sleep } from "node:timers/promises";

// Retries for the transports the Azure SDK retry policy does not cover (Microsoft Graph's fetch
// middleware, the Kubernetes client's HTTP library): 429 and 5xx, timeouts, resets and truncated
// bodies, with exponential backoff and full jitter, honouring Retry-After.

export type RetryOptions = {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  signal?: AbortSignal;
  /** Injected in tests; Math.random otherwise. */
  random?: () => number;
};

export const DEFAULT_RETRY_OPTIONS: RetryOptions = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Longest Retry-After the scanner honours; beyond it the request fails and the source is partial. */
export const MAX_RETRY_AFTER_MS = 120_000;

export type Verdict = { retry: false } | { retry: true; afterMs?: number };

/** Retry-After in seconds or as an HTTP date; `retry-after-ms` wins when present. */
export function retryAfterMs(
  headers: { get(name: string): string | null | undefined },
  now = Date.now(),
): number | undefined {
  const milliseconds = Number(
    headers.get("retry-after-ms") ?? headers.get("x-ms-retry-after-ms") ?? Number.NaN,
  );
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const text = headers.get("retry-after") ?? undefined;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

export function backoffDelay(attempt: number, options: RetryOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  // "Full jitter" between half and all of the ceiling: retries of many callers spread out.
  return Math.round(ceiling * (0.5 + (options.random ?? Math.random)() / 2));
}

/** Status codes worth another attempt: throttling, timeouts and server errors (not 501/505). */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

const TRANSIENT_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "TRUNCATED_BODY",
]);

/** The error code of a network failure, looking through `cause` (fetch wraps socket errors). */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT_ERROR_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** An error that carries a transport-level code (ETIMEDOUT, TRUNCATED_BODY) for retry decisions. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

/**
 * Runs `attempt` until `judge` says the outcome is final or the retries run out. A thrown error is
 * retried when it is a network failure; the last outcome (a response or an error) is returned or thrown.
 */
export async function retryTransient<T>(
  attempt: (attemptIndex: number) => Promise<T>,
  judge: (value: T) => Verdict,
  options: RetryOptions,
): Promise<T> {
  for (let index = 0; ; index++) {
    let verdict: Verdict;
    let value: T | undefined;
    let failure: unknown;
    try {
      value = await attempt(index);
      verdict = judge(value);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      failure = error;
      verdict = networkErrorCode(error) ? { retry: true } : { retry: false };
    }
    const retryable = verdict.retry && index < options.maxRetries;
    if (!retryable) {
      if (failure !== undefined) throw failure;
      return value as T;
    }
    const requested = verdict.retry ? verdict.afterMs : undefined;
    if (requested !== undefined && requested > MAX_RETRY_AFTER_MS) {
      if (failure !== undefined) throw failure;
      return value as T;
    }
    const delay = requested ?? backoffDelay(index, options);
    await sleep(delay, undefined, options.signal ? { signal: options.signal } : undefined);
  }
}
