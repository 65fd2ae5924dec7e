import type { EmulatorContext } from "@/lib/emulator/context";
import {
  decodePageToken,
  type EmulatorRequest,
  type EmulatorResponse,
  encodePageToken,
  jsonResponse,
  queryValue,
} from "@/lib/emulator/http-kit";
import { type AccessTokenClaims, ARM_AUDIENCES, bearerToken } from "@/lib/emulator/tokens";

/** ARM's error envelope. */
export function armError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return jsonResponse(status, { error: { code, message } }, headers);
}

export type ArmCaller = { claims: AccessTokenClaims; principalId: string; description: string };

/** Validates the bearer token as ARM does (signature, issuer, audience, expiry) and names the caller. */
export async function authenticateArm(
  context: EmulatorContext,
  request: EmulatorRequest,
): Promise<ArmCaller | EmulatorResponse> {
  const token = bearerToken(request.headers.authorization);
  const verified = await context.tokens.verify(token, ARM_AUDIENCES);
  if (verified.ok) {
    const { claims } = verified;
    const entry = context.index.directory.get(claims.oid.toLowerCase());
    const who = entry?.userPrincipalName ?? claims.upn ?? claims.appid ?? claims.oid;
    return {
      claims,
      principalId: claims.oid,
      description: `The client '${who}' with object id '${claims.oid}'`,
    };
  }
  const challenge = (description: string) => ({
    "www-authenticate": `Bearer authorization_uri="${context.origin}/${context.tenantId}", error="invalid_token", error_description="${description}"`,
  });
  switch (verified.reason) {
    case "missing":
      return armError(
        401,
        "AuthenticationFailed",
        "Authentication failed. The 'Authorization' header is missing.",
        challenge("The authentication failed because of missing 'Authorization' header."),
      );
    case "expired":
      return armError(
        401,
        "ExpiredAuthenticationToken",
        "The access token expiry UTC time is earlier than current UTC time.",
        challenge("The access token has expired."),
      );
    case "audience":
      return armError(
        401,
        "InvalidAuthenticationTokenAudience",
        `The access token has been obtained for wrong audience or resource '${verified.audience}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
        challenge("The access token has been obtained for wrong audience or resource."),
      );
    case "issuer":
      return armError(
        401,
        "InvalidAuthenticationTokenTenant",
        `The access token is from the wrong issuer. It must match the tenant '${context.origin}/${context.tenantId}/v2.0' associated with this subscription.`,
        challenge("The access token is from the wrong issuer."),
      );
    default:
      return armError(
        401,
        "InvalidAuthenticationToken",
        "The access token is invalid.",
        challenge("The access token is invalid."),
      );
  }
}

export function authorizationFailed(caller: ArmCaller, action: string, scope: string): EmulatorResponse {
  return armError(
    403,
    "AuthorizationFailed",
    `${caller.description} does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

export function resourceNotFound(type: string, name: string, resourceGroup?: string): EmulatorResponse {
  return armError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${name}' under resource group '${resourceGroup ?? ""}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/**
 * Filtered list results are computed once per (caller, query) and paged from the cache: a
 * 100,000-assignment subscription is then one filter pass, not one per page.
 */
export class ListCache {
  private readonly entries = new Map<string, unknown[]>();

  constructor(private readonly capacity = 32) {}

  get<T>(key: string, compute: () => T[]): T[] {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit as T[];
    }
    const value = compute();
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return value;
  }
}

/** The request URL with `$skiptoken` replaced, on the emulator's own origin (SDKs follow nextLink verbatim). */
function nextLinkFor(context: EmulatorContext, request: EmulatorRequest, token: string): string {
  const pairs = request.url.search
    .replace(/^\?/, "")
    .split("&")
    .filter((pair) => pair && !/^(\$|%24)skiptoken=/i.test(pair));
  pairs.push(`$skiptoken=${token}`);
  return `${context.origin}${request.path}?${pairs.join("&")}`;
}

/** One page of `items` as ARM returns it: `{ value, nextLink? }`. */
export function armPage<T>(
  context: EmulatorContext,
  request: EmulatorRequest,
  items: readonly T[],
  fingerprint: string,
  serialize: (item: T) => unknown,
): EmulatorResponse {
  const offset = decodePageToken(queryValue(request.query, "$skiptoken"), fingerprint);
  if (offset === "invalid") return armError(400, "InvalidSkipToken", "The provided skip token is not valid.");
  const start = offset ?? 0;
  const topText = queryValue(request.query, "$top");
  const top = topText ? Number.parseInt(topText, 10) : Number.NaN;
  const pageSize = Number.isFinite(top) && top > 0 ? Math.min(top, context.pageSize) : context.pageSize;
  const page = items.slice(start, start + pageSize);
  const next = start + page.length;
  const body: Record<string, unknown> = { value: page.map(serialize) };
  if (next < items.length) body.nextLink = nextLinkFor(context, request, encodePageToken(next, fingerprint));
  return jsonResponse(200, body);
}
