import type { AccessRoute } from "@/lib/access/types";
import type { DriftReport } from "@/lib/drift/types";
import {
  type DriftAdmin,
  REPORT_MAX_SCAN_EVENTS,
  type ReportContent,
  type ReportDrift,
  type ReportFinding,
  type ReportFramework,
  type ReportScanEvents,
} from "@/lib/reports/report-schema";
import type { ReportScope } from "@/lib/reports/scope";

// Drift since the previous report of the same scope, worked out by comparing the two frozen reports:
// what newly fails, what was resolved, who gained or lost cluster-admin. Comparing reports (not scans)
// means the section says exactly how this report differs from the one the reader saw last.
// The scan-to-scan events of lib/drift (every object, access and finding change between the two reports'
// scans) are added by scanEventsForReport, for the clusters in scope.

const driftFinding = (f: ReportFinding) => ({
  key: f.key,
  ruleId: f.ruleId,
  severity: f.severity,
  cluster: f.cluster,
  title: f.title,
  summary: f.summary,
});

function adminsOf(content: ReportContent): Map<string, DriftAdmin> {
  const admins = new Map<string, DriftAdmin>();
  for (const cluster of content.clusterAdmins) {
    // A cluster whose Kubernetes side was not read has unknown holders: neither gained nor lost.
    if (!cluster.kubernetesAssessed) continue;
    for (const holder of cluster.holders) {
      admins.set(`${cluster.cluster.id}|${holder.principal.id}`, {
        cluster: cluster.cluster,
        principal: holder.principal,
        routes: holder.routes.map((r) => r.route as AccessRoute),
      });
    }
  }
  return admins;
}

/** A report's drift with nothing to compare against: the first report of its kind. */
export function emptyReportDrift(): ReportDrift {
  return {
    previousReport: null,
    method: "report-comparison",
    comparedFrameworks: [],
    findings: { newlyFailing: [], resolved: [] },
    clusterAdmins: { gained: [], lost: [] },
    scanEvents: null,
  };
}

export function compareReports(previous: ReportContent | null, current: ReportContent): ReportDrift {
  if (!previous) return emptyReportDrift();
  const previousFrameworks = new Set(previous.frameworks.map((f) => f.framework));
  const compared: ReportFramework[] = current.frameworks
    .map((f) => f.framework)
    .filter((f) => previousFrameworks.has(f));
  const inCompared = (f: ReportFinding) => f.controls.some((c) => compared.includes(c.framework));
  const failing = (content: ReportContent) =>
    new Map(content.findings.filter((f) => f.status === "fail" && inCompared(f)).map((f) => [f.key, f]));
  const before = failing(previous);
  const after = failing(current);
  const currentByKey = new Map(current.findings.map((f) => [f.key, f]));
  const newlyFailing = [...after.values()].filter((f) => !before.has(f.key)).map(driftFinding);
  // Resolved: failed before, and now passes or is gone (a finding that is merely not assessed now is
  // not resolved: we do not know).
  const resolved = [...before.values()]
    .filter((f) => !after.has(f.key) && currentByKey.get(f.key)?.status !== "not-assessed")
    .map(driftFinding);

  const adminsBefore = adminsOf(previous);
  const adminsAfter = adminsOf(current);
  const assessedNow = new Set(
    current.clusterAdmins.filter((c) => c.kubernetesAssessed).map((c) => c.cluster.id),
  );
  const gained = [...adminsAfter.entries()].filter(([key]) => !adminsBefore.has(key)).map(([, a]) => a);
  const lost = [...adminsBefore.entries()]
    .filter(([key, a]) => !adminsAfter.has(key) && assessedNow.has(a.cluster.id))
    .map(([, a]) => a);
  const byClusterThenName = (a: DriftAdmin, b: DriftAdmin) =>
    a.cluster.name.localeCompare(b.cluster.name) ||
    a.principal.displayName.localeCompare(b.principal.displayName);

  return {
    previousReport: {
      id: previous.report.id,
      createdAt: previous.report.createdAt,
      scanId: previous.scan.id,
    },
    method: "report-comparison",
    comparedFrameworks: compared,
    findings: { newlyFailing, resolved },
    clusterAdmins: { gained: gained.sort(byClusterThenName), lost: lost.sort(byClusterThenName) },
    scanEvents: null,
  };
}

/**
 * lib/drift's events between two scans, limited to a report's scope: events of its clusters, and
 * tenant-level events (role assignments, directory changes) when the scope is not a list of clusters
 * (for a subscription scope, those whose subject lies under one of its subscriptions).
 */
export function scanEventsForReport(
  drift: DriftReport,
  scope: ReportScope,
  clusterIds: ReadonlySet<string>,
): ReportScanEvents {
  const inScope = drift.events.filter((event) => {
    if (event.cluster) return clusterIds.has(event.cluster.id);
    if (scope.clusterIds.length > 0) return false;
    if (scope.subscriptionIds.length === 0) return true;
    const key = event.subject.key.toLowerCase();
    return scope.subscriptionIds.some((id) => key.startsWith(`/subscriptions/${id}`));
  });
  const bySeverity: ReportScanEvents["bySeverity"] = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const event of inScope) bySeverity[event.severity] = (bySeverity[event.severity] ?? 0) + 1;
  return {
    fromScan: drift.from ?? "",
    toScan: drift.to,
    total: inScope.length,
    bySeverity,
    // lib/drift returns the events most severe first; the report keeps that order.
    events: inScope.slice(0, REPORT_MAX_SCAN_EVENTS).map((event) => ({
      kind: event.kind,
      severity: event.severity,
      message: event.message,
      cluster: event.cluster,
    })),
    suppressedStale: drift.suppressedStale,
  };
}
