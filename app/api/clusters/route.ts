import { readRoute } from "@/app/api/_lib/read-route";
import { clusterTable, clusterTableParamsSchema } from "@/lib/queries/cluster-table";
import { listClusters } from "@/lib/queries/list-clusters";

export const dynamic = "force-dynamic";

/** Clusters with their identity posture; the same filters and sort as the /clusters page. */
export const GET = readRoute(clusterTableParamsSchema, async ({ query, scope }) => {
  const table = clusterTable(await listClusters(scope), query);
  return {
    scanId: scope.scanId.toString(),
    total: table.total,
    matching: table.matching,
    page: table.page,
    pages: table.pages,
    clusters: table.rows,
  };
});
