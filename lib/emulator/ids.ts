import { createHash, createHmac } from "node:crypto";

/** A GUID derived from text, so synthetic objects (the scanner, test app registrations) are stable across runs. */
export function guidFromText(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  // Version 5-style layout: readable as a GUID by every parser, never colliding with real v4 ids by design.
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A secret derived from the emulator seed: reproducible for a given seed, never used outside the emulator. */
export function derivedSecret(seed: number, purpose: string): string {
  return createHmac("sha256", `aks-identity-atlas-emulator:${seed}`)
    .update(purpose)
    .digest("base64url")
    .slice(0, 40);
}

export function shortHash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}
