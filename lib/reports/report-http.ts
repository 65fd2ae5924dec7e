import type { ReportHtmlOptions } from "@/lib/reports/render-html";
import {
  REPORT_MEDIA_TYPES,
  type ReportFormat,
  renderReport,
  reportFileName,
} from "@/lib/reports/report-formats";
import type { ReportContent } from "@/lib/reports/report-schema";

// What the report route handlers share besides handle(): a rendered report as a file response.

/** A rendered report: inline for HTML (to read and print), a download otherwise. */
export async function reportFileResponse(
  content: ReportContent,
  format: ReportFormat,
  options: { htmlOptions?: ReportHtmlOptions; headers?: Record<string, string> } = {},
): Promise<Response> {
  const body = await renderReport(content, format, options.htmlOptions);
  const disposition = format === "html" ? "inline" : "attachment";
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: {
      "Content-Type": REPORT_MEDIA_TYPES[format],
      "Content-Disposition": `${disposition}; filename="${reportFileName(content, format)}"`,
      "X-Content-Type-Options": "nosniff",
      ...options.headers,
    },
  });
}
