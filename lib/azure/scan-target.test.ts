import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  WorkloadIdentityCredential,
} from "@azure/identity";
import { afterAll, describe, expect, it } from "vitest";
import { CredentialConfigurationError, createCredential, credentialMode } from "@/lib/azure/credentials";
import {
  hasAzureCredentials,
  PUBLIC_ARM_ENDPOINT,
  PUBLIC_AUTHORITY_HOST,
  scanTargetForEmulator,
  scanTargetFromEnv,
} from "@/lib/azure/scan-target";

const tenant = "11111111-2222-3333-4444-555555555555";
const client = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const scratch = mkdtempSync(path.join(os.tmpdir(), "atlas-credentials-"));
const tokenFile = path.join(scratch, "token");
writeFileSync(tokenFile, "eyJ.fake.token");
const caFile = path.join(scratch, "ca.pem");
writeFileSync(caFile, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialConfigurationError);
    return (error as Error).message;
  }
  throw new Error("expected a CredentialConfigurationError");
}

describe("hasAzureCredentials", () => {
  it.each([
    [{}, false],
    [{ AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: client }, false],
    [{ AZURE_CLIENT_SECRET: "s" }, true],
    [{ AZURE_CLIENT_CERTIFICATE_PATH: "/x.pem" }, true],
    [{ AZURE_FEDERATED_TOKEN_FILE: tokenFile }, true],
    [{ ATLAS_USE_AZURE_CLI: "1" }, true],
    [{ ATLAS_USE_AZURE_CLI: "0" }, false],
    [{ AZURE_CLIENT_SECRET: "   " }, false],
  ])("%j → %s", (env, expected) => {
    expect(hasAzureCredentials(env)).toBe(expected);
  });
});

describe("createCredential", () => {
  it("builds the credential each mode names", () => {
    expect(
      createCredential({ AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: client, AZURE_CLIENT_SECRET: "secret" }),
    ).toBeInstanceOf(ClientSecretCredential);
    expect(
      createCredential({
        AZURE_TENANT_ID: tenant,
        AZURE_CLIENT_ID: client,
        AZURE_FEDERATED_TOKEN_FILE: tokenFile,
        AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us/",
      }),
    ).toBeInstanceOf(WorkloadIdentityCredential);
    expect(
      createCredential({
        AZURE_TENANT_ID: tenant,
        AZURE_CLIENT_ID: client,
        AZURE_CLIENT_CERTIFICATE_PATH: caFile,
      }),
    ).toBeInstanceOf(ClientCertificateCredential);
    expect(createCredential({ ATLAS_USE_AZURE_CLI: "1" })).toBeInstanceOf(AzureCliCredential);
    expect(credentialMode({ ATLAS_USE_AZURE_CLI: "true" })).toBe("azure-cli");
  });

  it("names the missing or wrong variable", () => {
    expect(message(() => createCredential({}))).toMatch(/No Azure credential is configured/);
    expect(message(() => createCredential({ AZURE_CLIENT_SECRET: "s", AZURE_CLIENT_ID: client }))).toBe(
      "AZURE_TENANT_ID is required for client-secret (set by AZURE_CLIENT_SECRET)",
    );
    expect(message(() => createCredential({ AZURE_CLIENT_SECRET: "s", AZURE_TENANT_ID: tenant }))).toMatch(
      /^AZURE_CLIENT_ID is required for client-secret/,
    );
    expect(
      message(() =>
        createCredential({
          AZURE_TENANT_ID: "not a tenant",
          AZURE_CLIENT_ID: client,
          AZURE_CLIENT_SECRET: "s",
        }),
      ),
    ).toMatch(/AZURE_TENANT_ID must be a tenant GUID or a domain/);
    expect(
      message(() =>
        createCredential({ AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: "app-name", AZURE_CLIENT_SECRET: "s" }),
      ),
    ).toMatch(/AZURE_CLIENT_ID must be the application \(client\) id/);
    expect(
      message(() =>
        createCredential({
          AZURE_TENANT_ID: tenant,
          AZURE_CLIENT_ID: client,
          AZURE_CLIENT_SECRET: "s",
          AZURE_CLIENT_CERTIFICATE_PATH: caFile,
        }),
      ),
    ).toMatch(/Several credentials are configured \(AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH\)/);
    expect(
      message(() =>
        createCredential({
          AZURE_TENANT_ID: tenant,
          AZURE_CLIENT_ID: client,
          AZURE_FEDERATED_TOKEN_FILE: path.join(scratch, "missing"),
        }),
      ),
    ).toMatch(/^AZURE_FEDERATED_TOKEN_FILE ".*missing" cannot be read/);
    expect(
      message(() =>
        createCredential({
          AZURE_TENANT_ID: tenant,
          AZURE_CLIENT_ID: client,
          AZURE_CLIENT_SECRET: "s",
          AZURE_AUTHORITY_HOST: "http://login.example",
        }),
      ),
    ).toBe("AZURE_AUTHORITY_HOST must be an https:// URL");
  });
});

describe("scanTargetFromEnv", () => {
  const base = { AZURE_TENANT_ID: tenant.toUpperCase(), AZURE_CLIENT_ID: client, AZURE_CLIENT_SECRET: "s" };

  it("defaults to the public cloud and every visible subscription", () => {
    const target = scanTargetFromEnv(base);
    expect(target).toMatchObject({
      tenantId: tenant,
      armEndpoint: PUBLIC_ARM_ENDPOINT,
      graphEndpoint: "https://graph.microsoft.com/v1.0",
      authorityHost: PUBLIC_AUTHORITY_HOST,
    });
    expect(target.subscriptions).toBeUndefined();
    expect(target.caPem).toBeUndefined();
  });

  it("takes endpoint, CA and subscription overrides", () => {
    const target = scanTargetFromEnv({
      ...base,
      ATLAS_ARM_ENDPOINT: "https://management.usgovcloudapi.net/",
      ATLAS_GRAPH_ENDPOINT: "https://graph.microsoft.us",
      ATLAS_CA_FILE: caFile,
      ATLAS_SUBSCRIPTIONS: "00000000-0000-0000-0000-0000000005B1, 00000000-0000-0000-0000-0000000005b2",
    });
    expect(target.armEndpoint).toBe("https://management.usgovcloudapi.net");
    expect(target.graphEndpoint).toBe("https://graph.microsoft.us/v1.0");
    expect(target.caPem).toContain("BEGIN CERTIFICATE");
    expect(target.subscriptions).toEqual([
      "00000000-0000-0000-0000-0000000005b1",
      "00000000-0000-0000-0000-0000000005b2",
    ]);
  });

  it("rejects a CA file without a certificate and malformed subscription lists", () => {
    expect(message(() => scanTargetFromEnv({ ...base, ATLAS_CA_FILE: tokenFile }))).toMatch(
      /holds no PEM certificate/,
    );
    expect(message(() => scanTargetFromEnv({ ...base, ATLAS_SUBSCRIPTIONS: "prod,dev" }))).toMatch(
      /ATLAS_SUBSCRIPTIONS must be subscription GUIDs/,
    );
  });

  it("lets the Azure CLI run without a configured tenant", () => {
    expect(scanTargetFromEnv({ ATLAS_USE_AZURE_CLI: "1" }).tenantId).toBe("");
  });
});

describe("scanTargetForEmulator", () => {
  it("uses a client secret against the emulator's authority and trusts its CA", () => {
    const target = scanTargetForEmulator({
      tenantId: tenant.toUpperCase(),
      armEndpoint: "https://127.0.0.1:4443",
      graphEndpoint: "https://127.0.0.1:4443/graph/v1.0",
      authorityHost: "https://127.0.0.1:4443",
      caPem: "-----BEGIN CERTIFICATE-----\n...",
      scannerCredential: { tenantId: tenant, clientId: client, clientSecret: "secret" },
    });
    expect(target.credential).toBeInstanceOf(ClientSecretCredential);
    expect(target).toMatchObject({
      tenantId: tenant,
      graphEndpoint: "https://127.0.0.1:4443/graph/v1.0",
      caPem: "-----BEGIN CERTIFICATE-----\n...",
    });
  });
});
