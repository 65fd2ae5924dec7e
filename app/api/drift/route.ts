import { driftQuerySchema } from "@/lib/drift/drift-query";
import { DRIFT_INTERNAL_MESSAGE, getDrift } from "@/lib/drift/get-drift-page";
import { handle, json, parseInput } from "@/lib/http/handle";
import { searchParamsRecord } from "@/lib/queries/search-params";

export const dynamic = "force-dynamic";

/**
 * GET /api/drift?from=&to=&cluster=&tenant=: every change between two scans (default: the latest completed
 * scan and the one before it), as drift events, most severe first. 400 for bad input, 404 for an unknown
 * scan or cluster.
 */
export const GET = handle(
  async (request) => {
    const query = parseInput(
      driftQuerySchema,
      searchParamsRecord(request.nextUrl.searchParams),
      "invalid_query",
    );
    return json(await getDrift(query));
  },
  { internalMessage: DRIFT_INTERNAL_MESSAGE },
);
