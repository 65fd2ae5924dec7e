import http from "node:http";
import https from "node:https";
import { EgressRefusedError, guardedLookup, type Resolver, resolveChecked } from "@/lib/net/egress-guard";
import { type AllowedHost, isAllowListed, webhookUrlProblem } from "@/lib/net/webhook-url-policy";

/**
 * A delivery that did not succeed; `retryable` says whether trying again later can help. The message is a
 * status code or a generic reason only — never text from the receiver: it is stored, shown in Settings and
 * the API, and kept in the job table, and the receiver's answer is not ours to show (SSRF read-back).
 */
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
  /** per attempt, name resolution included; a receiver that hangs must not hold a worker */
  timeoutMs?: number;
  /** ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS: hosts that may be reached over http and at private addresses */
  allowHttpHosts?: readonly AllowedHost[];
  /** name resolution (default: the system resolver); tests inject a rebinding one */
  resolve?: Resolver;
  /** CA certificates (PEM) to trust instead of the system's — tests; operators use NODE_EXTRA_CA_CERTS */
  ca?: string;
};

function retryAfter(header: string | undefined): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}

class DeliveryTimeout extends Error {}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO$)/;

/** A reason safe to store: the class of failure, never an error text that could carry remote content. */
function genericReason(error: unknown): string {
  if (error instanceof EgressRefusedError) return error.message;
  if (error instanceof DeliveryTimeout) return "timed out";
  const code = (error as NodeJS.ErrnoException | null)?.code ?? "";
  if (TLS_CODE.test(code)) return "TLS error";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME") return "host name not resolved";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ECONNRESET" || code === "EPIPE") return "connection reset";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "host unreachable";
  return "network error";
}

/**
 * POSTs one JSON payload. Resolves with the status on 2xx; throws WebhookDeliveryError otherwise — retryable
 * for network failures, timeouts, 408, 429 and 5xx (the queue retries those with backoff), permanent for a
 * refused destination, redirects (never followed: each hop would be a new destination) and other 4xx.
 */
export async function deliverWebhook(
  url: string,
  payload: unknown,
  options: DeliverOptions = {},
): Promise<number> {
  const allow = options.allowHttpHosts ?? [];
  // Checked again at delivery: a URL stored before these rules, or an environment value, may break them.
  const problem = webhookUrlProblem(url, allow);
  if (problem) throw new WebhookDeliveryError(problem, false, null);
  const target = new URL(url);
  const policy = { allowPrivate: isAllowListed(target, allow), resolve: options.resolve };
  const body = JSON.stringify(payload);

  let request: http.ClientRequest | null = null;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const timeout = new DeliveryTimeout();
      request?.destroy(timeout);
      reject(timeout);
    }, options.timeoutMs ?? 15_000);
  });
  let answer: { status: number; retryAfter: string | undefined };
  try {
    // A first check gives a precise refusal before any socket exists; the socket's own lookup checks again,
    // and that second check is the one DNS rebinding cannot get past.
    await Promise.race([resolveChecked(target.hostname, policy), deadline]);
    answer = await Promise.race([
      new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
        const send = target.protocol === "https:" ? https.request : http.request;
        request = send(
          target,
          {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "content-length": Buffer.byteLength(body),
              "user-agent": "aks-identity-atlas",
            },
            // No shared agent: a pooled socket would skip the lookup of a later delivery.
            agent: false,
            lookup: guardedLookup(policy),
            ...(options.ca ? { ca: options.ca } : {}),
          },
          (response) => {
            // The body is never read: the status is all we keep, and a receiver streaming an endless answer
            // must not hold the socket.
            response.on("error", () => {});
            response.destroy();
            resolve({ status: response.statusCode ?? 0, retryAfter: response.headers["retry-after"] });
          },
        );
        request.on("error", reject);
        request.end(body);
      }),
      deadline,
    ]);
  } catch (error) {
    throw new WebhookDeliveryError(genericReason(error), !(error instanceof EgressRefusedError), null);
  } finally {
    clearTimeout(timer);
  }
  const { status } = answer;
  if (status >= 200 && status < 300) return status;
  if (status >= 300 && status < 400) {
    throw new WebhookDeliveryError(`HTTP ${status} from webhook (redirects are not followed)`, false, status);
  }
  const retryable = status === 408 || status === 429 || status >= 500;
  throw new WebhookDeliveryError(
    `HTTP ${status} from webhook`,
    retryable,
    status,
    retryAfter(answer.retryAfter),
  );
}
