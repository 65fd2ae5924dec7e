// Typed failures of the query layer. Route handlers map them to the one JSON error shape and pages
// to notFound(); anything else is a bug and is logged, never shown.

export class NotFoundError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "NotFoundError";
    this.code = code;
  }
}

export class InvalidInputError extends Error {
  readonly code = "invalid_input";
  constructor(message: string) {
    super(message);
    this.name = "InvalidInputError";
  }
}
