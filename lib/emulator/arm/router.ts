import { randomUUID } from "node:crypto";
import { checkApiVersion } from "@/lib/emulator/arm/api-versions";
import type { ArmRequest, ArmResult } from "@/lib/emulator/arm/arm-request";
import { handleAuthorization } from "@/lib/emulator/arm/authorization";
import { armError, authenticateArm, ListCache } from "@/lib/emulator/arm/common";
import { handleIdentities } from "@/lib/emulator/arm/identities";
import { handleManagedClusters } from "@/lib/emulator/arm/managed-clusters";
import { handleTenantResources } from "@/lib/emulator/arm/tenant-resources";
import { armReadBucket, armWriteBucket } from "@/lib/emulator/arm/token-bucket";
import type { EmulatorContext } from "@/lib/emulator/context";
import type { EmulatorRequest, EmulatorResponse } from "@/lib/emulator/http-kit";

/** What every old-model ARM response reports when the token bucket is off: plenty left. */
const UNTHROTTLED_REMAINING = "11999";

const handlers = [handleAuthorization, handleManagedClusters, handleIdentities, handleTenantResources];

function operationType(method: string): "reads" | "writes" | "deletes" {
  if (method === "GET" || method === "HEAD") return "reads";
  return method === "DELETE" ? "deletes" : "writes";
}

/** Azure Resource Manager: authentication, the token bucket, routing, and ARM's response headers. */
export class ArmEndpoints {
  private readonly listCache = new ListCache();

  constructor(private readonly context: EmulatorContext) {}

  async handle(request: EmulatorRequest): Promise<ArmResult> {
    const result = await this.dispatch(request);
    const headers = result.response.headers;
    headers["x-ms-request-id"] ??= randomUUID();
    headers["x-ms-correlation-request-id"] ??= randomUUID();
    headers["x-ms-ratelimit-remaining-subscription-reads"] ??= UNTHROTTLED_REMAINING;
    return result;
  }

  private async dispatch(request: EmulatorRequest): Promise<ArmResult> {
    const caller = await authenticateArm(this.context, request);
    if ("status" in caller) return { route: "unauthenticated", response: caller };
    const segments = request.segments;
    const lower = segments.map((segment) => segment.toLowerCase());
    const badVersion = checkApiVersion(request.query, lower);
    if (badVersion) return { route: "invalid-api-version", response: badVersion };

    const bucket = this.takeToken(request, lower, caller.principalId);
    if ("response" in bucket) return { route: "throttled", response: bucket.response };

    const arm: ArmRequest = {
      context: this.context,
      request,
      caller,
      segments,
      lower,
      listCache: this.listCache,
    };
    for (const handler of handlers) {
      const result = handler(arm);
      if (result) {
        if (bucket.remaining !== undefined) {
          result.response.headers[`x-ms-ratelimit-remaining-subscription-${operationType(request.method)}`] =
            String(bucket.remaining);
        }
        return result;
      }
    }
    if (!["GET", "POST"].includes(request.method)) {
      return {
        route: "method-not-allowed",
        response: armError(
          405,
          "MethodNotAllowed",
          `The emulator is read-only: ${request.method} ${request.path} is not supported.`,
        ),
      };
    }
    return {
      route: "not-found",
      response: armError(404, "NotFound", `The emulator does not serve ${request.method} ${request.path}.`),
    };
  }

  /** The realistic ARM token bucket per (subscription or tenant, principal, operation type). */
  private takeToken(
    request: EmulatorRequest,
    lower: string[],
    principalId: string,
  ): { response: EmulatorResponse } | { remaining?: number } {
    const buckets = this.context.armBuckets;
    if (!buckets) return {};
    const type = operationType(request.method);
    const subscriptionId = lower[0] === "subscriptions" && lower[1] ? lower[1] : undefined;
    const scope = subscriptionId ? `subscription:${subscriptionId}` : "tenant";
    const settings = type === "reads" ? armReadBucket : armWriteBucket;
    const taken = buckets.take(`${scope}|${principalId.toLowerCase()}|${type}`, settings);
    if (taken.allowed) return { remaining: taken.remaining };
    const remainingHeader = subscriptionId
      ? `x-ms-ratelimit-remaining-subscription-${type}`
      : `x-ms-ratelimit-remaining-tenant-${type}`;
    const operation = type.slice(0, -1);
    return {
      response: armError(
        429,
        "SubscriptionRequestsThrottled",
        `Number of '${operation}' requests for subscription '${subscriptionId ?? this.context.tenantId}' actor '${principalId}' exceeded. Please try again after '${taken.retryAfterSeconds}' seconds after the last request. Please see https://aka.ms/ARMThrottling for more information.`,
        {
          "retry-after": String(taken.retryAfterSeconds),
          [remainingHeader]: "0",
          "x-ms-ratelimit-remaining-subscription-reads": "0",
        },
      ),
    };
  }
}
