import { z } from "zod";
import { handle, json, parseInput } from "@/lib/http/handle";
import { readJsonBody } from "@/lib/http/json-body";
import { createReport, createReportInputSchema, listReports } from "@/lib/reports/report-store";

export const dynamic = "force-dynamic";

/** Creates a report from a scan (default: the latest completed one): 201 with the report. */
export const POST = handle(async (request) => {
  const input = parseInput(createReportInputSchema, await readJsonBody(request), "invalid_body");
  const report = await createReport(input);
  return json(report, { status: 201, headers: { Location: report.links.self } });
});

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
export const GET = handle(async (request) => {
  const query = parseInput(
    listQuerySchema,
    Object.fromEntries(request.nextUrl.searchParams),
    "invalid_query",
  );
  const reports = await listReports({
    tenantId: query.tenant?.toLowerCase(),
    limit: query.limit,
    before: query.before,
  });
  return json({ reports });
});
