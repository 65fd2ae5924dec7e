import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  decryptSecret,
  encryptSecret,
  isEncryptedSecret,
  SecretBoxError,
  SecretKeyMissingError,
} from "./secret-box";

const KEY = "k".repeat(40);
const env = { ATLAS_SECRET_KEY: KEY };
const WEBHOOK = "https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/0123456789/secret-part";

describe("secret box", () => {
  it("round-trips, never contains the plaintext, and differs on every call", () => {
    const a = encryptSecret(WEBHOOK, "webhook-url", env);
    const b = encryptSecret(WEBHOOK, "webhook-url", env);
    expect(a).not.toBe(b);
    expect(a).not.toContain("secret-part");
    expect(isEncryptedSecret(a)).toBe(true);
    expect(decryptSecret(a, "webhook-url", env)).toBe(WEBHOOK);
  });

  it("binds the value to its field", () => {
    const box = encryptSecret(WEBHOOK, "webhook-url", env);
    expect(() => decryptSecret(box, "cron-secret", env)).toThrow(SecretBoxError);
  });

  it("detects tampering and a missing key, and decrypts with the previous key during rotation", () => {
    const box = encryptSecret(WEBHOOK, "webhook-url", env);
    // Change a character that is certainly different and certainly significant: the middle of the
    // ciphertext (a base64url tail character can carry padding bits that decode the same).
    const middle = Math.floor(box.length * 0.75);
    const tampered = `${box.slice(0, middle)}${box[middle] === "A" ? "B" : "A"}${box.slice(middle + 1)}`;
    expect(tampered).not.toBe(box);
    expect(() => decryptSecret(tampered, "webhook-url", env)).toThrow(SecretBoxError);
    const rotated = { ATLAS_SECRET_KEY: "n".repeat(40), ATLAS_SECRET_KEY_PREVIOUS: KEY };
    expect(decryptSecret(box, "webhook-url", rotated)).toBe(WEBHOOK);
    expect(() => decryptSecret(box, "webhook-url", { ATLAS_SECRET_KEY: "n".repeat(40) })).toThrow(
      /no longer configured/,
    );
  });

  it("opens a value stored by an earlier release (the sb1 format is frozen: databases hold it)", () => {
    // Made with ATLAS_SECRET_KEY = "k" × 40 by the code before sessions moved to JWE (issue 17). If this
    // fails, every webhook URL and token already saved in tenant settings has become unreadable.
    const stored =
      "sb1.f9zirmFi.Ab3VG9lVnTpgwAA3RCfyWiZU-Vaqfdwxc24vXjmqO_r7zkrFEhHA_FEs5ukj5rP9ffQFC2F0DZRUn38CGdpBjxt3__KH15TZTtDJTH0FXEKDBs3LjamVuCEjBCwVIrtcm8GWFxRC6dl0d4HK8TUJCFBXpo_P0155";
    expect(isEncryptedSecret(stored)).toBe(true);
    expect(decryptSecret(stored, "webhook-url", env)).toBe(WEBHOOK);
    expect(() => decryptSecret(stored, "cron-secret", env)).toThrow(SecretBoxError);
  });

  it("refuses a value whose last character differs only in bits base64url does not use", () => {
    // 1 + 12 + 16 + 2 = 31 bytes: the last of 42 characters carries 4 unused bits, so flipping its lowest
    // bit decodes to the very same bytes — and GCM would accept them. The box demands canonical base64url.
    const box = encryptSecret("ab", "webhook-url", env);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = box.at(-1) ?? "";
    const twin = `${box.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
    const token = (value: string) => Buffer.from(value.split(".")[2] ?? "", "base64url");
    expect(twin).not.toBe(box);
    expect(token(twin).equals(token(box))).toBe(true);
    expect(decryptSecret(box, "webhook-url", env)).toBe("ab");
    expect(() => decryptSecret(twin, "webhook-url", env)).toThrow(SecretBoxError);
  });

  it("requires a key from the environment with an external database", () => {
    expect(() => encryptSecret("x", "webhook-url", { DATABASE_URL: "postgres://db/atlas" })).toThrow(
      SecretKeyMissingError,
    );
    expect(() => encryptSecret("x", "webhook-url", { ATLAS_SECRET_KEY: "too-short" })).toThrow(/32 bytes/);
  });

  it("keeps a private key file in the data folder for the embedded demo", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "atlas-secret-box-"));
    const demo = { ATLAS_DATA_DIR: dataDir };
    const box = encryptSecret(WEBHOOK, "webhook-url", demo);
    const keyFile = path.join(dataDir, "secret-box.key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, "utf8").trim().length).toBeGreaterThanOrEqual(32);
    expect(decryptSecret(box, "webhook-url", demo)).toBe(WEBHOOK);
  });
});
