import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares a presented cron secret with the configured one in constant time. Both are hashed first, so
 * the comparison is of two equal-length digests (timingSafeEqual refuses unequal lengths, and comparing
 * lengths would itself leak the secret's length).
 */
export function cronSecretMatches(presented: string | null | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

/** `Authorization: Bearer <secret>` (what a Kubernetes CronJob's curl sends) or `x-atlas-cron-secret`. */
export function presentedCronSecret(headers: Headers): string | null {
  const authorization = headers.get("authorization");
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  return bearer || headers.get("x-atlas-cron-secret")?.trim() || null;
}
