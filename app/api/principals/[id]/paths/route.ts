import { readRoute } from "@/app/api/_lib/read-route";
import { principalIdFromParam } from "@/lib/queries/cluster-slug";
import { getPrincipalPaths, pathsQuerySchema } from "@/lib/queries/get-principal-paths";
import { InvalidInputError } from "@/lib/queries/query-errors";

export const dynamic = "force-dynamic";

/** The shortest attack paths from one principal to each cluster level it can reach (?to, ?level, ?maxHops). */
export const GET = readRoute<typeof pathsQuerySchema, { id: string }>(
  pathsQuerySchema,
  ({ scope, params, query }) => {
    const id = principalIdFromParam(params.id);
    if (!id || id.length > 500) throw new InvalidInputError("principal id must be 1 to 500 characters");
    return getPrincipalPaths(scope, id, query);
  },
);
