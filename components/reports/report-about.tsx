import type { ReportContent } from "@/lib/reports/report-schema";
import { formatDate } from "./report-format";
import { ReportTable } from "./report-parts";

/** Section 7: what "frozen" means, the statuses, and what could not be assessed and why. */
export function ReportAbout({ content }: { content: ReportContent }) {
  const notAssessed = content.findings.filter((f) => f.status === "not-assessed");
  const { scan, tenant, report } = content;
  const caption = `Not assessed (${notAssessed.length})`;
  return (
    <section aria-labelledby="about">
      <h2 id="about">7. About this report</h2>
      <p>
        {`This report is frozen: it shows what scan #${scan.id} of tenant ${tenant.displayName} found (started ${formatDate(scan.startedAt)}, scanner ${scan.productVersion || "unknown version"}), and later scans never change it. It was created by AKS Identity Atlas ${report.productVersion} on ${formatDate(report.createdAt)}.`}
      </p>
      <p>
        <strong>Statuses.</strong> A rule result <em>fails</em> when the scan proves the problem,{" "}
        <em>passes</em> when the scan proves its absence, and is <em>not assessed</em> when the scan could not
        read what the rule needs (for example a private cluster's Kubernetes API). A control passes when no
        result behind it fails and at least one passes.
      </p>
      {notAssessed.length > 0 && (
        <ReportTable caption={caption} columns={["Cluster", "Rule", "Why"]}>
          {notAssessed.map((f) => (
            <tr key={f.key}>
              <td>{f.cluster.name}</td>
              <td>{f.title}</td>
              <td className="small">{f.summary}</td>
            </tr>
          ))}
        </ReportTable>
      )}
    </section>
  );
}
