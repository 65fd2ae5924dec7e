import { type NextRequest, NextResponse } from "next/server";
import { z } from "zod";
import { jsonError } from "@/lib/http/errors";
import { readJsonBody } from "@/lib/http/json-body";
import { issuesMessage } from "@/lib/http/params";
import { reportErrorResponse } from "@/lib/reports/report-http";
import { createReport, createReportInputSchema, listReports } from "@/lib/reports/report-store";

export const dynamic = "force-dynamic";

/** Creates a report from a scan (default: the latest completed one): 201 with the report. */
export async function POST(request: NextRequest) {
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const parsed = createReportInputSchema.safeParse(read.body);
  if (!parsed.success) return jsonError(400, "invalid_body", issuesMessage(parsed.error));
  try {
    const report = await createReport(parsed.data);
    return NextResponse.json(report, { status: 201, headers: { Location: report.links.self } });
  } catch (error) {
    return reportErrorResponse(error, "creating a report");
  }
}

const listQuerySchema = z.strictObject({
  tenant: z
    .string()
    .regex(/^[0-9a-fA-F-]{36}$/, "must be a tenant GUID")
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z
    .string()
    .regex(/^[1-9]\d{0,17}$/, "must be a report id")
    .transform((value) => BigInt(value))
    .optional(),
});

/** Reports, newest first (metadata and summary only; the content is in GET /api/reports/:id.json). */
export async function GET(request: NextRequest) {
  const parsed = listQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!parsed.success) return jsonError(400, "invalid_query", issuesMessage(parsed.error));
  try {
    const reports = await listReports({
      tenantId: parsed.data.tenant?.toLowerCase(),
      limit: parsed.data.limit,
      before: parsed.data.before,
    });
    return NextResponse.json({ reports });
  } catch (error) {
    return reportErrorResponse(error, "listing reports");
  }
}
