import type { TokenCredential } from "@azure/identity";
import { hasAzureCredentials, scanTargetFromEnv } from "@/lib/azure/scan-target";
import { collectTenant } from "@/lib/scan/collect/collect-tenant";
import type { TenantSource } from "./tenant-sources";

export class AzureNotConfiguredError extends Error {
  override name = "AzureNotConfiguredError";
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The tenant a credential signs in to, from the `tid` claim of an ARM token: with the Azure CLI and no
 * AZURE_TENANT_ID, that is the tenant of the signed-in account (`az login --tenant` chooses it).
 */
export async function tenantIdOfCredential(
  credential: TokenCredential,
  armEndpoint: string,
): Promise<string> {
  const token = await credential.getToken(`${new URL(armEndpoint).origin}/.default`);
  const payload = token?.token.split(".")[1];
  let tid: unknown;
  try {
    tid = payload
      ? (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { tid?: unknown }).tid
      : undefined;
  } catch {
    tid = undefined;
  }
  if (typeof tid !== "string" || !GUID.test(tid.toLowerCase())) {
    throw new AzureNotConfiguredError(
      "Could not tell which tenant the Azure CLI is signed in to; set AZURE_TENANT_ID (or pass --tenant).",
    );
  }
  return tid.toLowerCase();
}

/** The real tenant configured by environment variables (see README: configuration). */
export async function createAzureTenantSource(
  env: Record<string, string | undefined>,
  tenantId?: string,
): Promise<TenantSource> {
  const merged = tenantId ? { ...env, AZURE_TENANT_ID: tenantId } : env;
  if (!hasAzureCredentials(merged)) {
    throw new AzureNotConfiguredError(
      "No Azure credentials are configured: set AZURE_TENANT_ID and AZURE_CLIENT_ID with AZURE_CLIENT_SECRET, " +
        "AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE (or ATLAS_USE_AZURE_CLI=1), or use --emulate <tenant.json>.",
    );
  }
  const configured = scanTargetFromEnv(merged);
  const target = configured.tenantId
    ? configured
    : { ...configured, tenantId: await tenantIdOfCredential(configured.credential, configured.armEndpoint) };
  return {
    tenant: {
      id: target.tenantId.toLowerCase(),
      displayName: merged.ATLAS_TENANT_NAME ?? target.tenantId,
      source: "azure",
    },
    collect: async (onProgress) => collectTenant(target, { onProgress }),
  };
}
