import { type NextRequest, NextResponse } from "next/server";
import type { z } from "zod";
import { AppError, badRequestError } from "./app-error";
import { jsonError } from "./errors";
import { issuesMessage } from "./params";

// The one wrapper of every route handler: it awaits the route's params, runs the handler, and maps
// whatever the handler throws to the one JSON error shape. An AppError answers with its own status, code
// and message; anything else is a bug, logged with the request line and answered 500 without details.

type RouteContext<P> = { params: Promise<P> };

const INTERNAL_MESSAGE = "The request could not be answered; the server log has the details.";

export type HandleOptions = {
  /** The 500 message for unexpected failures, when the route words it for its own resource. */
  internalMessage?: string;
};

/** The answer to a failure: the AppError's own, or a logged, detail-free 500. */
export function errorResponse(error: unknown, what: string, options: HandleOptions = {}): NextResponse {
  if (error instanceof AppError) {
    if (error.status >= 500) console.error(`[atlas] ${what}: ${error.message}`);
    return jsonError(error.status, error.code, error.publicMessage);
  }
  console.error(`[atlas] ${what} failed`, error);
  return jsonError(500, "internal", options.internalMessage ?? INTERNAL_MESSAGE);
}

export function handle<P = Record<string, never>>(
  run: (request: NextRequest, params: P) => Promise<Response>,
  options: HandleOptions = {},
): (request: NextRequest, context?: RouteContext<P>) => Promise<Response> {
  // `context` is optional because a route without dynamic segments is called with the request alone
  // (by its tests; Next passes an empty params object).
  return async (request, context) => {
    try {
      return await run(request, ((await context?.params) ?? {}) as P);
    } catch (error) {
      return errorResponse(error, `${request.method} ${request.nextUrl.pathname}`, options);
    }
  };
}

/** `value` parsed by `schema`, or a 400 with `code` that names each problem. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: string,
  prefix = "",
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequestError(code, `${prefix}${issuesMessage(parsed.error)}`);
  return parsed.data;
}

/** A JSON answer (a shorthand, so handlers read as what they answer). */
export function json(body: unknown, init?: ResponseInit): NextResponse {
  return NextResponse.json(body, init);
}
