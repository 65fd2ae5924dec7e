import {
  decodePageToken,
  type EmulatorRequest,
  type EmulatorResponse,
  encodePageToken,
  jsonResponse,
  queryValue,
} from "@/lib/emulator/http-kit";

/**
 * One page of a Microsoft Graph collection, as Graph pages it: `$top` (1–999, default 100; the emulator's
 * page size caps it), the rest behind `@odata.nextLink` with a `$skiptoken` bound to the collection
 * (`fingerprint`), and Graph's errors for a bad `$top` or a stale token
 * (learn.microsoft.com/graph/paging).
 */
export function graphCollectionPage<T = Record<string, unknown>>(
  request: EmulatorRequest,
  error: (status: number, code: string, message: string) => EmulatorResponse,
  collection: {
    items: readonly T[];
    fingerprint: string;
    context: string;
    /** the wire form of an item, made for the page's items only (default: the item itself) */
    serialize?: (item: T) => Record<string, unknown>;
  },
  service: { base: string; origin: string; pageSize: number },
): EmulatorResponse {
  const { items, fingerprint, context } = collection;
  const serialize = collection.serialize ?? ((item: T) => item as Record<string, unknown>);
  const offset = decodePageToken(queryValue(request.query, "$skiptoken"), fingerprint);
  if (offset === "invalid")
    return error(
      400,
      "Directory_ExpiredPageToken",
      "The specified page token value has expired and can no longer be included in your request.",
    );
  const topText = queryValue(request.query, "$top");
  const top = topText ? Number.parseInt(topText, 10) : 100;
  if (!Number.isFinite(top) || top < 1 || top > 999)
    return error(
      400,
      "Request_BadRequest",
      `Invalid page size specified: '${topText}'. Must be between 1 and 999 inclusive.`,
    );
  const start = offset ?? 0;
  const slice = items.slice(start, start + Math.min(top, service.pageSize));
  const body: Record<string, unknown> = {
    "@odata.context": `${service.base}/$metadata#${context}`,
    value: slice.map(serialize),
  };
  const next = start + slice.length;
  if (next < items.length) {
    const query = new URLSearchParams();
    for (const [key, value] of request.query)
      if (key.toLowerCase() !== "$skiptoken") query.append(key, value);
    query.set("$skiptoken", encodePageToken(next, fingerprint));
    body["@odata.nextLink"] =
      `${service.origin}${request.path}?${query.toString().replaceAll("%24", "$").replaceAll("%2C", ",")}`;
  }
  return jsonResponse(200, body);
}
