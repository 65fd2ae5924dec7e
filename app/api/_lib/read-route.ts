import { type NextRequest, NextResponse } from "next/server";
import { z } from "zod";
import { jsonError } from "@/lib/http/errors";
import { issuesMessage } from "@/lib/http/params";
import { hasControlCharacter, safeText } from "@/lib/http/safe-text";
import { clusterIdFromSlug } from "@/lib/queries/cluster-slug";
import { InvalidInputError, NotFoundError } from "@/lib/queries/query-errors";
import { requireScanScope, type ScanScope } from "@/lib/queries/scan-scope";
import { searchParamsRecord } from "@/lib/queries/search-params";

// One wrapper for every read route: parse the query with zod (unknown keys are a 400 that names
// them), resolve the scan (`?scan=<id>` or the latest completed one), run the query, and map typed
// failures to the one error shape. Bad input is never a 500; a real failure is logged and hidden.

type RouteContext<P> = { params: Promise<P> };

// PostgreSQL text cannot hold NUL, and no id or filter contains control characters: refuse them
// here (400) rather than let the database fail on them (500). Same rule as safeText() in the schemas.
function anyControlCharacter(values: Iterable<unknown>): boolean {
  for (const value of values) if (typeof value === "string" && hasControlCharacter(value)) return true;
  return false;
}

export function readRoute<S extends z.ZodObject, P = Record<string, never>>(
  querySchema: S,
  run: (input: { query: z.infer<S>; scope: ScanScope; params: P }) => Promise<unknown>,
) {
  const schema = querySchema.extend({ scan: safeText().optional() }).strict();
  return async (request: NextRequest, context: RouteContext<P>): Promise<NextResponse> => {
    try {
      const params = await context.params;
      if (
        anyControlCharacter(request.nextUrl.searchParams.values()) ||
        anyControlCharacter(Object.values(params ?? {}))
      ) {
        return jsonError(400, "invalid_input", "Ids and query values must not contain control characters.");
      }
      const parsed = schema.safeParse(searchParamsRecord(request.nextUrl.searchParams));
      if (!parsed.success) return jsonError(400, "invalid_query", issuesMessage(parsed.error));
      const { scan, ...query } = parsed.data as z.infer<S> & { scan?: string };
      const scope = await requireScanScope(scan);
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
