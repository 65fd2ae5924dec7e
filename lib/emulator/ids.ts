import { createHash, createHmac } from "node:crypto";

/** A GUID derived from text (lib/model/ids.ts; the emulator's synthetic objects use it too). */
export { guidFromText } from "@/lib/model/derived-ids";

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
