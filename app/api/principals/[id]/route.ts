import { noQuery, readRoute } from "@/app/api/_lib/read-route";
import { getPrincipal } from "@/lib/queries/get-principal";
import { principalIdParam } from "@/lib/queries/query-errors";

export const dynamic = "force-dynamic";

/** Everything one principal can do on every cluster, with paths. */
export const GET = readRoute<typeof noQuery, { id: string }>(noQuery, ({ scope, params }) => {
  return getPrincipal(scope, principalIdParam(params.id));
});
