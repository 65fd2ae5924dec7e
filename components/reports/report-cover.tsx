import { Fragment } from "react";
import type { ReportContent } from "@/lib/reports/report-schema";
import { formatDate } from "./report-format";

export type ReportDownload = { label: string; href: string };

/** Title, scope, provenance; on screen the downloads and how a shared copy reached its reader. */
export function ReportCover({
  content,
  downloads,
  notice,
}: {
  content: ReportContent;
  downloads?: readonly ReportDownload[];
  notice?: string;
}) {
  const { report, scope, tenant, scan } = content;
  return (
    <header className="cover">
      {notice && <p className="share-note screen-only">{notice}</p>}
      <p className="eyebrow">AKS Identity Atlas · Compliance report</p>
      <h1>{report.title}</h1>
      <p className="subtitle">{scope.description}</p>
      <dl className="meta">
        <dt>Report</dt>
        <dd>{`#${report.id}, created ${formatDate(report.createdAt)}`}</dd>
        <dt>Tenant</dt>
        <dd>
          {`${tenant.displayName} `}
          <span className="muted small">{`(${tenant.id})`}</span>
        </dd>
        <dt>Scan</dt>
        <dd>{`#${scan.id}, ${scan.status}, finished ${formatDate(scan.finishedAt)}`}</dd>
        <dt>Frameworks</dt>
        <dd>{content.frameworks.map((f) => f.title).join(", ")}</dd>
        <dt>Clusters</dt>
        <dd>{scope.clusters.length === 0 ? "none" : scope.clusters.map((c) => c.name).join(", ")}</dd>
        <dt>Product</dt>
        <dd>{`AKS Identity Atlas ${report.productVersion}`}</dd>
      </dl>
      {report.redacted && (
        <p className="redacted-note">
          Personal data is redacted in this copy: user names, user principal names and e-mail addresses are
          replaced by pseudonyms such as “User 3f2a”, the same for one person throughout this report.
        </p>
      )}
      {downloads && downloads.length > 0 && (
        <p className="screen-only small">
          {"Download: "}
          {downloads.map((d, index) => (
            <Fragment key={d.href}>
              {index > 0 && " · "}
              <a href={d.href}>{d.label}</a>
            </Fragment>
          ))}
        </p>
      )}
    </header>
  );
}
