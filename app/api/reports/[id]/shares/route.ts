import { badRequestError, notFoundError } from "@/lib/http/app-error";
import { handle, json, parseInput } from "@/lib/http/handle";
import { readJsonBody } from "@/lib/http/json-body";
import { publicOrigin } from "@/lib/http/public-origin";
import { parseReportIdSegment } from "@/lib/reports/report-formats";
import { getReport } from "@/lib/reports/report-store";
import { createShare, createShareInputSchema, listShares } from "@/lib/reports/share-links";

export const dynamic = "force-dynamic";

function reportId(segment: string): bigint {
  const parsed = parseReportIdSegment(segment);
  if (!parsed.ok || parsed.format !== null) {
    throw badRequestError("invalid_report_id", "A report id is a positive integer.");
  }
  return parsed.id;
}

/** Creates a share link: 201 with the token and its path — the only time the token is ever shown. */
export const POST = handle<{ id: string }>(async (request, params) => {
  const id = reportId(params.id);
  const input = parseInput(createShareInputSchema, await readJsonBody(request), "invalid_body");
  const share = await createShare(id, input);
  return json(
    { ...share, url: `${publicOrigin(request)}${share.path}` },
    { status: 201, headers: { "Cache-Control": "no-store" } },
  );
});

/** The report's share links with views, expiry and status (never their tokens). */
export const GET = handle<{ id: string }>(async (_request, params) => {
  const id = reportId(params.id);
  if (!(await getReport(id))) throw notFoundError("not_found", `Report ${id} does not exist.`);
  return json({ shares: await listShares(id) });
});
