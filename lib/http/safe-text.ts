import { z } from "zod";

/**
 * Text from outside (bodies, query strings, form fields) may not carry control characters: PostgreSQL text
 * cannot hold NUL at all (error 22021, which used to surface as a 500), and no title, name, id or filter of
 * this product has a use for the others — they only hide things from whoever reads the value later.
 * Refused: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F); a multi-line field keeps tab, line
 * feed and carriage return. Every request schema that takes text uses `safeText()` instead of `z.string()`.
 */

export const CONTROL_CHARACTER_MESSAGE = "must not contain control characters";

/** Line breaks and tab: the only control characters a multi-line field keeps. */
const MULTI_LINE_ALLOWED = new Set([0x09, 0x0a, 0x0d]);

export function hasControlCharacter(value: string, options: { multiline?: boolean } = {}): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    if (control && !(options.multiline && MULTI_LINE_ALLOWED.has(code))) return true;
  }
  return false;
}

/** `z.string()` that refuses control characters; chain `.trim()`, `.min()`, `.regex()` as usual. */
export function safeText(options: { multiline?: boolean } = {}) {
  return z.string().refine((value) => !hasControlCharacter(value, options), {
    message: CONTROL_CHARACTER_MESSAGE,
    abort: true,
  });
}

/** Whether any string anywhere in a JSON value (keys included) holds a control character. */
export function containsControlCharacter(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return hasControlCharacter(value);
  if (depth > 64 || value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((item) => containsControlCharacter(item, depth + 1));
  return Object.entries(value).some(
    ([key, item]) => hasControlCharacter(key) || containsControlCharacter(item, depth + 1),
  );
}

/**
 * For fields a schema takes as `z.unknown()` and validates later (settings): refuses control characters in
 * any string inside, so the later schema cannot pass one through.
 */
export function safeUnknown() {
  return z.unknown().refine((value) => !containsControlCharacter(value), {
    message: CONTROL_CHARACTER_MESSAGE,
    abort: true,
  });
}
