import { isWireObject } from "@/lib/model/wire-reader";
import { networkErrorCode } from "@/lib/net/transient-retry";

// One short, stable description of whatever an SDK threw, for the scan's error list and coverage
// reasons: the service's own error code when it sent one (AuthorizationFailed, Request_ResourceNotFound,
// Forbidden), else the HTTP status or the network error code.

export type SourceError = { source: string; code: string; message: string };

export type ErrorDescription = { code: string; message: string; status?: number };

function statusOf(error: object): number | undefined {
  for (const key of ["statusCode", "status", "code"]) {
    const value = (error as Record<string, unknown>)[key];
    if (typeof value === "number" && value >= 100 && value < 600) return value;
  }
  return undefined;
}

/** A Kubernetes ApiException carries the Status object as a JSON string (or parsed) in `body`. */
function kubernetesStatus(body: unknown): { reason?: string; message?: string } | undefined {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!isWireObject(value) || value.kind !== "Status") return undefined;
  return {
    ...(typeof value.reason === "string" ? { reason: value.reason } : {}),
    ...(typeof value.message === "string" ? { message: value.message } : {}),
  };
}

export function describeError(error: unknown): ErrorDescription {
  if (!(error instanceof Error) && !isWireObject(error)) return { code: "Unknown", message: String(error) };
  const object = error as Record<string, unknown> & object;
  const status = statusOf(object);
  const k8s = kubernetesStatus(object.body);
  const rawCode = typeof object.code === "string" && object.code !== "" ? object.code : undefined;
  const name = typeof object.name === "string" ? object.name : undefined;
  const network = networkErrorCode(error);
  const code =
    k8s?.reason ??
    network ??
    rawCode ??
    (name === "AbortError" || name === "TimeoutError" ? name : undefined) ??
    (status !== undefined ? `HTTP${status}` : (name ?? "Error"));
  let rawMessage = k8s?.message ?? (typeof object.message === "string" ? object.message : String(error));
  const cause = object.cause;
  // fetch says only "fetch failed"; the socket error that caused it says what happened.
  if (network && cause instanceof Error && !rawMessage.includes(cause.message))
    rawMessage = `${rawMessage}: ${cause.message}`;
  // SDK messages can embed whole response bodies; the first line says what happened.
  const message = rawMessage.split("\n")[0]?.slice(0, 500) ?? "";
  return { code, message, ...(status !== undefined ? { status } : {}) };
}

export function isNotFound(error: unknown): boolean {
  return describeError(error).status === 404;
}
