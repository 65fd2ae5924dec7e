import { type NextRequest, NextResponse } from "next/server";
import { jsonError } from "@/lib/http/errors";
import { parseReportIdSegment } from "@/lib/reports/report-formats";
import { reportErrorResponse, reportFileResponse } from "@/lib/reports/report-http";
import { getReport, loadReportContent } from "@/lib/reports/report-store";

export const dynamic = "force-dynamic";

/**
 * `GET /api/reports/12` — the report's metadata; `GET /api/reports/12.pdf` (.html, .csv, .json) — the report
 * as a file. `?redact=true` pseudonymises personal data in the file (a redacted report always is).
 */
export async function GET(request: NextRequest, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  const segment = parseReportIdSegment(id);
  if (!segment.ok) return jsonError(400, segment.code, segment.message);
  const redactParam = request.nextUrl.searchParams.get("redact");
  if (redactParam !== null && !["true", "false", "1", "0"].includes(redactParam)) {
    return jsonError(400, "invalid_query", "redact must be true or false.");
  }
  try {
    if (segment.format === null) {
      const report = await getReport(segment.id);
      if (!report) return jsonError(404, "not_found", `Report ${segment.id} does not exist.`);
      return NextResponse.json(report);
    }
    const { content } = await loadReportContent(segment.id, {
      redact: redactParam === "true" || redactParam === "1",
    });
    return await reportFileResponse(content, segment.format, {
      headers: { "Cache-Control": "private, no-store" },
    });
  } catch (error) {
    return reportErrorResponse(error, `rendering report ${id}`);
  }
}
