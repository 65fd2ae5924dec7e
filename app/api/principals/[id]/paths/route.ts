import { readRoute } from "@/app/api/_lib/read-route";
import { getPrincipalPaths, pathsQuerySchema } from "@/lib/queries/get-principal-paths";
import { principalIdParam } from "@/lib/queries/query-errors";

export const dynamic = "force-dynamic";

/** The shortest attack paths from one principal to each cluster level it can reach (?to, ?level, ?maxHops). */
export const GET = readRoute<typeof pathsQuerySchema, { id: string }>(
  pathsQuerySchema,
  ({ scope, params, query }) => {
    return getPrincipalPaths(scope, principalIdParam(params.id), query);
  },
);
