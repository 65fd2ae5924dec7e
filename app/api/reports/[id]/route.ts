import { badRequestError, notFoundError } from "@/lib/http/app-error";
import { handle, json } from "@/lib/http/handle";
import { parseReportIdSegment } from "@/lib/reports/report-formats";
import { reportFileResponse } from "@/lib/reports/report-http";
import { getReport, loadReportContent } from "@/lib/reports/report-store";

export const dynamic = "force-dynamic";

/**
 * `GET /api/reports/12` — the report's metadata; `GET /api/reports/12.pdf` (.html, .csv, .json) — the report
 * as a file. `?redact=true` pseudonymises personal data in the file (a redacted report always is).
 */
export const GET = handle<{ id: string }>(async (request, { id }) => {
  const segment = parseReportIdSegment(id);
  if (!segment.ok) throw badRequestError(segment.code, segment.message);
  const redactParam = request.nextUrl.searchParams.get("redact");
  if (redactParam !== null && !["true", "false", "1", "0"].includes(redactParam)) {
    throw badRequestError("invalid_query", "redact must be true or false.");
  }
  if (segment.format === null) {
    const report = await getReport(segment.id);
    if (!report) throw notFoundError("not_found", `Report ${segment.id} does not exist.`);
    return json(report);
  }
  const { content } = await loadReportContent(segment.id, {
    redact: redactParam === "true" || redactParam === "1",
  });
  return await reportFileResponse(content, segment.format, {
    headers: { "Cache-Control": "private, no-store" },
  });
});
