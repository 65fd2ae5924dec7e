import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";

// Share link tokens: 32 random bytes (256 bits) as base64url, 43 characters. Only the SHA-256 of a
// token is stored, so a database dump cannot open any link; the token is shown once, at creation.

export const SHARE_TOKEN_BYTES = 32;

/** The shape of a token; anything else is answered 404 without touching the database. */
export const shareTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "not a share token");

export function newShareToken(): string {
  return randomBytes(SHARE_TOKEN_BYTES).toString("base64url");
}

export function hashShareToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function sharePath(token: string): string {
  return `/share/${token}`;
}
