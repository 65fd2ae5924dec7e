import { type NextRequest, NextResponse } from "next/server";
import { jsonError } from "@/lib/http/errors";
import { readJsonBody } from "@/lib/http/json-body";
import { issuesMessage } from "@/lib/http/params";
import { publicOrigin } from "@/lib/http/public-origin";
import { parseReportIdSegment } from "@/lib/reports/report-formats";
import { reportErrorResponse } from "@/lib/reports/report-http";
import { getReport } from "@/lib/reports/report-store";
import { createShare, createShareInputSchema, listShares } from "@/lib/reports/share-links";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

async function reportId(context: Context) {
  const segment = parseReportIdSegment((await context.params).id);
  return segment.ok && segment.format === null ? segment.id : null;
}

/** Creates a share link: 201 with the token and its path — the only time the token is ever shown. */
export async function POST(request: NextRequest, context: Context) {
  const id = await reportId(context);
  if (id === null) return jsonError(400, "invalid_report_id", "A report id is a positive integer.");
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const parsed = createShareInputSchema.safeParse(read.body);
  if (!parsed.success) return jsonError(400, "invalid_body", issuesMessage(parsed.error));
  try {
    const share = await createShare(id, parsed.data);
    return NextResponse.json(
      { ...share, url: `${publicOrigin(request)}${share.path}` },
      { status: 201, headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    return reportErrorResponse(error, `sharing report ${id}`);
  }
}

/** The report's share links with views, expiry and status (never their tokens). */
export async function GET(_request: NextRequest, context: Context) {
  const id = await reportId(context);
  if (id === null) return jsonError(400, "invalid_report_id", "A report id is a positive integer.");
  try {
    if (!(await getReport(id))) return jsonError(404, "not_found", `Report ${id} does not exist.`);
    return NextResponse.json({ shares: await listShares(id) });
  } catch (error) {
    return reportErrorResponse(error, `listing the shares of report ${id}`);
  }
}
