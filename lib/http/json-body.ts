import { APP_ERROR_STATUS, AppError, badRequestError } from "./app-error";

/**
 * The one JSON body reader of the product's API. Every request body our handlers accept is a few hundred
 * bytes of settings or options, so anything over MAX_JSON_BODY_BYTES is refused with 413 before it is parsed.
 *
 * Why the limit sits far below 10 MB: Next buffers a request body for the proxy and hands the handler only
 * the first 10 MB (`proxyClientMaxBodySize`), silently. A body cut there used to reach JSON.parse and come
 * back as `invalid_json`; with the limit below the cut, a cut body is always over the limit and answered 413.
 */

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

function tooLarge(limit: number): AppError {
  return new AppError(
    "payload_too_large",
    APP_ERROR_STATUS.payload_too_large,
    `The request body is larger than ${limit} bytes; JSON bodies of this API are small.`,
  );
}

/** Reads the body as UTF-8 text, stopping (without buffering the rest) as soon as it passes `limit` bytes. */
async function readLimited(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8").decode(Buffer.concat(chunks));
}

/**
 * A JSON request body: `{}` when empty; throws an AppError — 400 `invalid_json` when it is not JSON, 413
 * `payload_too_large` over the limit (by Content-Length up front, or by counting when the length is not
 * declared) — which `handle()` answers in the one error shape.
 */
export async function readJsonBody(request: Request, limit: number = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  let text: string | null;
  try {
    text = await readLimited(request, limit);
  } catch {
    throw badRequestError("invalid_body", "The request body could not be read.");
  }
  if (text === null) throw tooLarge(limit);
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequestError("invalid_json", "The request body is not valid JSON.");
  }
}
