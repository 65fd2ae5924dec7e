import { APP_ERROR_STATUS, AppError } from "@/lib/http/app-error";

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
