import { APP_ERROR_STATUS, AppError } from "@/lib/http/app-error";

// Typed failures of report operations, in the one error vocabulary (AppError): handle() answers them in
// the one JSON error shape, the CLI prints their message; anything else is a bug, logged and never shown.

/** The request names something that does not exist (report, scan, share link). */
export class ReportNotFoundError extends AppError {
  override name = "ReportNotFoundError";
  constructor(code: string, message: string) {
    super(code, APP_ERROR_STATUS.not_found, message);
  }
}

/** The request is well-formed but cannot be satisfied as asked (unknown cluster, too long an expiry). */
export class ReportInputError extends AppError {
  override name = "ReportInputError";
  constructor(code: string, message: string) {
    super(code, APP_ERROR_STATUS.bad_request, message);
  }
}

/** A stored report's content does not parse: a bug or a database from elsewhere, never the caller's fault. */
export class ReportContentError extends AppError {
  override name = "ReportContentError";
  constructor(message: string) {
    // the parser's words stay in the server log (and the CLI's message); callers of the API get a sentence
    super("report_unreadable", APP_ERROR_STATUS.internal, message, {
      publicMessage: "The stored report cannot be read by this version of the product.",
    });
  }
}
