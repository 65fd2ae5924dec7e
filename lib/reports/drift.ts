import type { AccessRoute } from "@/lib/access/types";
import type {
  DriftAdmin,
  ReportContent,
  ReportDrift,
  ReportFinding,
  ReportFramework,
} from "@/lib/reports/report-schema";

// Drift since the previous report of the same scope, worked out by comparing the two frozen reports:
// what newly fails, what was resolved, who gained or lost cluster-admin. Comparing reports (not scans)
// means the section says exactly how this report differs from the one the reader saw last.
// lib/drift (scan-to-scan inventory drift) can enrich this through BuildReportInput.drift.

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

export function compareReports(previous: ReportContent | null, current: ReportContent): ReportDrift {
  if (!previous) {
    return {
      previousReport: null,
      method: "report-comparison",
      comparedFrameworks: [],
      findings: { newlyFailing: [], resolved: [] },
      clusterAdmins: { gained: [], lost: [] },
    };
  }
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
  };
}
