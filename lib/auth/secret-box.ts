import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { deriveKey } from "./seal";

/**
 * Secrets the app must store (a webhook URL with its embedded key, a notification token) go into the
 * database encrypted: `encryptSecret(value, "webhook-url")` → "sb1.<key id>.<AES-256-GCM token>".
 *
 * The key comes from ATLAS_SECRET_KEY (≥ 32 bytes); ATLAS_SECRET_KEY_PREVIOUS still decrypts during a
 * rotation. The `context` names the field and is bound into the ciphertext, so a value cannot be moved to
 * another column and decrypt there. With the embedded database and no ATLAS_SECRET_KEY, a random key is
 * kept in the data folder (secret-box.key, mode 0600) so the local demo works; with DATABASE_URL a key in
 * the environment is required — a key stored beside the database it protects protects nothing.
 *
 * The "sb1" token format below is frozen: values in it sit in databases (tenant settings: webhook URLs,
 * tokens — lib/jobs/tenant-settings.ts), so changing it would strand every stored secret. Sessions moved to
 * jose's JWE (lib/auth/seal.ts) because an old cookie can simply be re-issued by signing in again; a stored
 * secret cannot, so this stays on the format it was written in (pinned by a fixed value in the test).
 */

const PREFIX = "sb1";
const MIN_KEY_BYTES = 32;
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM, the context bound as additional data: base64url(version ‖ iv ‖ tag ‖ ciphertext). */
function seal(key: Buffer, purpose: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(purpose, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]).toString("base64url");
}

/** The plaintext, or undefined for anything malformed, modified, or sealed with another key or purpose. */
function unseal(key: Buffer, purpose: string, token: string): string | undefined {
  // Canonical base64url only: a final character differing in unused bits would decode to the same bytes.
  if (token.length > 8192 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const raw = Buffer.from(token, "base64url");
  if (raw.toString("base64url") !== token) return undefined;
  if (raw.length < 1 + IV_BYTES + TAG_BYTES || raw[0] !== VERSION) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(purpose, "utf8"));
    decipher.setAuthTag(raw.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return Buffer.concat([
      decipher.update(raw.subarray(1 + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    return undefined;
  }
}

export class SecretKeyMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretKeyMissingError";
  }
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

type Env = Record<string, string | undefined>;

function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 8);
}

function materialFromEnv(value: string | undefined, name: string): Buffer | undefined {
  if (!value) return undefined;
  if (Buffer.byteLength(value, "utf8") < MIN_KEY_BYTES) {
    throw new SecretKeyMissingError(
      `${name} must be at least ${MIN_KEY_BYTES} bytes (e.g. \`openssl rand -base64 48\`).`,
    );
  }
  return deriveKey(value, "secret-box/v1");
}

function dataDirKey(env: Env): Buffer {
  const file = path.resolve(env.ATLAS_DATA_DIR || ".data", "secret-box.key");
  let material: string;
  try {
    material = readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
    material = randomBytes(48).toString("base64");
    try {
      writeFileSync(file, `${material}\n`, { mode: 0o600, flag: "wx" });
    } catch {
      material = readFileSync(file, "utf8").trim(); // another process created it first
    }
  }
  return deriveKey(material, "secret-box/v1");
}

/** The current key first, then the previous one (decryption only). */
function keys(env: Env): Buffer[] {
  const current = materialFromEnv(env.ATLAS_SECRET_KEY, "ATLAS_SECRET_KEY");
  const previous = materialFromEnv(env.ATLAS_SECRET_KEY_PREVIOUS, "ATLAS_SECRET_KEY_PREVIOUS");
  if (current) return previous ? [current, previous] : [current];
  if (env.DATABASE_URL) {
    throw new SecretKeyMissingError(
      "ATLAS_SECRET_KEY is not set: with an external database (DATABASE_URL) secrets are encrypted with a key " +
        "from the environment. Set ATLAS_SECRET_KEY to at least 32 random bytes (e.g. `openssl rand -base64 48`).",
    );
  }
  return [dataDirKey(env)];
}

function purpose(context: string): string {
  if (!/^[a-z0-9][a-z0-9:._-]{0,63}$/i.test(context))
    throw new SecretBoxError(`Invalid secret context "${context}".`);
  return `secret-box/${context}`;
}

export function encryptSecret(plaintext: string, context: string, env: Env = process.env): string {
  const [key] = keys(env);
  return `${PREFIX}.${keyId(key)}.${seal(key, purpose(context), plaintext)}`;
}

export function decryptSecret(box: string, context: string, env: Env = process.env): string {
  const [prefix, id, token, extra] = box.split(".");
  if (prefix !== PREFIX || !id || !token || extra !== undefined)
    throw new SecretBoxError("Not an encrypted secret.");
  const key = keys(env).find((candidate) => keyId(candidate) === id);
  if (!key) {
    throw new SecretBoxError(
      "This secret was encrypted with a key that is no longer configured (ATLAS_SECRET_KEY / ATLAS_SECRET_KEY_PREVIOUS).",
    );
  }
  const plaintext = unseal(key, purpose(context), token);
  if (plaintext === undefined)
    throw new SecretBoxError("The encrypted secret is damaged or belongs to another field.");
  return plaintext;
}

export function isEncryptedSecret(value: string): boolean {
  return value.startsWith(`${PREFIX}.`) && value.split(".").length === 3;
}
