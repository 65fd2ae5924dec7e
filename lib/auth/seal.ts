import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { EncryptJWT, errors, type JWTPayload, jwtDecrypt } from "jose";

/**
 * Values the browser carries but must neither read nor forge (session, sign-in state) are JWTs in JWE
 * compact serialization made by jose: `dir` + `A256GCM`, so the protected header is authenticated as GCM
 * additional data and only the holder of the key can read or mint one. Each purpose has its own key
 * (HKDF-SHA256 of the configured secret, derived once per secret and purpose) and its own `typ`, so a
 * sign-in-state cookie can never be replayed as a session. `exp` is enforced by jose; callers add their
 * own finer checks (idle timeout, revocation) on the decrypted claims.
 */

/** Longer than any cookie a browser keeps (4 KiB): nothing this long was made here. */
const MAX_TOKEN_CHARS = 8192;
const KEY_BYTES = 32;

export function deriveKey(secret: string | Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "aks-identity-atlas", purpose, KEY_BYTES));
}

const derivedKeys = new Map<string, Uint8Array>();

/** The JWE key for one purpose, derived from the secret once and then reused (HKDF per request is waste). */
export function purposeKey(secret: string, purpose: string): Uint8Array {
  const id = `${purpose}\u0000${secret}`;
  let key = derivedKeys.get(id);
  if (!key) {
    // A handful of (secret, purpose) pairs in a real process; bound it anyway for tests and rotations.
    if (derivedKeys.size >= 32) derivedKeys.clear();
    key = new Uint8Array(deriveKey(secret, purpose));
    derivedKeys.set(id, key);
  }
  return key;
}

/** Encrypts `claims` into a compact JWE with `iat` and `exp` (ms in, NumericDate seconds out). */
export async function sealClaims(
  key: Uint8Array,
  typ: string,
  claims: JWTPayload,
  times: { issuedAt: number; expiresAt: number },
): Promise<string> {
  return (
    new EncryptJWT(claims)
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", typ })
      .setIssuedAt(Math.floor(times.issuedAt / 1000))
      // Rounded up so jose never refuses a token before the caller's own millisecond deadline does.
      .setExpirationTime(Math.ceil(times.expiresAt / 1000))
      .encrypt(key)
  );
}

export type OpenedClaims = { ok: true; claims: JWTPayload } | { ok: false; problem: "invalid" | "expired" };

/**
 * Five base64url parts, the second (encrypted key) empty for `dir`, each in canonical form. The canonical
 * check matters: a base64url part's last character can carry unused low bits, so a changed character could
 * decode to the same bytes and pass GCM — a modified token must never open.
 */
function wellFormed(token: string): boolean {
  if (token.length > MAX_TOKEN_CHARS) return false;
  const parts = token.split(".");
  if (parts.length !== 5 || parts[1] !== "") return false;
  return parts.every(
    (part) => /^[A-Za-z0-9_-]*$/.test(part) && Buffer.from(part, "base64url").toString("base64url") === part,
  );
}

/**
 * The claims of a token sealed with `key` and `typ`; "expired" once `exp` has passed at `now` (ms), and
 * "invalid" for anything malformed, modified, or sealed with another key, purpose or algorithm.
 */
export async function openClaims(
  key: Uint8Array,
  typ: string,
  token: string | undefined,
  now: number,
): Promise<OpenedClaims> {
  if (!token || !wellFormed(token)) return { ok: false, problem: "invalid" };
  try {
    const { payload } = await jwtDecrypt(token, key, {
      typ,
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
      requiredClaims: ["iat", "exp"],
      currentDate: new Date(now),
    });
    return { ok: true, claims: payload };
  } catch (cause) {
    // JWTExpired is only raised after decryption succeeded: the token is ours, just too old.
    if (cause instanceof errors.JWTExpired) return { ok: false, problem: "expired" };
    return { ok: false, problem: "invalid" };
  }
}

export function hmac(key: Buffer, value: string): string {
  return createHmac("sha256", key).update(value, "utf8").digest("base64url");
}

/** Constant-time comparison of two strings of possibly different length. */
export function safeEqual(a: string, b: string): boolean {
  const left = createHmac("sha256", "compare").update(a).digest();
  const right = createHmac("sha256", "compare").update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
