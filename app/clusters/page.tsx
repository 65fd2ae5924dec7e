import type { Metadata } from "next";
import Link from "next/link";
import { type PageSearchParams, pageScope } from "@/app/_lib/page-scope";
import { clusterParamsForLinks, parseClusterSearchParams } from "@/app/clusters/search-params";
import { CLUSTER_COLUMNS } from "@/components/clusters/cluster-columns";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableBoundary } from "@/components/data-table/data-table-boundary";
import { scanLinkParams } from "@/components/data-table/url-state";
import { NoScanYet } from "@/components/no-scan-yet";
import { FilterForm, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { EmptyState, PageHeader } from "@/components/ui/layout";
import {
  CLUSTERS_PAGE_SIZE,
  type ClusterTableParams,
  clusterTable,
  defaultDirection,
} from "@/lib/queries/cluster-table";
import { listClusters } from "@/lib/queries/list-clusters";
import type { ScanScope } from "@/lib/queries/scan-scope";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Clusters" };

async function ClustersTable({
  scope,
  params,
  linkParams,
}: {
  scope: ScanScope;
  params: ClusterTableParams;
  linkParams: Record<string, string | undefined>;
}) {
  const rows = await listClusters(scope);
  if (rows.length === 0) {
    return (
      <EmptyState title="No clusters in this scan">
        The scanner found no AKS cluster it can read. Check the scanner's role assignments (docs/permissions)
        and scan again.
      </EmptyState>
    );
  }
  const table = clusterTable(rows, params);
  return (
    <DataTable
      label="Clusters"
      caption={
        <>
          {table.matching === table.total
            ? `${table.total} clusters`
            : `${table.matching} of ${table.total} clusters match`}
          , identity posture as of scan #{scope.scan.id}
        </>
      }
      columns={CLUSTER_COLUMNS}
      rows={table.rows}
      rowKey={(row) => row.id}
      url={{ basePath: "/clusters", params: linkParams }}
      sort={{
        key: params.sort,
        direction: params.dir ?? defaultDirection(params.sort),
        defaultDirection,
      }}
      pagination={{ page: table.page, pageSize: CLUSTERS_PAGE_SIZE, total: table.matching }}
      minWidthClass="min-w-[64rem]"
      empty={
        <>
          No cluster matches these filters.{" "}
          <Link className="text-brand-700 underline" href="/clusters">
            Clear them
          </Link>
          .
        </>
      }
    />
  );
}

export default async function ClustersPage({ searchParams }: { searchParams: PageSearchParams }) {
  const raw = await searchParams;
  const scope = await pageScope(raw);
  const params = parseClusterSearchParams(raw);
  const pinned = scope ? scanLinkParams(raw, scope) : {};
  const linkParams = { ...clusterParamsForLinks(params), ...pinned };
  return (
    <div className="space-y-4">
      <PageHeader
        title="Clusters"
        description="Identity posture of every AKS cluster: how people sign in, who is admin, what is failing."
      />
      {!scope ? (
        <NoScanYet />
      ) : (
        <>
          <FilterForm action="/clusters" label="Filter clusters" clearHref="/clusters">
            <TextFilter name="q" label="Search" value={params.q} placeholder="name, resource group, region" />
            <SelectFilter
              name="entra"
              label="Entra ID"
              value={params.entra}
              options={[
                { value: "managed", label: "managed" },
                { value: "legacy", label: "legacy" },
                { value: "none", label: "none" },
              ]}
            />
            <SelectFilter
              name="localAccounts"
              label="Local accounts"
              value={params.localAccounts}
              options={[
                { value: "enabled", label: "enabled" },
                { value: "disabled", label: "disabled" },
              ]}
            />
            <SelectFilter
              name="azureRbac"
              label="Azure RBAC"
              value={params.azureRbac}
              options={[
                { value: "on", label: "on" },
                { value: "off", label: "off" },
              ]}
            />
            <SelectFilter
              name="workloadIdentity"
              label="Workload identity"
              value={params.workloadIdentity}
              options={[
                { value: "on", label: "on" },
                { value: "off", label: "off" },
              ]}
            />
            {params.sort !== "failingFindings" ? (
              <input type="hidden" name="sort" value={params.sort} />
            ) : null}
            {params.dir ? <input type="hidden" name="dir" value={params.dir} /> : null}
            {pinned.scan ? <input type="hidden" name="scan" value={pinned.scan} /> : null}
          </FilterForm>
          <DataTableBoundary label="Clusters" view={{ ...params, ...pinned }}>
            <ClustersTable scope={scope} params={params} linkParams={linkParams} />
          </DataTableBoundary>
        </>
      )}
    </div>
  );
}
