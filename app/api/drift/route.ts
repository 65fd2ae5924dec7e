import { type NextRequest, NextResponse } from "next/server";
import { pool } from "@/lib/db/pool";
import { driftQuerySchema, driftResponse, queryDrift } from "@/lib/drift/drift-query";
import { driftFailure } from "@/lib/drift/http";
import { jsonError } from "@/lib/http/errors";
import { issuesMessage } from "@/lib/http/params";
import { searchParamsRecord } from "@/lib/queries/search-params";

export const dynamic = "force-dynamic";

/**
 * GET /api/drift?from=&to=&cluster=&tenant=: every change between two scans (default: the latest completed
 * scan and the one before it), as drift events, most severe first. 400 for bad input, 404 for an unknown
 * scan or cluster.
 */
export async function GET(request: NextRequest) {
  const parsed = driftQuerySchema.safeParse(searchParamsRecord(request.nextUrl.searchParams));
  if (!parsed.success) return jsonError(400, "invalid_query", issuesMessage(parsed.error));
  try {
    const { report } = await queryDrift(pool(), parsed.data);
    return NextResponse.json(driftResponse(report));
  } catch (error) {
    return driftFailure(error, "GET /api/drift");
  }
}
