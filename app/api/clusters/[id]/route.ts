import { clusterIdParam, noQuery, readRoute } from "@/app/api/_lib/read-route";
import { getCluster } from "@/lib/queries/get-cluster";

export const dynamic = "force-dynamic";

/** One cluster's three planes: control plane, worker plane, workloads. */
export const GET = readRoute<typeof noQuery, { id: string }>(noQuery, ({ scope, params }) =>
  getCluster(scope, clusterIdParam(params.id)),
);
