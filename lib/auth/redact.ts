/**
 * Log hygiene: the server's logs never carry bearer tokens, JWTs, cookies, client secrets, codes or
 * kubeconfig credentials. redact() takes anything console.* may be given — strings, errors, objects — and
 * returns a copy with those values replaced by "[REDACTED]". installRedactingConsole() routes the server
 * process's console through it (lib/server/start.ts).
 */

export const REDACTED = "[REDACTED]";

const SENSITIVE_KEY_PARTS = [
  "token",
  "secret",
  "password",
  "passwd",
  "cookie",
  "authorization",
  "credential",
  "kubeconfig",
  "assertion",
  "verifier",
  "privatekey",
  "apikey",
  "clientkeydata",
  "clientcertificatedata",
];

/** Keys whose values are redacted whole, in any spelling (accessToken, client_secret, Set-Cookie…). */
function isSensitiveKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[-_.\s]/g, "");
  return normalized === "session" || SENSITIVE_KEY_PARTS.some((part) => normalized.includes(part));
}

const TEXT_RULES: [RegExp, string | ((substring: string, ...groups: string[]) => string)][] = [
  // A kubeconfig (or any YAML) line carrying key material or a token.
  [
    /^(\s*(?:-\s+)?(?:client-key-data|client-certificate-data|token|password|id-token|refresh-token|access-token|client-secret)\s*:\s*).+$/gim,
    (_m, prefix) => `${prefix}${REDACTED}`,
  ],
  // PEM blocks (private keys, certificates).
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g, REDACTED],
  // HTTP credentials in headers and header dumps.
  [
    /\b(authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)(bearer|basic|negotiate|pop)\s+[^\s"',;]+/gi,
    (_m, name, sep, scheme) => `${name}${sep}${scheme} ${REDACTED}`,
  ],
  [/\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, (_m, scheme) => `${scheme} ${REDACTED}`],
  [/\b((?:set-)?cookie)(["']?\s*[:=]\s*["']?)[^\r\n"']+/gi, (_m, name, sep) => `${name}${sep}${REDACTED}`],
  // JWTs anywhere (id tokens, access tokens, client assertions).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // OAuth parameters in query strings and form bodies, and JSON fields with sensitive names.
  [
    /([?&;\s]|^)(code|client_secret|client_assertion|refresh_token|access_token|id_token|code_verifier|password|session_state|token)=([^&\s"']+)/gi,
    (_m, lead, name) => `${lead}${name}=${REDACTED}`,
  ],
  [
    /("(?:[a-z_-]*(?:token|secret|password|assertion|verifier|cookie|authorization|client-key-data|client-certificate-data)[a-z_-]*)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    (_m, prefix) => `${prefix}"${REDACTED}"`,
  ],
];

export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of TEXT_RULES) {
    result = result.replace(pattern, replacement as (substring: string, ...args: string[]) => string);
  }
  return result;
}

function redactValue(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]";
  if (depth > 8) return "[…]";
  seen.add(value);
  if (value instanceof Error) {
    // Same prototype (so the class name and `instanceof` survive), redacted message and stack, and the
    // error's own fields (Prisma's `code`, an HTTP client's `response`…) redacted like any object.
    const copy = Object.create(Object.getPrototypeOf(value)) as Error;
    const hidden = (name: string, field: unknown) =>
      Object.defineProperty(copy, name, {
        value: field,
        enumerable: false,
        writable: true,
        configurable: true,
      });
    hidden("message", redactText(value.message));
    hidden("stack", value.stack ? redactText(value.stack) : undefined);
    if (value.cause !== undefined) hidden("cause", redactValue(value.cause, seen, depth + 1));
    for (const [key, item] of Object.entries(value)) {
      (copy as unknown as Record<string, unknown>)[key] =
        isSensitiveKey(key) && typeof item !== "number" && typeof item !== "boolean"
          ? REDACTED
          : redactValue(item, seen, depth + 1);
    }
    return copy;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen, depth + 1));
  if (value instanceof Map) {
    return new Map(
      [...value].map(([k, v]) => [
        k,
        isSensitiveKey(String(k)) && typeof v !== "number" && typeof v !== "boolean"
          ? REDACTED
          : redactValue(v, seen, depth + 1),
      ]),
    );
  }
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] =
      isSensitiveKey(key) &&
      item !== undefined &&
      item !== null &&
      typeof item !== "number" &&
      typeof item !== "boolean"
        ? REDACTED
        : redactValue(item, seen, depth + 1);
  }
  return copy;
}

/** A copy of `value` safe to log. */
export function redact<T>(value: T): T {
  return redactValue(value, new WeakSet(), 0) as T;
}

const INSTALLED = Symbol.for("aks-identity-atlas.redacting-console");

/** Wraps console.log/info/warn/error/debug so every argument goes through redact(). Idempotent. */
export function installRedactingConsole(target: Console = console): void {
  const marked = target as Console & { [INSTALLED]?: boolean };
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    const original = target[method].bind(target);
    target[method] = (...args: unknown[]) => original(...args.map((arg) => redact(arg)));
  }
}
