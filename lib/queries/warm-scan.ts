import { getOverview } from "@/lib/queries/get-overview";
import { getPostureTrend } from "@/lib/queries/get-posture-trend";
import { groupClustersOf } from "@/lib/queries/get-principal";
import { findingIndex } from "@/lib/queries/list-findings";
import { identitySummaries } from "@/lib/queries/list-identities";
import { resolveScanScope } from "@/lib/queries/scan-scope";

/**
 * Computes the per-scan aggregates the overview, findings and identities pages read — each memoized per scan
 * in this process, since a completed scan's state never changes — right after the scan commits, so the first
 * visitor does not wait for them (at 500 clusters the posture trend's cluster-admin count alone reads about
 * 700,000 grants). The server calls it for every scan it runs (lib/server/background.ts).
 */
export async function warmScanReads(tenantId: string, scanId: bigint): Promise<void> {
  const scope = await resolveScanScope(scanId.toString(), tenantId);
  if (!scope) return;
  await Promise.all([
    getOverview(scope),
    getPostureTrend(scope),
    findingIndex(scope),
    identitySummaries(scope),
    // which clusters each group has rows on: the principal page's key ranges (1.5 s at 500 clusters)
    groupClustersOf(scope),
  ]);
}
