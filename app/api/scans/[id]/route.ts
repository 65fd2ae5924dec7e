import { badRequestError, notFoundError } from "@/lib/http/app-error";
import { handle, json } from "@/lib/http/handle";
import { issuesMessage, scanIdSchema } from "@/lib/http/params";
import { getScan, scanResponse } from "@/lib/queries/scans";

export const dynamic = "force-dynamic";

/** One scan: status, phase, progress done/total, coverage, errors, API calls. */
export const GET = handle<{ id: string }>(async (_request, { id }) => {
  const parsed = scanIdSchema.safeParse(id);
  if (!parsed.success) throw badRequestError("invalid_scan_id", `Scan id ${issuesMessage(parsed.error)}.`);
  const scan = await getScan(parsed.data);
  if (!scan) throw notFoundError("not_found", `Scan ${id} does not exist.`);
  return json(scanResponse(scan));
});
