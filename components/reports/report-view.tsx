import type { ReportContent } from "@/lib/reports/report-schema";
import { ReportAbout } from "./report-about";
import { ReportClusterAdmins } from "./report-cluster-admins";
import { ReportContents } from "./report-contents";
import { ReportControls } from "./report-controls";
import { ReportCover, type ReportDownload } from "./report-cover";
import { ReportDriftSection } from "./report-drift";
import { ReportFindings } from "./report-findings";
import { ReportRemediation } from "./report-remediation";
import { ReportSummary } from "./report-summary";

// The compliance report, one set of components for every place it is shown: the app's report page renders
// <ReportView> as a server component; the .html download, the share link and the PDF render it inside
// <ReportDocument> with renderToStaticMarkup (lib/reports/render-html.ts). React escapes every value:
// report content is data, never markup, and nothing here sets inner HTML.

export type ReportViewOptions = {
  /** page number of each section id, when known (the PDF renderer's second pass) */
  tocPages?: Readonly<Record<string, number>>;
  /** download links for the header (screen only) */
  downloads?: readonly ReportDownload[];
  /** a robots meta element in standalone documents */
  robots?: "noindex";
  /** a line above the cover (screen only), e.g. how a shared copy reached its reader */
  notice?: string;
};

/** The report body, scoped under `.atlas-report` (REPORT_CSS); the page puts the styles next to it. */
export function ReportView({
  content,
  options = {},
}: {
  content: ReportContent;
  options?: ReportViewOptions;
}) {
  return (
    <article className="atlas-report" lang="en">
      <ReportCover content={content} downloads={options.downloads} notice={options.notice} />
      <ReportContents content={content} pages={options.tocPages} />
      <ReportSummary content={content} />
      <ReportControls content={content} />
      <ReportClusterAdmins clusterAdmins={content.clusterAdmins} />
      <ReportDriftSection content={content} />
      <ReportFindings content={content} />
      <ReportRemediation content={content} />
      <ReportAbout content={content} />
      <footer className="colophon">
        {`AKS Identity Atlas ${content.report.productVersion} · report #${content.report.id} · report schema version ${content.schemaVersion}`}
      </footer>
    </article>
  );
}
