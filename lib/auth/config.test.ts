import { describe, expect, it } from "vitest";
import { AuthConfigError, readAuthConfig } from "./config";
import { entraEnv, TEST_TENANT } from "./test-support";

describe("readAuthConfig", () => {
  it("is anonymous when no Entra setting is given", () => {
    const config = readAuthConfig({ PORT: "3000" });
    expect(config.mode).toBe("anonymous");
    expect(config.https).toBe(false);
  });

  it("reads a complete Entra configuration with defaults", () => {
    const config = readAuthConfig(entraEnv({ ATLAS_AUTH_AUTHORITY: undefined }));
    expect(config.mode).toBe("entra");
    if (config.mode !== "entra") return;
    expect(config.authority).toBe(`https://login.microsoftonline.com/${TEST_TENANT}`);
    expect(config.redirectUri).toBe("https://atlas.example.test/auth/callback");
    expect(config.https).toBe(true);
    expect(config.idleTimeoutMs).toBe(60 * 60_000);
    expect(config.absoluteTimeoutMs).toBe(12 * 60 * 60_000);
  });

  it("names every missing setting when Entra sign-in is half configured", () => {
    const attempt = () =>
      readAuthConfig({ ATLAS_AUTH_TENANT_ID: TEST_TENANT, ATLAS_PUBLIC_URL: "https://atlas.example.test" });
    expect(attempt).toThrow(AuthConfigError);
    expect(attempt).toThrow(/ATLAS_AUTH_CLIENT_ID, ATLAS_AUTH_CLIENT_SECRET, ATLAS_SESSION_SECRET/);
  });

  it("refuses a short session secret, a plain-HTTP authority and malformed group ids", () => {
    expect(() => readAuthConfig(entraEnv({ ATLAS_SESSION_SECRET: "short" }))).toThrow(/at least 32 bytes/);
    expect(() => readAuthConfig(entraEnv({ ATLAS_AUTH_AUTHORITY: "http://login.example.test/x" }))).toThrow(
      /https:\/\//,
    );
    expect(() => readAuthConfig(entraEnv({ ATLAS_ROLE_GROUPS_ADMIN: "not-a-guid" }))).toThrow(/GUID/);
  });

  it("splits group lists on commas and whitespace", () => {
    const config = readAuthConfig(
      entraEnv({
        ATLAS_ROLE_GROUPS_OPERATOR:
          "00000000-0000-0000-0000-0000000000a1, 00000000-0000-0000-0000-0000000000a2\n00000000-0000-0000-0000-0000000000a3",
      }),
    );
    expect(config.mode === "entra" && config.roleGroups.operator).toHaveLength(3);
  });
});
