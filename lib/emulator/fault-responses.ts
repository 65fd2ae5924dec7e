import { randomUUID } from "node:crypto";
import { armError } from "@/lib/emulator/arm/common";
import type { EndpointFamily } from "@/lib/emulator/endpoint-family";
import { entraError } from "@/lib/emulator/entra";
import { type EmulatorResponse, jsonResponse } from "@/lib/emulator/http-kit";
import { kubernetesStatus } from "@/lib/emulator/kubernetes/api-server";

/** The 429 each service really sends, so clients' retry logic is exercised as against Azure. */
export function throttledResponse(family: EndpointFamily, retryAfterSeconds: number): EmulatorResponse {
  const retryAfter = String(retryAfterSeconds);
  switch (family) {
    case "arm":
      return armError(
        429,
        "SubscriptionRequestsThrottled",
        `Number of 'read' requests for subscription exceeded. Please try again after '${retryAfter}' seconds after the last request. Please see https://aka.ms/ARMThrottling for more information.`,
        { "retry-after": retryAfter, "x-ms-ratelimit-remaining-subscription-reads": "0" },
      );
    case "resource-graph":
      return armError(
        429,
        "RateLimiting",
        "Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.",
        {
          "retry-after": retryAfter,
          "x-ms-user-quota-remaining": "0",
          "x-ms-user-quota-resets-after": `00:00:${retryAfter.padStart(2, "0")}`,
          "x-ms-ratelimit-remaining-subscription-reads": "0",
        },
      );
    case "graph":
      return jsonResponse(
        429,
        {
          error: {
            code: "TooManyRequests",
            message: "Too many requests, please retry after the time given in the Retry-After header.",
            innerError: {
              date: new Date().toISOString(),
              "request-id": randomUUID(),
              "client-request-id": randomUUID(),
            },
          },
        },
        { "retry-after": retryAfter },
      );
    case "entra": {
      const response = entraError(
        429,
        "temporarily_unavailable",
        90055,
        "TenantThrottlingError: There are too many incoming requests.",
      );
      response.headers["retry-after"] = retryAfter;
      return response;
    }
    case "kubernetes":
      return kubernetesStatus(
        429,
        "TooManyRequests",
        "Too many requests, please try again later.",
        { retryAfterSeconds: retryAfterSeconds },
        { "retry-after": retryAfter },
      );
  }
}

export function serverErrorResponse(family: EndpointFamily, status: 500 | 503): EmulatorResponse {
  const unavailable = status === 503;
  switch (family) {
    case "arm":
    case "resource-graph":
      return unavailable
        ? armError(503, "ServiceUnavailable", "The service is currently unavailable. Please try again later.")
        : armError(
            500,
            "InternalServerError",
            `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', correlation id '${randomUUID()}'.`,
          );
    case "graph":
      return jsonResponse(status, {
        error: {
          code: unavailable ? "serviceNotAvailable" : "generalException",
          message: unavailable ? "Service unavailable." : "An internal server error occurred.",
          innerError: {
            date: new Date().toISOString(),
            "request-id": randomUUID(),
            "client-request-id": randomUUID(),
          },
        },
      });
    case "entra":
      return entraError(
        status,
        unavailable ? "temporarily_unavailable" : "server_error",
        unavailable ? 90033 : 90100,
        "A transient error has occurred. Please try again.",
      );
    case "kubernetes":
      return unavailable
        ? kubernetesStatus(503, "ServiceUnavailable", "the server is currently unable to handle the request")
        : kubernetesStatus(
            500,
            "InternalError",
            'an error on the server ("") has prevented the request from succeeding',
          );
  }
}
