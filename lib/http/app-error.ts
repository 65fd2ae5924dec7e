// The one error vocabulary of the application layer. A use case throws an AppError for anything the
// caller can act on (bad input, something missing, a conflict, a service that is off); the route wrapper
// (`handle()`), the server-action wrapper (`handleAction()`), the pages and the CLI read `status` and
// `code` and nothing else. Anything that is not an AppError is a bug: logged, never shown.

/** The statuses an AppError may carry, by name: a closed set, so no handler invents its own. */
export const APP_ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type AppErrorKind = keyof typeof APP_ERROR_STATUS;
export type AppErrorStatus = (typeof APP_ERROR_STATUS)[AppErrorKind];

export class AppError extends Error {
  override name = "AppError";
  /**
   * `code` is the stable, documented machine-readable word of the JSON error body (`invalid_query`,
   * `scan_not_found`, …): pipelines branch on it, so it is a contract. `message` says what was wrong; a
   * 5xx error is logged with it, and answers with `publicMessage` when the message must stay in the log.
   */
  readonly publicMessage: string;
  constructor(
    readonly code: string,
    readonly status: AppErrorStatus,
    message: string,
    options: { publicMessage?: string } = {},
  ) {
    super(message);
    this.publicMessage = options.publicMessage ?? message;
  }
}

export function badRequestError(code: string, message: string): AppError {
  return new AppError(code, APP_ERROR_STATUS.bad_request, message);
}

export function notFoundError(code: string, message: string): AppError {
  return new AppError(code, APP_ERROR_STATUS.not_found, message);
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
