import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { RestError } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArmClients } from "@/lib/azure/arm-clients";
import {
  createScanHttpContext,
  runInScanHttpContext,
  type ScanHttpContext,
} from "@/lib/azure/scan-http-context";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import { loadDemoTenant } from "@/lib/emulator/demo";
import {
  armClientOptions,
  emulatorCredential,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import type { ManagedIdentity } from "@/lib/model/azure";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { managedIdentityFromWire } from "@/lib/model/wire-azure";
import { listFederatedCredentials } from "@/lib/scan/collect/read-resources";

// Flexible federated identity credentials (Microsoft.ManagedIdentity 2025-01-31-preview:
// azure-rest-api-specs specification/msi/resource-manager/Microsoft.ManagedIdentity/ManagedIdentity/
// preview/2025-01-31-preview/examples/FederatedIdentityCredentialList.json) carry
// properties.claimsMatchingExpression instead of a subject. @azure/arm-msi 2.2.0 speaks 2024-11-30,
// which has no such field; the scanner reads the list at 2025-01-31-preview on the SDK's pipeline.

const SUBSCRIPTION = "00000000-0000-0000-0000-0000000005b1";
const IDENTITY_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rsg-aksIdentityState1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-release-automation`;
const EXPRESSION = "claims['sub'] matches 'system:serviceaccount:ci:*'";

function withFlexibleCredential(tenant: TenantFile): TenantFile {
  const copy = structuredClone(tenant);
  for (const subscription of copy.subscriptions) {
    for (const resource of subscription.resources) {
      if (resource.id !== IDENTITY_ID) continue;
      const credentials = (resource as unknown as { federatedIdentityCredentials: unknown[] })
        .federatedIdentityCredentials;
      credentials.push({
        id: `${IDENTITY_ID}/federatedIdentityCredentials/ci-any`,
        name: "ci-any",
        type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
        properties: {
          issuer: "https://oidc.prod-aks.azure.com/tenant/aks-1/",
          audiences: ["api://AzureADTokenExchange"],
          claimsMatchingExpression: { value: EXPRESSION, languageVersion: 1 },
        },
      });
    }
  }
  return copy;
}

describe("federated credentials read through the SDK pipeline at 2025-01-31-preview", () => {
  let running: TestEmulator;
  let http: ScanHttpContext;
  let clients: ArmClients;
  let identity: ManagedIdentity;

  beforeAll(async () => {
    const tenant = withFlexibleCredential(await loadDemoTenant());
    // Page size 1: the nextLink is followed on the same pipeline.
    running = await startTestEmulator({ tenant, pageSize: 1 });
    http = createScanHttpContext({ maxRetries: 1, retryDelayMs: 10 });
    clients = new ArmClients(scanTargetForEmulator(running.emulator), http);
    const resource = tenant.subscriptions
      .flatMap((subscription) => subscription.resources)
      .find((candidate) => candidate.id === IDENTITY_ID);
    identity = managedIdentityFromWire(resource);
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("returns the flexible credential's expression and the exact-subject credential beside it", async () => {
    const credentials = await runInScanHttpContext(http, () => listFederatedCredentials(clients, identity));
    const byName = new Map(credentials.map((credential) => [credential.name, credential]));
    expect(byName.get("ci-any")).toMatchObject({
      subject: "",
      issuer: "https://oidc.prod-aks.azure.com/tenant/aks-1/",
      claimsMatchingExpression: { value: EXPRESSION, languageVersion: 1 },
    });
    expect(byName.get("aks-1-release-bot")).toMatchObject({
      subject: "system:serviceaccount:default:release-bot",
      claimsMatchingExpression: null,
    });
    // Sent on the scan's pipeline: the transport policy counted every page.
    expect(http.counter.snapshot().arm).toBeGreaterThanOrEqual(credentials.length);
  });

  it("is what the SDK's own 2024-11-30 list cannot see", async () => {
    const sdk = new ManagedServiceIdentityClient(
      emulatorCredential(running.emulator, running.emulator.scannerCredential),
      SUBSCRIPTION,
      armClientOptions(running.emulator),
    );
    const listed = [];
    for await (const credential of sdk.federatedIdentityCredentials.list(
      "rsg-aksIdentityState1",
      "id-release-automation",
    )) {
      listed.push(credential);
    }
    const flexible = listed.find((credential) => credential.name === "ci-any");
    expect(flexible?.subject).toBeUndefined();
    expect(JSON.stringify(flexible)).not.toContain("claimsMatchingExpression");
  });

  it("gets ARM's 400s for a missing or unsupported api-version", async () => {
    const path = `${IDENTITY_ID}/federatedIdentityCredentials`;
    const missing = await clients
      .getOnManagedIdentityPipeline(SUBSCRIPTION, path)
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(RestError);
    expect(missing).toMatchObject({
      statusCode: 400,
      code: "MissingApiVersionParameter",
      message: "The api-version query parameter (?api-version=) is required for all requests.",
    });
    const unknown = await clients
      .getOnManagedIdentityPipeline(SUBSCRIPTION, `${path}?api-version=2021-09-30-preview`)
      .catch((error: unknown) => error);
    expect(unknown).toMatchObject({ statusCode: 400, code: "InvalidApiVersionParameter" });
    expect((unknown as Error).message).toMatch(
      /^The api-version '2021-09-30-preview' is invalid\. The supported versions are '2026-05-31,2025-05-31-preview,2025-01-31-preview,2024-11-30,.*,2022-01-31-preview'\.$/,
    );
  });
});
