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
      return Buffer.from(await renderReportDocument(content, htmlOptions), "utf8");
    case "csv":
      return Buffer.from(renderReportCsv(content), "utf8");
    case "json":
      return Buffer.from(renderReportJson(content), "utf8");
  }
}

export type ReportIdSegment =
  | { ok: true; id: bigint; format: ReportFormat | null }
  | { ok: false; code: "invalid_report_id" | "unknown_format"; message: string };

/** `12.pdf` → report 12 as PDF; `12` → report 12 itself; anything else says what is wrong. */
export function parseReportIdSegment(segment: string): ReportIdSegment {
  const match = /^([1-9]\d{0,17})(?:\.([A-Za-z0-9]+))?$/.exec(segment);
  if (!match) {
    return {
      ok: false,
      code: "invalid_report_id",
      message: "A report id is a positive integer, optionally followed by .pdf, .html, .csv or .json.",
    };
  }
  if (match[2] === undefined) return { ok: true, id: BigInt(match[1]), format: null };
  const format = reportFormatSchema.safeParse(match[2].toLowerCase());
  if (!format.success) {
    return {
      ok: false,
      code: "unknown_format",
      message: `Unknown format .${match[2]}: use .pdf, .html, .csv or .json.`,
    };
  }
  return { ok: true, id: BigInt(match[1]), format: format.data };
}
