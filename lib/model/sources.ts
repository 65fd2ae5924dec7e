import { normalizeArmId, normalizeGuid, parseArmId } from "@/lib/model/ids";

// A source is the unit of collection a record came from. A source a scan could not read closes
// nothing in the store, so these names must be the same in the scanner's coverage and in records.

/** Directory objects (principals, group memberships) and tenant-level ARM objects (management groups,
 * built-in role definitions, assignments at management-group or root scope). */
export const DIRECTORY_SOURCE = "directory";
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
