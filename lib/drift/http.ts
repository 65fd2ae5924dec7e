// What the drift routes say when the drift itself fails (a bug, logged by handle()); their typed failures
// (DriftInputError 400, DriftNotFoundError 404) are AppErrors that handle() answers on its own.
export const DRIFT_INTERNAL_MESSAGE = "The drift could not be computed; the server log has the details.";
