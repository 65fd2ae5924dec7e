import Link from "next/link";
import { EligibleBadge } from "@/components/access/path-steps";
import type { DataTableColumn } from "@/components/data-table/data-table";
import { KindTag, LevelBadge } from "@/components/ui/badges";
import { ELIGIBLE_EXPLANATION } from "@/lib/access/labels";
import { principalHref } from "@/lib/queries/cluster-slug";
import type { PrincipalListItem } from "@/lib/queries/list-principals";

// The principals list's columns, as data for the DataTable. Counts are standing access; eligible (PIM)
// access has its own column and badge, never counted as standing (docs/dashboard.md, issue #14).

export const PRINCIPAL_COLUMNS: readonly DataTableColumn<PrincipalListItem>[] = [
  {
    id: "principal",
    header: "Principal",
    rowHeader: true,
    cell: (principal) => (
      <>
        <Link className="link" href={principalHref(principal.id)}>
          {principal.displayName}
        </Link>
        {principal.deleted ? (
          <span className="ml-2 rounded bg-red-50 px-1 text-xs text-red-900">deleted from the directory</span>
        ) : null}
        {principal.userPrincipalName ? (
          <div className="text-xs font-normal text-slate-600">{principal.userPrincipalName}</div>
        ) : null}
      </>
    ),
  },
  { id: "kind", header: "Kind", cell: (principal) => <KindTag kind={principal.kind} /> },
  {
    id: "strongest",
    header: "Strongest access",
    cell: (principal) => (
      <span className="flex flex-wrap items-center gap-1">
        {principal.strongestLevel ? (
          <LevelBadge level={principal.strongestLevel} />
        ) : (
          <span className="text-slate-600">{principal.eligibleLevel ? "none standing" : "none"}</span>
        )}
        {principal.eligibleLevel ? (
          <>
            <LevelBadge level={principal.eligibleLevel} />
            <EligibleBadge />
          </>
        ) : null}
      </span>
    ),
  },
  { id: "clusters", header: "Clusters", align: "end", cell: (principal) => principal.clusters },
  {
    id: "clusterAdmin",
    header: "cluster-admin on",
    align: "end",
    cell: (principal) => principal.clusterAdminClusters,
  },
  {
    id: "eligibleClusterAdmin",
    header: <span title={ELIGIBLE_EXPLANATION}>Eligible cluster-admin on</span>,
    align: "end",
    cell: (principal) => principal.eligibleClusterAdminClusters,
  },
  {
    id: "escalations",
    header: "Escalations on",
    align: "end",
    cell: (principal) => principal.escalationClusters,
  },
];
