import type { NextResponse } from "next/server";
import { z } from "zod";
import { jsonError } from "@/lib/http/errors";
import { issuesMessage } from "@/lib/http/params";
import type { ReportHtmlOptions } from "@/lib/reports/render-html";
import { PdfUnavailableError } from "@/lib/reports/render-pdf";
import { ReportContentError, ReportInputError, ReportNotFoundError } from "@/lib/reports/report-errors";
import {
  REPORT_MEDIA_TYPES,
  type ReportFormat,
  renderReport,
  reportFileName,
} from "@/lib/reports/report-formats";
import type { ReportContent } from "@/lib/reports/report-schema";

// What the report route handlers share: typed failures to the one JSON error shape (bad input is a 400,
// never a 500), and a rendered report as a file response.

export function reportErrorResponse(error: unknown, what: string): NextResponse {
  if (error instanceof ReportNotFoundError) return jsonError(404, error.code, error.message);
  if (error instanceof ReportInputError) return jsonError(400, error.code, error.message);
  if (error instanceof z.ZodError) return jsonError(400, "invalid_input", issuesMessage(error));
  if (error instanceof PdfUnavailableError) return jsonError(503, "pdf_unavailable", error.message);
  if (error instanceof ReportContentError) {
    console.error(`[atlas] ${what}: ${error.message}`);
    return jsonError(
      500,
      "report_unreadable",
      "The stored report cannot be read by this version of the product.",
    );
  }
  console.error(`[atlas] ${what} failed`, error);
  return jsonError(500, "internal", "The request could not be answered; the server log has the details.");
}

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
