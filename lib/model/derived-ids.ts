import { createHash } from "node:crypto";

// Apart from ids.ts, which client components import (node:crypto stays on the server).
/**
 * A GUID derived from text, so objects a file or the emulator gives no id (the scanner, test app
 * registrations, a tenant file's credential without `id`) are stable across runs.
 */
export function guidFromText(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  // Version 5-style layout: readable as a GUID by every parser, never colliding with real v4 ids by design.
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
