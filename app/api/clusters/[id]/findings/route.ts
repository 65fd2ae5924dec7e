import { clusterIdParam, noQuery, readRoute } from "@/app/api/_lib/read-route";
import { getClusterFindings } from "@/lib/queries/get-cluster-findings";

export const dynamic = "force-dynamic";

/** Every finding of the cluster (fail, not-assessed, pass), worst first. */
export const GET = readRoute<typeof noQuery, { id: string }>(noQuery, ({ scope, params }) =>
  getClusterFindings(scope, clusterIdParam(params.id)),
);
