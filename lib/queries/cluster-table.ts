import { z } from "zod";
import { safeText } from "@/lib/http/safe-text";
import type { ClusterPosture } from "@/lib/queries/list-clusters";

// Filtering, searching and sorting of the clusters table, driven by URL search params so every
// view can be bookmarked and shared. Pure: the page and the API apply it to listClusters' rows.

const onOff = z.enum(["on", "off"]).optional();

export const CLUSTER_SORT_KEYS = [
  "name",
  "resourceGroup",
  "entraMode",
  "localAccounts",
  "azureRbac",
  "workloadIdentity",
  "clusterAdmins",
  "failingFindings",
] as const;
export type ClusterSortKey = (typeof CLUSTER_SORT_KEYS)[number];

export const clusterTableParamsSchema = z.object({
  q: safeText().trim().max(200).optional(),
  entra: z.enum(["managed", "legacy", "none"]).optional(),
  localAccounts: z.enum(["enabled", "disabled"]).optional(),
  azureRbac: onOff,
  workloadIdentity: onOff,
  sort: z.enum(CLUSTER_SORT_KEYS).default("failingFindings"),
  dir: z.enum(["asc", "desc"]).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type ClusterTableParams = z.infer<typeof clusterTableParamsSchema>;

export const CLUSTERS_PAGE_SIZE = 100;

/** Counts sort most-first by default, text columns A→Z. */
export function defaultDirection(sort: ClusterSortKey): "asc" | "desc" {
  return sort === "clusterAdmins" || sort === "failingFindings" ? "desc" : "asc";
}

const sortValue: Record<ClusterSortKey, (row: ClusterPosture) => string | number> = {
  name: (row) => row.name.toLowerCase(),
  resourceGroup: (row) => row.resourceGroup,
  entraMode: (row) => row.entraMode,
  // enabled local accounts first when ascending: the risky state leads
  localAccounts: (row) => (row.localAccountsDisabled ? 1 : 0),
  azureRbac: (row) => (row.azureRbac ? 1 : 0),
  workloadIdentity: (row) => (row.workloadIdentityEnabled ? 1 : 0),
  clusterAdmins: (row) => row.clusterAdmins,
  failingFindings: (row) => row.criticalFindings * 1_000_000 + row.highFindings * 1_000 + row.failingFindings,
};

export function filterClusters(
  rows: readonly ClusterPosture[],
  params: ClusterTableParams,
): ClusterPosture[] {
  const needle = params.q?.toLowerCase();
  return rows.filter(
    (row) =>
      (!needle ||
        row.name.toLowerCase().includes(needle) ||
        row.resourceGroup.includes(needle) ||
        row.subscriptionId.includes(needle) ||
        row.location.toLowerCase().includes(needle)) &&
      (!params.entra || row.entraMode === params.entra) &&
      (!params.localAccounts || row.localAccountsDisabled === (params.localAccounts === "disabled")) &&
      (!params.azureRbac || row.azureRbac === (params.azureRbac === "on")) &&
      (!params.workloadIdentity || row.workloadIdentityEnabled === (params.workloadIdentity === "on")),
  );
}

export function sortClusters(rows: readonly ClusterPosture[], params: ClusterTableParams): ClusterPosture[] {
  const value = sortValue[params.sort];
  const direction = (params.dir ?? defaultDirection(params.sort)) === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const left = value(a);
    const right = value(b);
    const primary =
      typeof left === "number" && typeof right === "number"
        ? left - right
        : String(left).localeCompare(String(right));
    return primary * direction || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  });
}

/** Filtered, sorted and paged rows, with the totals a table caption needs. */
export function clusterTable(rows: readonly ClusterPosture[], params: ClusterTableParams) {
  const filtered = sortClusters(filterClusters(rows, params), params);
  const pages = Math.max(1, Math.ceil(filtered.length / CLUSTERS_PAGE_SIZE));
  const page = Math.min(params.page, pages);
  return {
    total: rows.length,
    matching: filtered.length,
    page,
    pages,
    rows: filtered.slice((page - 1) * CLUSTERS_PAGE_SIZE, page * CLUSTERS_PAGE_SIZE),
  };
}
