import { type NextRequest, NextResponse } from "next/server";
import { pool } from "@/lib/db/pool";
import { driftQuerySchema } from "@/lib/drift/drift-query";
import { driftFailure } from "@/lib/drift/http";
import { objectDiff } from "@/lib/drift/object-history";
import { resolveDriftRange } from "@/lib/drift/scan-range";
import { jsonError } from "@/lib/http/errors";
import { issuesMessage } from "@/lib/http/params";
import { safeText } from "@/lib/http/safe-text";
import { searchParamsRecord } from "@/lib/queries/search-params";

export const dynamic = "force-dynamic";

const querySchema = driftQuerySchema.omit({ cluster: true }).extend({
  kind: safeText().trim().min(1, "is required").max(100),
  key: safeText().trim().min(1, "is required").max(2000),
});

/** GET /api/drift/object?kind=&key=&from=&to=: one object's versions and its field-level difference. */
export async function GET(request: NextRequest) {
  const parsed = querySchema.safeParse(searchParamsRecord(request.nextUrl.searchParams));
  if (!parsed.success) return jsonError(400, "invalid_query", issuesMessage(parsed.error));
  try {
    const { kind, key, tenant, from, to } = parsed.data;
    const range = await resolveDriftRange(pool(), { tenantId: tenant, from, to });
    return NextResponse.json(await objectDiff(pool(), range, kind, key));
  } catch (error) {
    return driftFailure(error, "GET /api/drift/object");
  }
}
