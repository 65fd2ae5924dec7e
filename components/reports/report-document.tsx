// biome-ignore-all lint/style/noHeadElement: standalone documents rendered to a string, not Next pages
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
      <DocumentHead
        title={`${content.report.title} · report #${content.report.id}`}
        robots={options.robots}
        css={`html, body { margin: 0; background: #ffffff; }\n${PRINT_PAGE_CSS}\n${REPORT_CSS}`}
      />
      <body>
        <main>
          <ReportView content={content} options={options} />
        </main>
      </body>
    </html>
  );
}

/** The head of a standalone page: UTF-8, phone viewport, no referrer, its styles inline (it loads nothing). */
export function DocumentHead({ title, robots, css }: { title: string; robots?: "noindex"; css: string }) {
  return (
    <head>
      <meta charSet="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      {robots && <meta name="robots" content={robots} />}
      <meta name="referrer" content="no-referrer" />
      <title>{title}</title>
      <style>{css}</style>
    </head>
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
