import { getCluster } from "@/lib/queries/get-cluster";
import { getClusterAccessSummary } from "@/lib/queries/get-cluster-access-summary";
import { getClusterDifferences } from "@/lib/queries/get-cluster-differences";
import { getClusterFindings } from "@/lib/queries/get-cluster-findings";
import { getOverview } from "@/lib/queries/get-overview";
import { getPostureTrend } from "@/lib/queries/get-posture-trend";
import {
  getPrincipal,
  groupClustersOf,
  PRINCIPAL_CLUSTERS_PER_PAGE,
  signInGroupHolds,
} from "@/lib/queries/get-principal";
import { listClusters } from "@/lib/queries/list-clusters";
import { findingIndex } from "@/lib/queries/list-findings";
import { identitySummaries } from "@/lib/queries/list-identities";
import { principalSummaries } from "@/lib/queries/list-principals";
import { allRoleAssignments, differenceClusters } from "@/lib/queries/scan-directory";
import { resolveScanScope } from "@/lib/queries/scan-scope";
import { latestCompletedScan } from "@/lib/queries/snapshot";
import { clusterAdminCandidates } from "@/lib/queries/who-can-be-cluster-admin";

/** cluster pages (their details, access summary and findings) and principal pages warmed per scan (their memos keep 8 and 16) */
const PAGES_WARMED = 4;

/**
 * Computes every per-scan aggregate the pages read (each memoized per scan in this process, since a completed
 * scan's state never changes: lib/queries/scan-memo.ts), so the first visitor does not wait for them: at 500
 * clusters the posture trend's cluster-admin count alone reads about 700,000 grants, and the overview's "who
 * can be cluster-admin" and the clusters page's table took 3–7 s on a first visit. The server calls it for the
 * scans it runs and for the latest one (lib/server/background.ts, keepLatestScanWarm below).
 */
export async function warmScanReads(tenantId: string, scanId: bigint): Promise<void> {
  const scope = await resolveScanScope(scanId.toString(), tenantId);
  if (!scope) return;
  await Promise.all([
    getOverview(scope),
    getPostureTrend(scope),
    findingIndex(scope),
    identitySummaries(scope),
    // who holds or can become cluster-admin: the overview's table
    clusterAdminCandidates(scope),
    // the clusters page's table, and the principals page's list
    listClusters(scope),
    principalSummaries(scope),
    // which clusters each group has rows on: the principal page's key ranges (1.5 s at 500 clusters)
    groupClustersOf(scope),
    // whether the tenant's sign-in group holds anything: the principal page's groups
    signInGroupHolds(scope),
    // the principal page's role assignments and cluster differences
    allRoleAssignments(scope),
    differenceClusters(scope),
  ]);
  // the cluster pages heaviest to read: the clusters where the most principals hold cluster-admin
  const busiest = [...(await listClusters(scope))]
    .sort((a, b) => b.clusterAdmins - a.clusterAdmins || a.id.localeCompare(b.id))
    .slice(0, PAGES_WARMED);
  for (const cluster of busiest) {
    await getCluster(scope, cluster.id);
    await getClusterAccessSummary(scope, cluster.id);
    await getClusterFindings(scope, cluster.id);
  }
  // and the principal pages: those of the principals holding cluster-admin on the most clusters
  const widest = [...(await principalSummaries(scope))]
    .sort(
      (a, b) =>
        b.clusterAdminClusters - a.clusterAdminClusters ||
        b.clusters - a.clusters ||
        a.id.localeCompare(b.id),
    )
    .slice(0, PAGES_WARMED);
  for (const principal of widest) {
    await getPrincipal(scope, principal.id, { page: 1, perPage: PRINCIPAL_CLUSTERS_PER_PAGE });
    await getClusterDifferences(scope, principal.id);
  }
}

export interface ScanWarmer {
  stop(): Promise<void>;
}

/**
 * Keeps the latest completed scan warm in this process, whoever committed it. A scan this process runs is
 * warmed as it commits (lib/server/background.ts), but the web deployment runs none (ATLAS_WORKER=off: the
 * workers scan, in other processes), `aks-atlas scan` writes from outside, and a restarted server starts
 * cold: the first visitor of such a scan waited for every aggregate (the overview alone ~60 s at 500
 * clusters). So this checks now and every `intervalMs` (one indexed query) and warms the latest completed
 * scan when it is one it has not warmed.
 */
export function keepLatestScanWarm(options: {
  intervalMs: number;
  warm?: (tenantId: string, scanId: bigint) => Promise<void>;
  onError?: (error: unknown) => void;
}): ScanWarmer {
  const warm = options.warm ?? warmScanReads;
  const onError =
    options.onError ?? ((error) => console.error("[atlas] could not prepare the latest scan:", error));
  let warmed: bigint | null = null;
  let running = false;
  let stopped = false;
  const check = async () => {
    const scan = await latestCompletedScan();
    if (stopped || !scan || scan.id === warmed) return;
    // Taken before warming: a scan whose warming fails is not retried every interval (its first visitor
    // computes what is missing, as without warming).
    warmed = scan.id;
    await warm(scan.tenantId, scan.id);
  };
  const tick = () => {
    if (running || stopped) return;
    running = true;
    check()
      // after stop the database may be closing: nothing to report
      .catch((error: unknown) => {
        if (!stopped) onError(error);
      })
      .finally(() => {
        running = false;
      });
  };
  tick();
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    // Does not wait for a warming under way (a minute at 500 clusters): a server shutting down drops it.
    async stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
