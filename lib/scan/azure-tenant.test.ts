import type { AccessToken, TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { AzureNotConfiguredError, createAzureTenantSource, tenantIdOfCredential } from "./azure-tenant";

const TENANT = "72F988BF-86F1-41AF-91AB-2D7CD011DB47";
const jwt = (claims: object) =>
  `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;

function credentialReturning(token: string, scopes: string[] = []): TokenCredential {
  return {
    async getToken(scope): Promise<AccessToken> {
      scopes.push(...[scope].flat());
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

describe("tenantIdOfCredential", () => {
  it("reads the tid claim of an ARM token, lower-cased", async () => {
    const scopes: string[] = [];
    const credential = credentialReturning(jwt({ tid: TENANT, oid: "x" }), scopes);
    expect(await tenantIdOfCredential(credential, "https://management.azure.com/")).toBe(
      TENANT.toLowerCase(),
    );
    expect(scopes).toEqual(["https://management.azure.com/.default"]);
  });

  it.each([
    ["no tid claim", jwt({ oid: "x" })],
    ["a tid that is no GUID", jwt({ tid: "contoso" })],
    ["a token that is no JWT", "opaque-token"],
  ])("says to set AZURE_TENANT_ID for %s", async (_, token) => {
    await expect(
      tenantIdOfCredential(credentialReturning(token), "https://management.azure.com"),
    ).rejects.toThrow(AzureNotConfiguredError);
  });
});

describe("createAzureTenantSource", () => {
  it("uses the configured tenant without asking for a token", async () => {
    const source = await createAzureTenantSource({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: "00000000-0000-0000-0000-000000000001",
      AZURE_CLIENT_SECRET: "secret",
    });
    expect(source.tenant).toMatchObject({ id: TENANT.toLowerCase(), source: "azure" });
  });

  it("refuses without any credential, naming the variables", async () => {
    await expect(createAzureTenantSource({})).rejects.toThrow(/AZURE_TENANT_ID and AZURE_CLIENT_ID/);
  });
});
