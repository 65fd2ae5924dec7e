import { NextResponse } from "next/server";
import { jsonError } from "@/lib/http/errors";
import { issuesMessage, scanIdSchema } from "@/lib/http/params";
import { getScan } from "@/lib/queries/scans";

export const dynamic = "force-dynamic";

/** One scan: status, phase, progress done/total, coverage, errors, API calls. */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  const parsed = scanIdSchema.safeParse(id);
  if (!parsed.success) return jsonError(400, "invalid_scan_id", `Scan id ${issuesMessage(parsed.error)}.`);
  const scan = await getScan(parsed.data);
  if (!scan) return jsonError(404, "not_found", `Scan ${id} does not exist.`);
  return NextResponse.json(scan);
}
