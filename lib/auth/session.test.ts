import { describe, expect, it } from "vitest";
import { deriveKey, seal } from "./seal";
import { openSession, revokeSession, sealSession, sessionMaxAgeSeconds, touchSession } from "./session";
import { entraConfig, sessionFor } from "./test-support";

const config = entraConfig({ ATLAS_SESSION_IDLE_MINUTES: "30", ATLAS_SESSION_MAX_MINUTES: "600" });
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

describe("session cookie", () => {
  it("round-trips and is unreadable without the secret", () => {
    const session = sessionFor("operator", T0);
    const token = sealSession(config, session);
    expect(token).not.toContain("Penny");
    expect(openSession(config, token, T0 + 1000)).toEqual({ ok: true, session });
    const otherSecret = entraConfig({ ATLAS_SESSION_SECRET: "another-secret-that-is-also-long-enough-xyz" });
    expect(openSession(otherSecret, token, T0)).toEqual({ ok: false, problem: "invalid" });
  });

  it("rejects a token with any byte changed", () => {
    const token = sealSession(config, sessionFor("admin", T0));
    for (let i = 0; i < token.length; i += 7) {
      const flipped = `${token.slice(0, i)}${token[i] === "A" ? "B" : "A"}${token.slice(i + 1)}`;
      expect(openSession(config, flipped, T0).ok).toBe(false);
    }
  });

  it("refuses a value sealed for another purpose, even with the same secret", () => {
    const forged = seal(
      deriveKey(config.sessionSecret, "sign-in-state/v1"),
      "sign-in-state/v1",
      JSON.stringify(sessionFor("admin", T0)),
    );
    expect(openSession(config, forged, T0)).toEqual({ ok: false, problem: "invalid" });
  });

  it("expires after the idle timeout unless touched, and after the absolute timeout regardless", () => {
    const session = sessionFor("viewer", T0);
    const token = sealSession(config, session);
    expect(openSession(config, token, T0 + 29 * 60_000).ok).toBe(true);
    expect(openSession(config, token, T0 + 30 * 60_000)).toEqual({ ok: false, problem: "idle" });

    // Active every 20 minutes: idle never triggers, the absolute limit (10 h) still does.
    let current = session;
    for (let t = T0 + 20 * 60_000; t < T0 + 600 * 60_000; t += 20 * 60_000) {
      const opened = openSession(config, sealSession(config, current), t);
      expect(opened.ok).toBe(true);
      current = touchSession(current, t) ?? current;
    }
    expect(openSession(config, sealSession(config, current), T0 + 600 * 60_000)).toEqual({
      ok: false,
      problem: "expired",
    });
  });

  it("gives the cookie the shorter of idle window and remaining lifetime", () => {
    const session = sessionFor("viewer", T0);
    expect(sessionMaxAgeSeconds(config, session, T0)).toBe(30 * 60);
    expect(sessionMaxAgeSeconds(config, session, T0 + 590 * 60_000)).toBe(10 * 60);
  });

  it("rejects a session of another tenant and a revoked one", () => {
    const foreign = sessionFor("admin", T0, { tid: "99999999-0000-0000-0000-000000000000" });
    expect(openSession(config, sealSession(config, foreign), T0)).toEqual({
      ok: false,
      problem: "other-tenant",
    });
    const now = Date.now();
    const revoked = sessionFor("admin", now);
    const token = sealSession(config, revoked);
    expect(openSession(config, token, now).ok).toBe(true);
    revokeSession(config, revoked);
    expect(openSession(config, token, now)).toEqual({ ok: false, problem: "revoked" });
  });

  it("treats garbage as invalid without throwing", () => {
    for (const garbage of [
      "",
      "x",
      "%%%",
      "A".repeat(10_000),
      "AQ",
      Buffer.alloc(40).toString("base64url"),
    ]) {
      const opened = openSession(config, garbage, T0);
      expect(opened.ok).toBe(false);
    }
  });
});
