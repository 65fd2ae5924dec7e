import type { ReportContent } from "@/lib/reports/report-schema";
import { CountsBar, ReportTable } from "./report-parts";

const FINDINGS_COLUMNS = [
  "Clusters",
  "Failing",
  "Critical",
  "High",
  "Medium",
  "Low",
  "Passing",
  "Not assessed",
  "Cluster-admin holders",
];
const CLUSTER_COLUMNS = [
  "Cluster",
  "Failing",
  "Critical",
  "Passing",
  "Cluster-admin holders",
  "Kubernetes API",
];

/** Section 1: a score per framework, the findings in scope, gaps in the scan, one row per cluster. */
export function ReportSummary({ content }: { content: ReportContent }) {
  const { summary, scan } = content;
  const sev = summary.failingBySeverity;
  return (
    <section aria-labelledby="summary">
      <h2 id="summary">1. Summary</h2>
      <p>
        The score of a framework is the share of its assessed controls that pass: a control fails when any
        finding behind it fails on any cluster in scope.
      </p>
      <div className="cards">
        {content.frameworks.map((f) => (
          <div key={f.framework} className="card">
            <div className="label">{f.title}</div>
            <div className="score">{f.score === null ? "–" : `${f.score}%`}</div>
            <CountsBar counts={f.controls} />
            <div className="small">
              {`${f.controls.pass} of ${f.controls.pass + f.controls.fail} assessed controls pass · ${f.controls.fail} fail · ${f.controls.notAssessed} not assessed`}
            </div>
          </div>
        ))}
      </div>
      <ReportTable caption="Findings in scope" columns={FINDINGS_COLUMNS} numeric={FINDINGS_COLUMNS.slice(1)}>
        <tr>
          <td>{summary.clusters}</td>
          <td className="num">{summary.findings.fail}</td>
          <td className="num">{sev.critical ?? 0}</td>
          <td className="num">{sev.high ?? 0}</td>
          <td className="num">{sev.medium ?? 0}</td>
          <td className="num">{sev.low ?? 0}</td>
          <td className="num">{summary.findings.pass}</td>
          <td className="num">{summary.findings.notAssessed}</td>
          <td className="num">
            {summary.clusterAdminHolders}
            {summary.eligibleClusterAdminHolders ? (
              <div className="small muted">{`+ ${summary.eligibleClusterAdminHolders} eligible`}</div>
            ) : null}
          </td>
        </tr>
      </ReportTable>
      {scan.incompleteSources.length > 0 && (
        <p className="note">
          {`The scan could not read everything in scope: ${scan.incompleteSources
            .map((s) => `${s.label} (${s.status}${s.reason ? `: ${s.reason}` : ""})`)
            .join("; ")}. Findings that depend on what was not read are “not assessed”, never “pass”.`}
        </p>
      )}
      <ClusterTable content={content} />
    </section>
  );
}

function ClusterTable({ content }: { content: ReportContent }) {
  if (content.scope.clusters.length === 0) return <p className="muted">No cluster in scope.</p>;
  return (
    <ReportTable caption="Clusters in scope" columns={CLUSTER_COLUMNS} numeric={CLUSTER_COLUMNS.slice(1, 5)}>
      {content.scope.clusters.map((cluster) => {
        const findings = content.findings.filter((f) => f.cluster.id === cluster.id);
        const failing = findings.filter((f) => f.status === "fail");
        const critical = failing.filter((f) => f.severity === "critical").length;
        const holders = content.clusterAdmins.find((c) => c.cluster.id === cluster.id)?.holders.length ?? 0;
        return (
          <tr key={cluster.id}>
            <td>
              <strong>{cluster.name}</strong>
              <div className="small muted">{cluster.resourceGroup}</div>
            </td>
            <td className="num">{failing.length}</td>
            <td className="num">{critical}</td>
            <td className="num">{findings.filter((f) => f.status === "pass").length}</td>
            <td className="num">{holders}</td>
            <td>{cluster.kubernetesAssessed ? "read completely" : <strong>not read</strong>}</td>
          </tr>
        );
      })}
    </ReportTable>
  );
}
