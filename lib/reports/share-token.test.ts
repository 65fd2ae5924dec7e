import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  hashShareToken,
  newShareToken,
  SHARE_TOKEN_BYTES,
  shareTokenSchema,
} from "@/lib/reports/share-token";

describe("share tokens", () => {
  it("carry 256 random bits as base64url and never repeat", () => {
    const tokens = Array.from({ length: 200 }, newShareToken);
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const token of tokens) {
      expect(shareTokenSchema.safeParse(token).success).toBe(true);
      expect(Buffer.from(token, "base64url")).toHaveLength(SHARE_TOKEN_BYTES);
    }
    expect(SHARE_TOKEN_BYTES * 8).toBeGreaterThanOrEqual(256);
  });

  it("are stored as their SHA-256 only, and one changed character changes the hash", () => {
    const token = newShareToken();
    expect(hashShareToken(token)).toBe(createHash("sha256").update(token).digest("hex"));
    const tampered = `${token.slice(0, 10)}${token[10] === "A" ? "B" : "A"}${token.slice(11)}`;
    expect(hashShareToken(tampered)).not.toBe(hashShareToken(token));
  });

  it("reject anything that is not the token shape", () => {
    for (const bad of [
      "",
      "abc",
      `${newShareToken()}x`,
      `${newShareToken().slice(0, 42)}/`,
      "../../etc/passwd",
    ]) {
      expect(shareTokenSchema.safeParse(bad).success).toBe(false);
    }
  });
});
