import type { IncomingHttpHeaders } from "node:http";

/** A request as the emulator's handlers see it: body already read, path normalized. */
export type EmulatorRequest = {
  method: string;
  /** The full URL on the emulator's origin. */
  url: URL;
  /** Path with duplicate slashes collapsed (SDKs produce `//subscriptions/...` from scope arguments). */
  path: string;
  /** Decoded path segments. */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Every value of each header, unjoined (repeated `Impersonate-Group` headers stay separate). */
  headersDistinct?: Partial<Record<string, string[]>>;
  body: Buffer;
};

export type EmulatorResponse = {
  status: number;
  headers: Record<string, string>;
  body: string;
};

/** A handler may also ask for the connection to be reset, as an unreachable API server would. */
export type HandlerResult = EmulatorResponse | { resetConnection: true };

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return { status, headers: { "content-type": JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(value) };
}

export function textResponse(
  status: number,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return { status, headers: { "content-type": contentType, ...headers }, body };
}

export function redirectResponse(location: string): EmulatorResponse {
  return { status: 302, headers: { location, "content-type": "text/plain; charset=utf-8" }, body: "" };
}

export function isResetResult(result: HandlerResult): result is { resetConnection: true } {
  return "resetConnection" in result;
}

/** Query parameters are matched case-insensitively, as ARM does (`$skipToken`, `$skiptoken`). */
export function queryValue(query: URLSearchParams, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of query) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export function readJsonBody(request: EmulatorRequest): unknown {
  if (request.body.length === 0) return undefined;
  try {
    return JSON.parse(request.body.toString("utf8"));
  } catch {
    return Symbol.for("invalid-json");
  }
}

export function isInvalidJson(value: unknown): boolean {
  return value === Symbol.for("invalid-json");
}

/** Opaque page tokens: the offset, plus a fingerprint of the query so a token cannot be replayed elsewhere. */
export function encodePageToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint })).toString("base64url");
}

export function decodePageToken(
  token: string | undefined,
  fingerprint: string,
): number | undefined | "invalid" {
  if (token === undefined || token === "") return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "o" in parsed &&
      "f" in parsed &&
      typeof parsed.o === "number" &&
      Number.isInteger(parsed.o) &&
      parsed.o >= 0 &&
      parsed.f === fingerprint
    ) {
      return parsed.o;
    }
  } catch {
    // fall through
  }
  return "invalid";
}
