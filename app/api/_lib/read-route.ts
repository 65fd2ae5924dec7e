import { type NextRequest, NextResponse } from "next/server";
import { z } from "zod";
import { jsonError } from "@/lib/http/errors";
import { issuesMessage } from "@/lib/http/params";
import { clusterIdFromSlug } from "@/lib/queries/cluster-slug";
import { InvalidInputError, NotFoundError } from "@/lib/queries/query-errors";
import { requireScanScope, type ScanScope } from "@/lib/queries/scan-scope";
import { searchParamsRecord } from "@/lib/queries/search-params";

// One wrapper for every read route: parse the query with zod (unknown keys are a 400 that names
// them), resolve the scan (`?scan=<id>` or the latest completed one), run the query, and map typed
// failures to the one error shape. Bad input is never a 500; a real failure is logged and hidden.

type RouteContext<P> = { params: Promise<P> };

export function readRoute<S extends z.ZodObject, P = Record<string, never>>(
  querySchema: S,
  run: (input: { query: z.infer<S>; scope: ScanScope; params: P }) => Promise<unknown>,
) {
  const schema = querySchema.extend({ scan: z.string().optional() }).strict();
  return async (request: NextRequest, context: RouteContext<P>): Promise<NextResponse> => {
    try {
      const parsed = schema.safeParse(searchParamsRecord(request.nextUrl.searchParams));
      if (!parsed.success) return jsonError(400, "invalid_query", issuesMessage(parsed.error));
      const { scan, ...query } = parsed.data as z.infer<S> & { scan?: string };
      const scope = await requireScanScope(scan);
      const params = await context.params;
      return NextResponse.json(await run({ query: query as z.infer<S>, scope, params }));
    } catch (error) {
      if (error instanceof InvalidInputError) return jsonError(400, error.code, error.message);
      if (error instanceof NotFoundError) return jsonError(404, error.code, error.message);
      console.error(`[atlas] ${request.method} ${request.nextUrl.pathname} failed`, error);
      return jsonError(500, "internal", "The request could not be answered; the server log has the details.");
    }
  };
}

/** The cluster id a `[id]` segment names (slug or url-encoded ARM id), or a 400. */
export function clusterIdParam(segment: string): string {
  const id = clusterIdFromSlug(segment);
  if (!id) {
    throw new InvalidInputError(
      "cluster id must be a cluster slug (<name>~<resource group>~<subscription id>) or a url-encoded ARM id",
    );
  }
  return id;
}

export const noQuery = z.object({});
