import { NextResponse } from "next/server";
import { z } from "zod";
import { badRequestError } from "@/lib/http/app-error";
import { handle, parseInput } from "@/lib/http/handle";
import { hasControlCharacter, safeText } from "@/lib/http/safe-text";
import { clusterIdFromSlug } from "@/lib/queries/cluster-slug";
import { InvalidInputError } from "@/lib/queries/query-errors";
import { requireScanScope, type ScanScope } from "@/lib/queries/scan-scope";
import { searchParamsRecord } from "@/lib/queries/search-params";

// The read routes' layer on handle(): parse the query with zod (unknown keys are a 400 that names
// them), resolve the scan (`?scan=<id>` or the latest completed one), run the query. handle() maps
// typed failures to the one error shape. Bad input is never a 500; a real failure is logged and hidden.

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
  return handle<P>(async (request, params) => {
    if (
      anyControlCharacter(request.nextUrl.searchParams.values()) ||
      anyControlCharacter(Object.values(params ?? {}))
    ) {
      throw badRequestError("invalid_input", "Ids and query values must not contain control characters.");
    }
    const parsed = parseInput(schema, searchParamsRecord(request.nextUrl.searchParams), "invalid_query");
    const { scan, ...query } = parsed as z.infer<S> & { scan?: string };
    const scope = await requireScanScope(scan);
    return NextResponse.json(await run({ query: query as z.infer<S>, scope, params }));
  });
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
