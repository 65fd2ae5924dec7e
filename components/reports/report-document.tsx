import type { ReportContent } from "@/lib/reports/report-schema";
import { PRINT_PAGE_CSS, REPORT_CSS } from "@/lib/reports/report-styles";
import { ReportView, type ReportViewOptions } from "./report-view";

/**
 * The report as a standalone document: the .html download, the share page and the PDF's source. Inline
 * styles, no script, no external resource; the body is one main landmark.
 */
export function ReportDocument({
  content,
  options = {},
}: {
  content: ReportContent;
  options?: ReportViewOptions;
}) {
  return (
    <html lang="en">
      {/* biome-ignore lint/style/noHeadElement: a standalone document rendered to a string, not a Next page */}
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {options.robots && <meta name="robots" content={options.robots} />}
        <meta name="referrer" content="no-referrer" />
        <title>{`${content.report.title} · report #${content.report.id}`}</title>
        <style>{`html, body { margin: 0; background: #ffffff; }\n${PRINT_PAGE_CSS}\n${REPORT_CSS}`}</style>
      </head>
      <body>
        <main>
          <ReportView content={content} options={options} />
        </main>
      </body>
    </html>
  );
}

/** The PDF's running footer (Chromium's footer template): title, report id, page x of y. */
export function ReportPdfFooter({ content }: { content: ReportContent }) {
  const title = `${content.report.title} · report #${content.report.id}${content.report.redacted ? " · redacted" : ""}`;
  return (
    <div
      style={{
        width: "100%",
        fontSize: "8px",
        color: "#64748b",
        fontFamily: "Arial,'Liberation Sans','DejaVu Sans',sans-serif",
        padding: "0 14mm",
        display: "flex",
        justifyContent: "space-between",
      }}
    >
      <span>{`AKS Identity Atlas · ${title}`}</span>
      <span>
        Page <span className="pageNumber" /> of <span className="totalPages" />
      </span>
    </div>
  );
}
