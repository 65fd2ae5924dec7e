import { EncryptJWT } from "jose";
import { describe, expect, it } from "vitest";
import { purposeKey, sealClaims } from "./seal";
import {
  openSession,
  revokeSession,
  type Session,
  sealSession,
  sessionMaxAgeSeconds,
  touchSession,
} from "./session";
import { entraConfig, sessionFor } from "./test-support";

const config = entraConfig({ ATLAS_SESSION_IDLE_MINUTES: "30", ATLAS_SESSION_MAX_MINUTES: "600" });
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const HOUR = 3_600_000;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A JWE made the way sealSession makes one, but with any key, type and times (for forgeries). */
function forge(key: Uint8Array, session: Session, typ = "atlas-session+jwt", expiresAt = session.iat + HOUR) {
  return sealClaims(key, typ, { ses: session }, { issuedAt: session.iat, expiresAt });
}

describe("session cookie (JWE, dir + A256GCM)", () => {
  it("round-trips as a five-part compact JWE and is unreadable without the secret", async () => {
    const session = sessionFor("operator", T0);
    const token = await sealSession(config, session);
    expect(token.split(".")).toHaveLength(5);
    const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8"));
    expect(header).toEqual({ alg: "dir", enc: "A256GCM", typ: "atlas-session+jwt" });
    expect(token).not.toContain("Penny");
    expect(Buffer.from(token.split(".")[3] ?? "", "base64url").toString("latin1")).not.toContain("Penny");
    expect(await openSession(config, token, T0 + 1000)).toEqual({ ok: true, session });
  });

  it("refuses a JWE sealed with another key", async () => {
    const session = sessionFor("admin", T0);
    const otherSecret = entraConfig({ ATLAS_SESSION_SECRET: "another-secret-that-is-also-long-enough-xyz" });
    expect(await openSession(otherSecret, await sealSession(config, session), T0)).toEqual({
      ok: false,
      problem: "invalid",
    });
    // Well-formed and of the right type, only the key is random: still nobody's session.
    const random = crypto.getRandomValues(new Uint8Array(32));
    expect(await openSession(config, await forge(random, session), T0)).toEqual({
      ok: false,
      problem: "invalid",
    });
  });

  it("refuses a token with any one character changed, including changes base64url would ignore", async () => {
    const token = await sealSession(config, sessionFor("admin", T0));
    for (let i = 0; i < token.length; i++) {
      const c = token[i] ?? "";
      // Flip the lowest bit: in a part's last character that bit is often unused padding, which decodes to
      // the same bytes — the strictest possible edit, and one a lenient decoder would let through.
      const replacement = c === "." ? "A" : (ALPHABET[ALPHABET.indexOf(c) ^ 1] ?? "A");
      const flipped = `${token.slice(0, i)}${replacement}${token.slice(i + 1)}`;
      expect(await openSession(config, flipped, T0), `character ${i}`).toEqual({
        ok: false,
        problem: "invalid",
      });
    }
    expect(await openSession(config, `${token}A`, T0)).toEqual({ ok: false, problem: "invalid" });
    expect(await openSession(config, token.slice(0, -1), T0)).toEqual({ ok: false, problem: "invalid" });
  });

  it("refuses a value sealed for another purpose or with another header, even with the same secret", async () => {
    const session = sessionFor("admin", T0);
    const signInKey = purposeKey(config.sessionSecret, "sign-in-state/v2");
    expect(await openSession(config, await forge(signInKey, session), T0)).toEqual({
      ok: false,
      problem: "invalid",
    });
    const sessionKey = purposeKey(config.sessionSecret, "session/v2");
    expect(await openSession(config, await forge(sessionKey, session, "atlas-sign-in+jwt"), T0)).toEqual({
      ok: false,
      problem: "invalid",
    });
    // Right key, but a content algorithm the session never uses.
    const cbc = await new EncryptJWT({ ses: session })
      .setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512", typ: "atlas-session+jwt" })
      .setIssuedAt(T0 / 1000)
      .setExpirationTime(T0 / 1000 + 3600)
      .encrypt(new Uint8Array(64));
    expect(await openSession(config, cbc, T0)).toEqual({ ok: false, problem: "invalid" });
    // The right key and type, but no `exp`: every session has one.
    const noExp = await new EncryptJWT({ ses: session })
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", typ: "atlas-session+jwt" })
      .setIssuedAt(T0 / 1000)
      .encrypt(sessionKey);
    expect(await openSession(config, noExp, T0)).toEqual({ ok: false, problem: "invalid" });
  });

  it("refuses an expired JWE by its exp claim, even when the session inside looks fresh", async () => {
    const session = sessionFor("admin", T0);
    const key = purposeKey(config.sessionSecret, "session/v2");
    // Valid for one minute per `exp`, while iat/seen alone would allow 30 idle minutes and 10 hours.
    const short = await forge(key, session, "atlas-session+jwt", T0 + 60_000);
    expect((await openSession(config, short, T0 + 59_000)).ok).toBe(true);
    expect(await openSession(config, short, T0 + 60_000)).toEqual({ ok: false, problem: "expired" });
  });

  it("expires after the idle timeout unless touched, and after the absolute timeout regardless", async () => {
    const session = sessionFor("viewer", T0);
    const token = await sealSession(config, session);
    expect((await openSession(config, token, T0 + 29 * 60_000)).ok).toBe(true);
    expect(await openSession(config, token, T0 + 30 * 60_000)).toEqual({ ok: false, problem: "idle" });

    // Active every 20 minutes: idle never triggers, the absolute limit (10 h) still does.
    let current = session;
    for (let t = T0 + 20 * 60_000; t < T0 + 600 * 60_000; t += 20 * 60_000) {
      const opened = await openSession(config, await sealSession(config, current), t);
      expect(opened.ok).toBe(true);
      current = touchSession(current, t) ?? current;
    }
    expect(await openSession(config, await sealSession(config, current), T0 + 600 * 60_000)).toEqual({
      ok: false,
      problem: "expired",
    });
  });

  it("gives the cookie the shorter of idle window and remaining lifetime", () => {
    const session = sessionFor("viewer", T0);
    expect(sessionMaxAgeSeconds(config, session, T0)).toBe(30 * 60);
    expect(sessionMaxAgeSeconds(config, session, T0 + 590 * 60_000)).toBe(10 * 60);
  });

  it("rejects a session of another tenant and a revoked one", async () => {
    const foreign = sessionFor("admin", T0, { tid: "99999999-0000-0000-0000-000000000000" });
    expect(await openSession(config, await sealSession(config, foreign), T0)).toEqual({
      ok: false,
      problem: "other-tenant",
    });
    const now = Date.now();
    const revoked = sessionFor("admin", now);
    const token = await sealSession(config, revoked);
    expect((await openSession(config, token, now)).ok).toBe(true);
    revokeSession(config, revoked);
    expect(await openSession(config, token, now)).toEqual({ ok: false, problem: "revoked" });
  });

  it("treats garbage and the earlier hand-sealed format as invalid without throwing", async () => {
    for (const garbage of [
      "",
      "x",
      "%%%",
      "A".repeat(10_000),
      "AQ",
      "....",
      "a.b.c.d.e",
      Buffer.alloc(40).toString("base64url"),
      // A v1 cookie (version ‖ iv ‖ tag ‖ ciphertext): users holding one simply sign in again.
      `AQ${Buffer.alloc(60, 7).toString("base64url")}`,
    ]) {
      const opened = await openSession(config, garbage, T0);
      expect(opened.ok, garbage.slice(0, 20)).toBe(false);
    }
    expect(await openSession(config, undefined, T0)).toEqual({ ok: false, problem: "missing" });
  });
});
