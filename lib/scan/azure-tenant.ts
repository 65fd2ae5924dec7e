import { hasAzureCredentials, scanTargetFromEnv } from "@/lib/azure/scan-target";
import { collectTenant } from "@/lib/scan/collect/collect-tenant";
import type { TenantSource } from "./tenant-sources";

export class AzureNotConfiguredError extends Error {
  override name = "AzureNotConfiguredError";
}

/** The real tenant configured by environment variables (see README: configuration). */
export function createAzureTenantSource(
  env: Record<string, string | undefined>,
  tenantId?: string,
): TenantSource {
  const merged = tenantId ? { ...env, AZURE_TENANT_ID: tenantId } : env;
  if (!hasAzureCredentials(merged)) {
    throw new AzureNotConfiguredError(
      "No Azure credentials are configured: set AZURE_TENANT_ID and AZURE_CLIENT_ID with AZURE_CLIENT_SECRET, " +
        "AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE (or ATLAS_USE_AZURE_CLI=1), or use --emulate <tenant.json>.",
    );
  }
  const target = scanTargetFromEnv(merged);
  if (!target.tenantId) {
    throw new AzureNotConfiguredError("Set AZURE_TENANT_ID (or pass --tenant) to say which tenant to scan.");
  }
  return {
    tenant: {
      id: target.tenantId.toLowerCase(),
      displayName: merged.ATLAS_TENANT_NAME ?? target.tenantId,
      source: "azure",
    },
    collect: async (onProgress) => collectTenant(target, { onProgress }),
  };
}
