import { type ClusterTableParams, clusterTableParamsSchema } from "@/lib/queries/cluster-table";
import { lenientParse, searchParamsRecord } from "@/lib/queries/search-params";

/** The clusters table's typed URL state: filters, search, sort and page. */
export function parseClusterSearchParams(
  raw: Record<string, string | string[] | undefined>,
): ClusterTableParams {
  return lenientParse(clusterTableParamsSchema, searchParamsRecord(raw));
}

/** The params as they go back into links (defaults left out, so URLs stay short). */
export function clusterParamsForLinks(params: ClusterTableParams): Record<string, string | undefined> {
  return {
    q: params.q || undefined,
    entra: params.entra,
    localAccounts: params.localAccounts,
    azureRbac: params.azureRbac,
    workloadIdentity: params.workloadIdentity,
    sort: params.sort === "failingFindings" ? undefined : params.sort,
    dir: params.dir,
  };
}
