import { driftQuerySchema } from "@/lib/drift/drift-query";
import { DRIFT_INTERNAL_MESSAGE } from "@/lib/drift/get-drift-page";
import { getObjectDrift } from "@/lib/drift/get-object-drift";
import { handle, json, parseInput } from "@/lib/http/handle";
import { safeText } from "@/lib/http/safe-text";
import { searchParamsRecord } from "@/lib/queries/search-params";

export const dynamic = "force-dynamic";

const querySchema = driftQuerySchema.omit({ cluster: true }).extend({
  kind: safeText().trim().min(1, "is required").max(100),
  key: safeText().trim().min(1, "is required").max(2000),
});

/** GET /api/drift/object?kind=&key=&from=&to=: one object's versions and its field-level difference. */
export const GET = handle(
  async (request) => {
    const query = parseInput(querySchema, searchParamsRecord(request.nextUrl.searchParams), "invalid_query");
    return json(await getObjectDrift(query));
  },
  { internalMessage: DRIFT_INTERNAL_MESSAGE },
);
