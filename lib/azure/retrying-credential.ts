import { setTimeout as sleep } from "node:timers/promises";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import type { AdditionalPolicyConfig } from "@azure/core-client";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { ScanHttpContext } from "@/lib/azure/scan-http-context";
import { backoffDelay, type RetryOptions } from "@/lib/net/transient-retry";

/** Default bound on getting one token, overridable with ATLAS_TOKEN_TIMEOUT_SECONDS. */
export const DEFAULT_TOKEN_TIMEOUT_MS = 30_000;

/** A token request that did not finish in time: named after the authority, never retried. */
export class TokenTimeoutError extends Error {
  override name = "TokenTimeoutError";
  constructor(
    readonly authority: string,
    readonly timeoutMs: number,
  ) {
    super(
      `could not get a token from ${authority} within ${timeoutMs / 1000} s: no answer from the authority ` +
        "(check AZURE_AUTHORITY_HOST, that the host is reachable from here, and ATLAS_CA_FILE for a private CA; " +
        "ATLAS_TOKEN_TIMEOUT_SECONDS changes the limit)",
    );
  }
}

/**
 * Bounds every token request of `credential` (the same instance is returned, its getToken replaced, so it
 * stays the SDK class callers and tests know). MSAL can otherwise wait without end and without a word —
 * instance discovery against an unreachable host, a hanging DNS resolver — and a scan then sits at
 * "collecting 0/1". The request is aborted and the caller gets a TokenTimeoutError instead.
 */
export function withTokenTimeout<T extends TokenCredential>(
  credential: T,
  authority: string,
  timeoutMs: number,
  /** called when a request times out: the credential's HTTP requests in flight are abandoned there */
  onTimeout?: () => void,
): T {
  const getToken = credential.getToken.bind(credential);
  credential.getToken = async (scopes: string | string[], tokenOptions?: GetTokenOptions) => {
    const controller = new AbortController();
    const outer = tokenOptions?.abortSignal;
    const forward = () => controller.abort();
    if (outer?.aborted) forward();
    outer?.addEventListener("abort", forward);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        onTimeout?.();
        reject(new TokenTimeoutError(authority, timeoutMs));
      }, timeoutMs);
    });
    try {
      return await Promise.race([
        getToken(scopes, { ...tokenOptions, abortSignal: controller.signal }),
        timedOut,
      ]);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener("abort", forward);
    }
  };
  return credential;
}

/**
 * A pipeline policy for a credential's own HTTP client that can abandon every request it has in flight.
 * @azure/identity does not pass a getToken abort signal on to MSAL's client-credentials request, so
 * without it a timed-out request keeps its socket (and the process) alive, and its retries go on.
 * "perCall" wraps the retry loop: an aborted request is not retried.
 */
export function abandonableRequests(): { policy: AdditionalPolicyConfig; abandonAll(): void } {
  const inFlight = new Set<AbortController>();
  const policy: PipelinePolicy = {
    name: "atlasAbandonableTokenRequests",
    async sendRequest(request, next) {
      const controller = new AbortController();
      const outer = request.abortSignal;
      const forward = () => controller.abort();
      if (outer?.aborted) forward();
      outer?.addEventListener("abort", forward);
      inFlight.add(controller);
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } finally {
        inFlight.delete(controller);
        outer?.removeEventListener("abort", forward);
        request.abortSignal = outer;
      }
    },
  };
  return {
    policy: { policy, position: "perCall" },
    abandonAll: () => {
      for (const controller of inFlight) controller.abort();
    },
  };
}

/**
 * A credential that tries again when a token request fails for a reason that may pass: the
 * credential's own pipeline retries single HTTP failures, but MSAL gives up on a whole flow
 * (authority discovery, then the token) when throttling or a 5xx outlasts those. Refusals
 * (a wrong secret, a missing consent: 4xx other than 429) are not retried.
 */
export function withTokenRetries(credential: TokenCredential, http: ScanHttpContext): TokenCredential {
  const options: RetryOptions = {
    maxRetries: http.maxRetries,
    baseDelayMs: http.retryDelayMs,
    maxDelayMs: http.maxRetryDelayMs,
  };
  return {
    async getToken(scopes: string | string[], tokenOptions?: GetTokenOptions): Promise<AccessToken | null> {
      for (let attempt = 0; ; attempt++) {
        try {
          return await credential.getToken(scopes, tokenOptions);
        } catch (error) {
          const status = (error as { statusCode?: unknown }).statusCode;
          const refused =
            (typeof status === "number" && status >= 400 && status < 500 && status !== 429) ||
            // A whole timed-out flow again would only multiply the wait before the same answer.
            error instanceof TokenTimeoutError;
          const aborted = tokenOptions?.abortSignal?.aborted || http.signal?.aborted;
          if (refused || aborted || attempt >= options.maxRetries) throw error;
          const signals = [tokenOptions?.abortSignal, http.signal].filter(
            (signal): signal is AbortSignal => signal !== undefined,
          );
          await sleep(
            backoffDelay(attempt, options),
            undefined,
            signals.length > 0 ? { signal: AbortSignal.any(signals) } : undefined,
          );
        }
      }
    },
  };
}
