import { createHash } from "node:crypto";
import { z } from "zod";
import { safeText } from "@/lib/http/safe-text";
import { normalizeArmId, normalizeGuid } from "@/lib/model/ids";

// What a report covers. Empty lists mean "all": the whole tenant, or every cluster of the chosen
// subscriptions. Two reports have "the same scope" when their normalised scopes are equal, which is
// how a report finds its predecessor for the drift section.

const guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const reportScopeInputSchema = z.strictObject({
  subscriptionIds: z.array(z.string().trim().regex(guid, "must be a subscription GUID")).max(500).default([]),
  /** cluster ARM ids, or cluster names (resolved against the scan; a name must be unique) */
  clusters: z.array(safeText().trim().min(1).max(1000)).max(5000).default([]),
});
export type ReportScopeInput = z.input<typeof reportScopeInputSchema>;

export type ReportScope = {
  /** lower-cased GUIDs, sorted, unique */
  subscriptionIds: string[];
  /** lower-cased cluster ARM ids, sorted, unique */
  clusterIds: string[];
};

export function normalizeScope(scope: { subscriptionIds: readonly string[]; clusterIds: readonly string[] }) {
  const unique = (values: string[]) => [...new Set(values)].sort();
  return {
    subscriptionIds: unique(scope.subscriptionIds.map(normalizeGuid)),
    clusterIds: unique(scope.clusterIds.map(normalizeArmId)),
  } satisfies ReportScope;
}

/** A short, stable key of (tenant, scope): equal scopes, equal keys. */
export function scopeKey(tenantId: string, scope: ReportScope): string {
  const normalized = normalizeScope(scope);
  return createHash("sha256")
    .update(JSON.stringify([tenantId.toLowerCase(), normalized.subscriptionIds, normalized.clusterIds]))
    .digest("hex");
}

export function clusterInScope(scope: ReportScope, cluster: { id: string; subscriptionId: string }): boolean {
  const subscriptionOk =
    scope.subscriptionIds.length === 0 ||
    scope.subscriptionIds.includes(normalizeGuid(cluster.subscriptionId));
  const clusterOk = scope.clusterIds.length === 0 || scope.clusterIds.includes(normalizeArmId(cluster.id));
  return subscriptionOk && clusterOk;
}

export class ScopeResolutionError extends Error {
  override name = "ScopeResolutionError";
}

/**
 * Turns user input (cluster names or ids) into a scope against the clusters a scan knows. Unknown or
 * ambiguous names are errors that say which: a report about a cluster that does not exist would be a
 * report about nothing.
 */
export function resolveScope(
  input: { subscriptionIds: readonly string[]; clusters: readonly string[] },
  known: readonly { id: string; name: string; subscriptionId: string }[],
  knownSubscriptionIds: readonly string[],
): ReportScope {
  const subscriptions = new Set(knownSubscriptionIds.map(normalizeGuid));
  for (const clusterSubscription of known)
    subscriptions.add(normalizeGuid(clusterSubscription.subscriptionId));
  const unknownSubscriptions = input.subscriptionIds.filter((s) => !subscriptions.has(normalizeGuid(s)));
  if (unknownSubscriptions.length > 0) {
    throw new ScopeResolutionError(
      `Unknown subscription(s) in this scan: ${unknownSubscriptions.join(", ")}.`,
    );
  }
  const clusterIds: string[] = [];
  for (const wanted of input.clusters) {
    if (wanted.startsWith("/")) {
      const id = normalizeArmId(wanted);
      if (!known.some((c) => c.id === id))
        throw new ScopeResolutionError(`No cluster ${wanted} in this scan.`);
      clusterIds.push(id);
      continue;
    }
    const matches = known.filter((c) => c.name.toLowerCase() === wanted.toLowerCase());
    if (matches.length === 0) throw new ScopeResolutionError(`No cluster named "${wanted}" in this scan.`);
    if (matches.length > 1) {
      throw new ScopeResolutionError(
        `Several clusters are named "${wanted}"; give the ARM id instead: ${matches.map((c) => c.id).join(", ")}.`,
      );
    }
    clusterIds.push(matches[0].id);
  }
  return normalizeScope({ subscriptionIds: [...input.subscriptionIds], clusterIds });
}

export function describeScope(
  scope: ReportScope,
  tenantName: string,
  subscriptionNames: ReadonlyMap<string, string>,
  clusterNames: ReadonlyMap<string, string>,
): string {
  const parts: string[] = [];
  if (scope.subscriptionIds.length > 0) {
    const names = scope.subscriptionIds.map((id) => subscriptionNames.get(id) ?? id);
    parts.push(
      `${scope.subscriptionIds.length === 1 ? "subscription" : "subscriptions"} ${names.join(", ")}`,
    );
  }
  if (scope.clusterIds.length > 0) {
    const names = scope.clusterIds.map((id) => clusterNames.get(id) ?? id);
    parts.push(`${scope.clusterIds.length === 1 ? "cluster" : "clusters"} ${names.join(", ")}`);
  }
  return parts.length === 0
    ? `the whole tenant ${tenantName}`
    : `${parts.join("; ")} of tenant ${tenantName}`;
}
