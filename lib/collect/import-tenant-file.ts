import { APPLICATION_CREDENTIALS_SOURCE } from "@/lib/model/directory";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { clusterSource, subscriptionSource } from "@/lib/model/sources";
import { type TenantModel, tenantModelSchema } from "@/lib/model/tenant-model";
import {
  parseJsonText,
  parseTenantFile,
  TENANT_FILE_VERSION,
  type TenantFile,
  TenantFileError,
} from "@/lib/model/wire/tenant-file";
import { NAMED_COVERAGE_SOURCES } from "@/lib/model/wire/tenant-file-coverage";
import type { ScanError } from "@/lib/scan/scan-types";
import type { TenantSource } from "@/lib/scan/tenant-sources";
import { readTenantFileText } from "@/lib/tenant-file/read-tenant-file";

// The offline import: a tenant file → a scan, through the same store and analysis as every other scan.
// The file is the source; nothing is sent anywhere (no emulator, no network).

/**
 * Reads a tenant file for import. A file of a newer format version is refused on its own, before its
 * sections are checked: their problems would only be noise when the version itself is the reason.
 */
export async function readTenantFileForImport(path: string): Promise<TenantFile> {
  const text = await readTenantFileText(path);
  const json = parseJsonText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, path);
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version > TENANT_FILE_VERSION) {
    throw new TenantFileError(
      `${path} is a version ${version} tenant file; this aks-atlas reads tenant file version ${TENANT_FILE_VERSION} only — update aks-atlas to import it`,
      [{ path: "$.version", message: `version ${version} is newer than ${TENANT_FILE_VERSION}` }],
      false,
    );
  }
  return parseTenantFile(json, path);
}

/**
 * The model a scan of this tenant would have produced, coverage included: `modelFromTenantFile` reads
 * everything the file holds as complete, then the file's `coverage.unread` marks what its collector could
 * not read — partial or not read, with the collector's reason — so those sources close nothing in the
 * store and the scan is partial, as a scan meeting the same failures is.
 */
export function modelFromImportedTenantFile(tenant: TenantFile): { model: TenantModel; errors: ScanError[] } {
  const model = modelFromTenantFile(tenant);
  const errors: ScanError[] = [];
  for (const [rawSource, entry] of Object.entries(tenant.coverage?.unread ?? {})) {
    const [kind, ...rest] = rawSource.split(":");
    const source =
      kind.toLowerCase() === "cluster"
        ? clusterSource(rest.join(":"))
        : kind.toLowerCase() === "sub"
          ? subscriptionSource(rest.join(":"))
          : // as the scanner spells it: the engine reads `directory:administrativeUnits`, not a lower-cased key
            (NAMED_COVERAGE_SOURCES.find((named) => named.toLowerCase() === rawSource.toLowerCase()) ??
            rawSource.toLowerCase());
    model.coverage[source] = { status: entry.status, reason: entry.reason };
    if (kind.toLowerCase() === "cluster" && entry.status === "not-read") {
      // The file has no objects for it; without this the model would hold AKS's defaults as if read.
      const clusterId = model.clusters.find((c) => clusterSource(c.id) === source)?.id;
      if (clusterId) delete model.kubernetes[clusterId];
    }
    // Likewise applications' federated credentials: not read is "unknown", never "none".
    if (source === APPLICATION_CREDENTIALS_SOURCE && entry.status === "not-read")
      model.applicationFederatedCredentials = undefined;
    errors.push({
      source,
      code: entry.status === "partial" ? "PartiallyCollected" : "NotCollected",
      message: entry.reason,
    });
  }
  return { model: tenantModelSchema.parse(model), errors };
}

/** A TenantSource whose collection is reading the file: `aks-atlas import` hands it to runScan. */
export function importedTenantSource(tenant: TenantFile, tenantFile: string): TenantSource {
  return {
    tenant: {
      id: tenant.tenantId.toLowerCase(),
      displayName: tenant.displayName ?? tenant.tenantId,
      source: "import",
      tenantFile,
    },
    collect: async (onProgress) => {
      onProgress({ done: 0, total: 1, current: tenantFile });
      const { model, errors } = modelFromImportedTenantFile(tenant);
      onProgress({ done: 1, total: 1 });
      return {
        model,
        errors,
        apiCalls: {},
        counts: {
          subscriptions: model.subscriptions.length,
          managementGroups: model.managementGroups.length,
          clusters: model.clusters.length,
          clustersRead: Object.keys(model.kubernetes).length,
          identities: model.identities.length,
          federatedCredentials: model.federatedCredentials.length,
          roleDefinitions: model.roleDefinitions.length,
          roleAssignments: model.roleAssignments.length,
          roleEligibilities: model.roleEligibilities.length,
          roleAssignmentSchedules: model.roleAssignmentSchedules.length,
          denyAssignments: model.denyAssignments.length,
          principals: model.principals.length,
          deletedPrincipals: model.principals.filter((principal) => principal.deleted).length,
          groups: model.groupMemberships.length,
          kubernetesObjects: Object.values(tenant.clusters).reduce(
            (sum, data) => sum + data.objects.length,
            0,
          ),
        },
      };
    },
  };
}
