// Typed failures of report operations. Route handlers and the CLI map them to the one JSON error shape
// or a message; anything else is a bug, logged and never shown.

/** The request names something that does not exist (report, scan, share link). */
export class ReportNotFoundError extends Error {
  override name = "ReportNotFoundError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The request is well-formed but cannot be satisfied as asked (unknown cluster, too long an expiry). */
export class ReportInputError extends Error {
  override name = "ReportInputError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A stored report's content does not parse: a bug or a database from elsewhere, never the caller's fault. */
export class ReportContentError extends Error {
  override name = "ReportContentError";
}
