import { clusterIdParam, noQuery, readRoute } from "@/app/api/_lib/read-route";
import { getClusterAccess } from "@/lib/queries/get-cluster-access";

export const dynamic = "force-dynamic";

/** Every principal with access to the cluster: grants (one per path) and escalations. */
export const GET = readRoute<typeof noQuery, { id: string }>(noQuery, ({ scope, params }) =>
  getClusterAccess(scope, clusterIdParam(params.id)),
);
