import { noQuery, readRoute } from "@/app/api/_lib/read-route";
import { principalIdFromParam } from "@/lib/queries/cluster-slug";
import { getPrincipal } from "@/lib/queries/get-principal";
import { InvalidInputError } from "@/lib/queries/query-errors";

export const dynamic = "force-dynamic";

/** Everything one principal can do on every cluster, with paths. */
export const GET = readRoute<typeof noQuery, { id: string }>(noQuery, ({ scope, params }) => {
  const id = principalIdFromParam(params.id);
  if (!id || id.length > 500) throw new InvalidInputError("principal id must be 1 to 500 characters");
  return getPrincipal(scope, id);
});
