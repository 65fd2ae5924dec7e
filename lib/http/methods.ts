import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { patternMatches } from "@/lib/auth/route-policy";

/**
 * Which HTTP methods the app answers, so that any other method is a 405 with an `Allow` header rather than
 * a 500 or a misleading 403:
 *
 * - TRACE, TRACK and CONNECT cannot even become a fetch `Request` (the Fetch standard forbids them, and
 *   Next's adapter throws — that was the 500), so the custom server answers them before Next sees them
 *   (`answerUnsupportedMethod`, `answerConnect`). So does any method outside the seven we use.
 * - A standard method a route handler does not export (PUT on /api/scans) is refused by the proxy's guard
 *   with the route's own methods in `Allow` (`methodNotAllowed`).
 */

/** Every method some page or handler of the app answers. */
export const APP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/**
 * The methods each route handler (`app/**\/route.ts`) exports, by URL pattern (`*` = one dynamic segment).
 * The proxy cannot read the file tree at run time (a deployment ships the build, not app/), so the table is
 * kept here and tests/http-methods.test.ts fails when it differs from the files. A route missing from it
 * is not refused here (the policy table and Next still apply), so a new route never breaks by omission.
 */
export const ROUTE_HANDLER_METHODS: Readonly<Record<string, readonly string[]>> = {
  "/api/clusters": ["GET"],
  "/api/clusters/*": ["GET"],
  "/api/clusters/*/access": ["GET"],
  "/api/clusters/*/findings": ["GET"],
  "/api/cron/scan": ["POST"],
  "/api/drift": ["GET"],
  "/api/drift/object": ["GET"],
  "/api/findings": ["GET"],
  "/api/health": ["GET"],
  "/api/identities": ["GET"],
  "/api/principals": ["GET"],
  "/api/principals/*": ["GET"],
  "/api/principals/*/paths": ["GET"],
  "/api/reports": ["GET", "POST"],
  "/api/reports/*": ["GET"],
  "/api/reports/*/shares": ["GET", "POST"],
  "/api/scans": ["GET", "POST"],
  "/api/scans/*": ["GET"],
  "/api/search": ["GET"],
  "/api/settings": ["GET", "PATCH"],
  "/api/share/*": ["GET"],
  "/api/shares/*": ["DELETE"],
  "/auth/callback": ["GET"],
  "/auth/login": ["GET"],
  "/auth/sign-out": ["POST"],
  "/share/*": ["GET"],
};

/** What a route handler answers: its exports, HEAD wherever GET is (Next derives it), and OPTIONS (Next's own). */
function answeredBy(exported: readonly string[]): string[] {
  return APP_METHODS.filter(
    (method) =>
      exported.includes(method) || (method === "HEAD" && exported.includes("GET")) || method === "OPTIONS",
  );
}

/** The methods the route at `segments` (lower-cased, decoded) answers; undefined when it is not a known handler. */
export function allowedMethods(segments: readonly string[]): string[] | undefined {
  for (const [pattern, exported] of Object.entries(ROUTE_HANDLER_METHODS)) {
    if (patternMatches(pattern, segments)) return answeredBy(exported);
  }
  return undefined;
}

function isAppMethod(method: string): boolean {
  return (APP_METHODS as readonly string[]).includes(method);
}

/** `{ allow }` when `method` is not answered at `segments`; undefined when it may go on. */
export function methodNotAllowed(
  method: string,
  segments: readonly string[] | undefined,
): { allow: string } | undefined {
  const upper = method.toUpperCase();
  const allowed = segments ? allowedMethods(segments) : undefined;
  if (!isAppMethod(upper)) return { allow: (allowed ?? APP_METHODS).join(", ") };
  if (allowed && !allowed.includes(upper)) return { allow: allowed.join(", ") };
  return undefined;
}

function refusalBody(method: string): string {
  return JSON.stringify({
    error: {
      code: "method_not_allowed",
      message: `${method.slice(0, 32)} is not a method this app answers.`,
    },
  });
}

/**
 * For the custom server, before Next: answers a method the app never serves (TRACE, PROPFIND, …) with 405.
 * Returns true when it answered. Route-specific refusals are the proxy's (it knows the path's handlers).
 */
export function answerUnsupportedMethod(req: IncomingMessage, res: ServerResponse): boolean {
  const method = (req.method ?? "").toUpperCase();
  if (isAppMethod(method)) return false;
  const body = refusalBody(method);
  res.writeHead(405, {
    Allow: APP_METHODS.join(", "),
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  res.end(body);
  return true;
}

/**
 * `CONNECT` never reaches the request listener: Node hands it to the server's 'connect' event and, with no
 * listener, drops the connection without a word. Answer it like any other unsupported method.
 */
export function answerConnect(_req: IncomingMessage, socket: Duplex): void {
  const body = refusalBody("CONNECT");
  socket.end(
    `HTTP/1.1 405 Method Not Allowed\r\nAllow: ${APP_METHODS.join(", ")}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}
