import { APP_ERROR_STATUS, AppError } from "@/lib/http/app-error";
import { CONTROL_CHARACTER_MESSAGE, hasControlCharacter } from "@/lib/http/safe-text";
import { principalIdFromParam } from "@/lib/queries/cluster-slug";

// Typed failures of the query layer, in the one error vocabulary (AppError): handle() answers them in
// the one JSON error shape and pages turn them into notFound(); anything else is a bug, logged, never shown.

export class NotFoundError extends AppError {
  override name = "NotFoundError";
  constructor(code: string, message: string) {
    super(code, APP_ERROR_STATUS.not_found, message);
  }
}

export class InvalidInputError extends AppError {
  override name = "InvalidInputError";
  constructor(message: string) {
    super("invalid_input", APP_ERROR_STATUS.bad_request, message);
  }
}

/**
 * A principal id (or UPN) taken from a URL segment, decoded and checked: 1 to 500 characters and no
 * control character — PostgreSQL text cannot hold NUL (error 22021), so `%00` must be refused as bad
 * input before any query, not surface as a 500 (tests/api-fuzz.int.test.ts).
 */
export function principalIdParam(param: string): string {
  const id = principalIdFromParam(param);
  if (!id || id.length > 500) throw new InvalidInputError("principal id must be 1 to 500 characters");
  if (hasControlCharacter(id)) throw new InvalidInputError(`principal id ${CONTROL_CHARACTER_MESSAGE}`);
  return id;
}
