/**
 * The tenant file's `coverage` section: what the collector that wrote the file could not read
 * (`aks-atlas collect`, deploy/collect.sh). The emulator serves the file as it is and ignores it; the
 * offline import (`aks-atlas import`) marks those sources partial or not read, as a scan that met the
 * same failures would, so they close nothing in the store. Format: docs/tenant-file.md, "coverage".
 */
import { z } from "zod";
import {
  ADMINISTRATIVE_UNITS_SOURCE,
  APPLICATION_CREDENTIALS_SOURCE,
  PIM_SOURCE,
} from "@/lib/model/directory";
import { AZURE_PIM_SOURCE, DIRECTORY_SOURCE } from "@/lib/model/sources";
import type { TenantFile, TenantFileReport } from "@/lib/model/wire/tenant-file";

// Local patterns: tenant-file.ts imports this module, so importing its schemas would be a cycle.
const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const CLUSTER_ID =
  "/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\\.containerservice/managedclusters/[^/]+";

/**
 * Keys are the scanner's coverage sources (lib/model/sources.ts, docs/scanner.md "Coverage and errors"),
 * so an imported scan's coverage reads exactly like a scan's: `directory`, `directory:pim`,
 * `directory:administrativeUnits`, `directory:applicationCredentials`, `pim:azure`, `sub:<subscription id>`, `cluster:<managedCluster resource id>`.
 * The sources named without an id are listed as the scanner spells them; the file's keys match them
 * without regard to case.
 */
export const NAMED_COVERAGE_SOURCES = [
  DIRECTORY_SOURCE,
  PIM_SOURCE,
  ADMINISTRATIVE_UNITS_SOURCE,
  APPLICATION_CREDENTIALS_SOURCE,
  AZURE_PIM_SOURCE,
] as const;

export const COVERAGE_SOURCE_PATTERN = new RegExp(
  `^(${NAMED_COVERAGE_SOURCES.join("|")}|sub:${GUID}|cluster:${CLUSTER_ID})$`,
  "i",
);

export const unreadSourceSchema = z.strictObject({
  /** partial: some of it was read (the reason names what was not); not-read: nothing was. */
  status: z.enum(["partial", "not-read"]),
  reason: z.string().min(1),
});

export const tenantCoverageSchema = z.strictObject({
  /** The tool and version that wrote the file, e.g. "aks-atlas collect 0.1.0" or "collect.sh 1". */
  collectedBy: z.string().min(1).optional(),
  collectedAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).optional(),
  /** Every source the collector could not read completely; absent sources were read completely. */
  unread: z
    .record(z.string(), unreadSourceSchema)
    .default({})
    // Checked here rather than as the record's key schema: zod reports a bad key only as "Invalid key in record".
    .superRefine((unread, context) => {
      for (const source of Object.keys(unread)) {
        if (!COVERAGE_SOURCE_PATTERN.test(source))
          context.addIssue({
            code: "custom",
            path: [source],
            message:
              "must be a coverage source: directory, directory:pim, directory:administrativeUnits, directory:applicationCredentials, pim:azure, sub:<subscription id> or cluster:<managedCluster resource id>",
          });
      }
    }),
});

export type TenantCoverage = z.infer<typeof tenantCoverageSchema>;

/** What a schema cannot say: a subscription or cluster the coverage names must be one the file knows. */
export function checkCoverageSemantics(tenant: TenantFile, report: TenantFileReport): void {
  const unread = tenant.coverage?.unread ?? {};
  const subscriptions = new Set(tenant.subscriptions.map((s) => s.subscriptionId.toLowerCase()));
  const clusters = new Set(
    tenant.subscriptions.flatMap((s) =>
      s.resources
        .filter((r) => r.type.toLowerCase() === "microsoft.containerservice/managedclusters")
        .map((r) => r.id.toLowerCase()),
    ),
  );
  for (const [source, entry] of Object.entries(unread)) {
    const path = `$.coverage.unread[${JSON.stringify(source)}]`;
    const [kind, ...rest] = source.split(":");
    const id = rest.join(":").toLowerCase();
    // A subscription the collector could not see at all is not in the file: that is what not-read means.
    if (kind.toLowerCase() === "sub" && entry.status === "partial" && !subscriptions.has(id))
      report.errors.push({
        path,
        message: `a partial subscription must be in $.subscriptions (${id} is not)`,
      });
    if (kind.toLowerCase() === "cluster") {
      if (!clusters.has(id))
        report.errors.push({ path, message: `no managedCluster resource with this id in $.subscriptions` });
      else {
        const data = Object.entries(tenant.clusters).find(([key]) => key.toLowerCase() === id)?.[1];
        // Without objects, the import would otherwise fill the cluster with AKS's defaults.
        if (entry.status === "not-read" && data && data.reachable !== false && data.objects.length > 0)
          report.errors.push({
            path,
            message: `a not-read cluster has Kubernetes objects in $.clusters; use "partial", or set reachable: false`,
          });
      }
    }
  }
}
