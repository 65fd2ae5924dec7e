import { jsonError } from "@/lib/http/errors";
import { DriftInputError, DriftNotFoundError } from "./scan-range";

/** Typed drift failures in the one JSON error shape; anything else is logged and hidden. */
export function driftFailure(error: unknown, what: string) {
  if (error instanceof DriftInputError) return jsonError(400, error.code, error.message);
  if (error instanceof DriftNotFoundError) return jsonError(404, error.code, error.message);
  console.error(`[atlas] ${what} failed`, error);
  return jsonError(500, "internal", "The drift could not be computed; the server log has the details.");
}
