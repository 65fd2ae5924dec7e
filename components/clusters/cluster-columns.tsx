import Link from "next/link";
import type { DataTableColumn } from "@/components/data-table/data-table";
import { PostureFlag } from "@/components/ui/badges";
import { clusterHref } from "@/lib/queries/cluster-slug";
import type { ClusterSortKey } from "@/lib/queries/cluster-table";
import type { ClusterPosture } from "@/lib/queries/list-clusters";

// The clusters list's columns, as data for the DataTable. Each sortable column names its `?sort=` key;
// the order itself is `clusterTable`'s (lib/queries/cluster-table.ts).

const ENTRA_LABEL = { managed: "managed", legacy: "legacy (deprecated)", none: "none" } as const;

/** The findings list of one cluster (the slug's part after /clusters/). */
function findingsHref(row: ClusterPosture): string {
  return `/findings?cluster=${encodeURIComponent(clusterHref(row.id).slice("/clusters/".length))}`;
}

export const CLUSTER_COLUMNS: readonly DataTableColumn<ClusterPosture, ClusterSortKey>[] = [
  {
    id: "name",
    header: "Cluster",
    sortKey: "name",
    rowHeader: true,
    cell: (row) => (
      <>
        <Link href={clusterHref(row.id)} className="link">
          {row.name}
        </Link>
        {row.kubernetesCoverage !== "complete" ? (
          <span className="ml-2 whitespace-nowrap rounded bg-amber-50 px-1.5 py-0.5 text-xs font-normal text-amber-900">
            Kubernetes API {row.kubernetesCoverage === "partial" ? "partly read" : "not read"}
          </span>
        ) : null}
        <div className="text-xs font-normal text-slate-600">
          {row.location} · {row.kubernetesVersion ?? "version unknown"}
        </div>
      </>
    ),
  },
  {
    id: "resourceGroup",
    header: "Resource group",
    sortKey: "resourceGroup",
    cellClassName: "text-slate-700",
    cell: (row) => row.resourceGroup,
  },
  {
    id: "entraMode",
    header: "Entra ID",
    sortKey: "entraMode",
    cell: (row) => (
      <PostureFlag
        value={row.entraMode === "managed"}
        good
        yes={ENTRA_LABEL.managed}
        no={ENTRA_LABEL[row.entraMode]}
      />
    ),
  },
  {
    id: "azureRbac",
    header: "Azure RBAC",
    sortKey: "azureRbac",
    cell: (row) => <PostureFlag value={row.azureRbac} good yes="on" no="off" />,
  },
  {
    id: "localAccounts",
    header: "Local accounts",
    sortKey: "localAccounts",
    cell: (row) => <PostureFlag value={row.localAccountsDisabled} good yes="disabled" no="enabled" />,
  },
  {
    id: "workloadIdentity",
    header: "Workload identity",
    sortKey: "workloadIdentity",
    cell: (row) => <PostureFlag value={row.workloadIdentityEnabled} good yes="on" no="off" />,
  },
  {
    id: "clusterAdmins",
    header: "Cluster admins",
    sortKey: "clusterAdmins",
    align: "end",
    cell: (row) => row.clusterAdmins,
  },
  {
    id: "failingFindings",
    header: "Failing findings",
    sortKey: "failingFindings",
    align: "end",
    cell: (row) => (
      <Link
        href={findingsHref(row)}
        className="underline decoration-brand-500/40 underline-offset-2 hover:decoration-brand-700"
      >
        {row.failingFindings}
        {row.criticalFindings > 0 ? (
          <span className="ml-1 text-xs text-red-800">({row.criticalFindings} critical)</span>
        ) : null}
      </Link>
    ),
  },
];
