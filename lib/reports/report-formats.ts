import { z } from "zod";
import { renderReportCsv } from "@/lib/reports/render-csv";
import { type ReportHtmlOptions, renderReportDocument } from "@/lib/reports/render-html";
import { renderReportJson } from "@/lib/reports/render-json";
import { renderReportPdf } from "@/lib/reports/render-pdf";
import type { ReportContent } from "@/lib/reports/report-schema";

// The four files a report can be handed over as, with their media types and file names.

export const reportFormatSchema = z.enum(["pdf", "html", "csv", "json"]);
export type ReportFormat = z.infer<typeof reportFormatSchema>;

export const REPORT_MEDIA_TYPES: Record<ReportFormat, string> = {
  pdf: "application/pdf",
  html: "text/html; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
};

/** `atlas-report-12.pdf`, `atlas-report-12-redacted.csv` */
export function reportFileName(content: ReportContent, format: ReportFormat): string {
  return `atlas-report-${content.report.id}${content.report.redacted ? "-redacted" : ""}.${format}`;
}

export async function renderReport(
  content: ReportContent,
  format: ReportFormat,
  htmlOptions: ReportHtmlOptions = {},
): Promise<Uint8Array> {
  switch (format) {
    case "pdf":
      return renderReportPdf(content);
    case "html":
      return Buffer.from(renderReportDocument(content, htmlOptions), "utf8");
    case "csv":
      return Buffer.from(renderReportCsv(content), "utf8");
    case "json":
      return Buffer.from(renderReportJson(content), "utf8");
  }
}

/** `12.pdf` → { id: "12", format: "pdf" }; `12` → { id: "12", format: null }; anything else → null. */
export function parseReportIdSegment(segment: string): { id: bigint; format: ReportFormat | null } | null {
  const match = /^([1-9]\d{0,17})(?:\.([a-z]+))?$/.exec(segment);
  if (!match) return null;
  if (match[2] === undefined) return { id: BigInt(match[1]), format: null };
  const format = reportFormatSchema.safeParse(match[2]);
  return format.success ? { id: BigInt(match[1]), format: format.data } : null;
}
