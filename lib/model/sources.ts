import { normalizeArmId, normalizeGuid, parseArmId } from "@/lib/model/ids";

// A source is the unit of collection a record came from. A source a scan could not read closes
// nothing in the store, so these names must be the same in the scanner's coverage and in records.

/** Directory objects (principals, group memberships) and tenant-level ARM objects (management groups,
 * built-in role definitions, assignments at management-group or root scope). */
export const DIRECTORY_SOURCE = "directory";
/**
 * PIM for Azure resources (eligible and time-bound active role assignments), read at every scope the
 * scan reaches. Its own source: a tenant without the Entra ID P2 licence cannot answer it, and that
 * must neither make the subscriptions partial nor close what an earlier scan read.
 */
export const AZURE_PIM_SOURCE = "pim:azure";
/** Results derived by analysis (access grants, findings). */
export const ANALYSIS_SOURCE = "analysis";

export function subscriptionSource(subscriptionId: string): string {
  return `sub:${normalizeGuid(subscriptionId)}`;
}

export function clusterSource(clusterId: string): string {
  return `cluster:${normalizeArmId(clusterId)}`;
}

/** `sub:<id>` for anything at or below a subscription, the directory source above it. */
export function sourceOfScope(scope: string): string {
  const { subscriptionId } = parseArmId(scope);
  return subscriptionId ? subscriptionSource(subscriptionId) : DIRECTORY_SOURCE;
}
