/** A delivery that did not succeed; `retryable` says whether trying again later can help. */
export class WebhookDeliveryError extends Error {
  override name = "WebhookDeliveryError";
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status: number | null,
    /** seconds the receiver asked us to wait (Retry-After), when it said */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export type DeliverOptions = {
  /** per attempt; a receiver that hangs must not hold a worker */
  timeoutMs?: number;
  fetch?: typeof fetch;
};

function retryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}

/**
 * POSTs one JSON payload. Resolves on 2xx; throws WebhookDeliveryError otherwise — retryable for network
 * failures, timeouts, 408, 429 and 5xx (the queue retries those with backoff), permanent for other 4xx
 * (a wrong URL or a rejected payload does not get better by repeating it).
 */
export async function deliverWebhook(
  url: string,
  payload: unknown,
  options: DeliverOptions = {},
): Promise<number> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "aks-identity-atlas" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      redirect: "error",
    });
  } catch (error) {
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    throw new WebhookDeliveryError(`The webhook could not be reached: ${reason}`, true, null);
  }
  // Drain the body so the connection can be reused; receivers answer with a short "ok" or an error text.
  const body = (await response.text().catch(() => "")).slice(0, 300);
  if (response.ok) return response.status;
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  throw new WebhookDeliveryError(
    `The webhook answered ${response.status}${body ? `: ${body}` : ""}`,
    retryable,
    response.status,
    retryAfter(response.headers.get("retry-after")),
  );
}
