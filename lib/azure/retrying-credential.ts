import { setTimeout as sleep } from "node:timers/promises";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import type { ScanHttpContext } from "@/lib/azure/scan-http-context";
import { backoffDelay, type RetryOptions } from "@/lib/azure/transient-retry";

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
          const refused = typeof status === "number" && status >= 400 && status < 500 && status !== 429;
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
