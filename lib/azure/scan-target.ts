import type { TokenCredential } from "@azure/core-auth";
import { ClientSecretCredential } from "@azure/identity";
import {
  CredentialConfigurationError,
  createCredential,
  credentialMode,
  type Environment,
  parseEnvironment,
  present,
  readCaFile,
} from "@/lib/azure/credentials";
import { ENTRA_RETRY_OPTIONS, entraPipelinePolicies } from "@/lib/azure/scan-http-context";
import { trustedCertificates } from "@/lib/azure/tls-trust";

// Where a scan points. One code path for real Azure and the emulator: they differ only in endpoints,
// CA and credential (architecture.md, "Source").

export const PUBLIC_ARM_ENDPOINT = "https://management.azure.com";
export const PUBLIC_GRAPH_ENDPOINT = "https://graph.microsoft.com/v1.0";
export const PUBLIC_AUTHORITY_HOST = "https://login.microsoftonline.com";

/** Everything a scan needs to reach one tenant. */
export type ScanTarget = {
  tenantId: string;
  /** ARM origin, e.g. https://management.azure.com */
  armEndpoint: string;
  /** Microsoft Graph base including the version, e.g. https://graph.microsoft.com/v1.0 */
  graphEndpoint: string;
  authorityHost: string;
  credential: TokenCredential;
  /** Extra CA certificate(s) to trust for every endpoint (a TLS-inspecting proxy, the emulator). */
  caPem?: string;
  /** A configured list of subscription ids; without it every visible subscription is scanned. */
  subscriptions?: string[];
};

/**
 * Whether Azure credentials are configured at all. A half-configured credential counts (so the
 * product reports the precise mistake from createCredential instead of silently showing the demo).
 */
export function hasAzureCredentials(env: Environment = process.env): boolean {
  return (
    present(env.AZURE_FEDERATED_TOKEN_FILE) ||
    present(env.AZURE_CLIENT_SECRET) ||
    present(env.AZURE_CLIENT_CERTIFICATE_PATH) ||
    env.ATLAS_USE_AZURE_CLI?.trim() === "1" ||
    env.ATLAS_USE_AZURE_CLI?.trim().toLowerCase() === "true"
  );
}

/** Adds the API version to a Graph base URL when it has none. */
function graphBase(endpoint: string): string {
  return /\/(v1\.0|beta)$/i.test(endpoint) ? endpoint : `${endpoint}/v1.0`;
}

/** A scan of real Azure, configured by the environment (public cloud unless overridden). */
export function scanTargetFromEnv(env: Environment = process.env): ScanTarget {
  const parsed = parseEnvironment(env);
  const credential = createCredential(env);
  const caPem = readCaFile(parsed.ATLAS_CA_FILE);
  const tenantId = parsed.AZURE_TENANT_ID?.toLowerCase();
  if (tenantId === undefined && credentialMode(env) !== "azure-cli") {
    throw new CredentialConfigurationError("AZURE_TENANT_ID is required");
  }
  return {
    // With the Azure CLI and no tenant configured, the collector learns the tenant from ARM.
    tenantId: tenantId ?? "",
    armEndpoint: parsed.ATLAS_ARM_ENDPOINT ?? PUBLIC_ARM_ENDPOINT,
    graphEndpoint: graphBase(parsed.ATLAS_GRAPH_ENDPOINT ?? PUBLIC_GRAPH_ENDPOINT),
    authorityHost: parsed.AZURE_AUTHORITY_HOST ?? PUBLIC_AUTHORITY_HOST,
    credential,
    ...(caPem ? { caPem } : {}),
    ...(parsed.ATLAS_SUBSCRIPTIONS ? { subscriptions: parsed.ATLAS_SUBSCRIPTIONS } : {}),
  };
}

/**
 * What a scan needs of a running emulator (lib/emulator/server.ts EmulatorHandle has it): written
 * out here so the product path does not import the emulator (docs/architecture.md, layers).
 */
export type EmulatorEndpoints = {
  tenantId: string;
  armEndpoint: string;
  graphEndpoint: string;
  authorityHost: string;
  caPem: string;
  scannerCredential: { tenantId: string; clientId: string; clientSecret: string };
};

/**
 * A scan of the emulator: a real client-credentials flow against its token endpoint with the
 * scanner identity it provisioned from docs/permissions, trusting its CA (TLS checks stay on).
 */
export function scanTargetForEmulator(
  handle: EmulatorEndpoints,
  options: { subscriptions?: string[] } = {},
): ScanTarget {
  const { tenantId, clientId, clientSecret } = handle.scannerCredential;
  const credential = new ClientSecretCredential(tenantId, clientId, clientSecret, {
    authorityHost: handle.authorityHost,
    // The emulator is not a known Entra host; instance discovery would call the real one.
    disableInstanceDiscovery: true,
    tlsOptions: { ca: trustedCertificates(handle.caPem) },
    additionalPolicies: entraPipelinePolicies(),
    retryOptions: ENTRA_RETRY_OPTIONS,
  });
  return {
    tenantId: handle.tenantId.toLowerCase(),
    armEndpoint: handle.armEndpoint,
    graphEndpoint: graphBase(handle.graphEndpoint),
    authorityHost: handle.authorityHost,
    credential,
    caPem: handle.caPem,
    ...(options.subscriptions ? { subscriptions: options.subscriptions } : {}),
  };
}
