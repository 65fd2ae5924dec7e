import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { type PageSearchParams, pageScope } from "@/app/_lib/page-scope";
import { clusterParamsForLinks, parseClusterSearchParams } from "@/app/clusters/search-params";
import { NoScanYet } from "@/components/no-scan-yet";
import { PostureFlag } from "@/components/ui/badges";
import { FilterForm, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { EmptyState, PageHeader, SectionSkeleton } from "@/components/ui/layout";
import { hrefWith, Pagination } from "@/components/ui/pagination";
import { clusterHref } from "@/lib/queries/cluster-slug";
import {
  CLUSTERS_PAGE_SIZE,
  type ClusterSortKey,
  type ClusterTableParams,
  clusterTable,
  defaultDirection,
} from "@/lib/queries/cluster-table";
import { listClusters } from "@/lib/queries/list-clusters";
import type { ScanScope } from "@/lib/queries/scan-scope";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Clusters" };

const ENTRA_LABEL = { managed: "managed", legacy: "legacy (deprecated)", none: "none" } as const;

function SortHeader({
  params,
  sort,
  label,
  className = "",
}: {
  params: ClusterTableParams;
  sort: ClusterSortKey;
  label: string;
  className?: string;
}) {
  const active = params.sort === sort;
  const direction = params.dir ?? defaultDirection(params.sort);
  const next = active ? (direction === "asc" ? "desc" : "asc") : defaultDirection(sort);
  const href = hrefWith("/clusters", clusterParamsForLinks(params), { sort, dir: next, page: undefined });
  return (
    <th
      scope="col"
      aria-sort={active ? (direction === "asc" ? "ascending" : "descending") : "none"}
      className={`px-3 py-2 font-medium ${className}`}
    >
      <Link href={href} className="inline-flex items-center gap-1 hover:underline">
        {label}
        <span aria-hidden="true" className="text-slate-500">
          {active ? (direction === "asc" ? "▲" : "▼") : "↕"}
        </span>
        <span className="sr-only">
          {active ? `, sorted ${direction === "asc" ? "ascending" : "descending"}` : ", sort"}
        </span>
      </Link>
    </th>
  );
}

async function ClustersTable({ scope, params }: { scope: ScanScope; params: ClusterTableParams }) {
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
    <div className="rounded-lg border border-slate-200 bg-white">
      <div className="relative overflow-x-auto">
        <table className="w-full min-w-[64rem] text-left text-sm">
          <caption className="px-3 py-2 text-left text-sm text-slate-600">
            {table.matching === table.total
              ? `${table.total} clusters`
              : `${table.matching} of ${table.total} clusters match`}
            , identity posture as of scan #{scope.scan.id}
          </caption>
          <thead className="border-y border-slate-200 bg-slate-50 text-slate-700">
            <tr>
              <SortHeader params={params} sort="name" label="Cluster" />
              <SortHeader params={params} sort="resourceGroup" label="Resource group" />
              <SortHeader params={params} sort="entraMode" label="Entra ID" />
              <SortHeader params={params} sort="azureRbac" label="Azure RBAC" />
              <SortHeader params={params} sort="localAccounts" label="Local accounts" />
              <SortHeader params={params} sort="workloadIdentity" label="Workload identity" />
              <SortHeader
                params={params}
                sort="clusterAdmins"
                label="Cluster admins"
                className="text-right"
              />
              <SortHeader
                params={params}
                sort="failingFindings"
                label="Failing findings"
                className="text-right"
              />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {table.rows.map((row) => (
              <tr key={row.id} className="hover:bg-slate-50">
                <th scope="row" className="px-3 py-2 font-medium">
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
                </th>
                <td className="px-3 py-2 text-slate-700">{row.resourceGroup}</td>
                <td className="px-3 py-2">
                  <PostureFlag
                    value={row.entraMode === "managed"}
                    good
                    yes={ENTRA_LABEL.managed}
                    no={ENTRA_LABEL[row.entraMode]}
                  />
                </td>
                <td className="px-3 py-2">
                  <PostureFlag value={row.azureRbac} good yes="on" no="off" />
                </td>
                <td className="px-3 py-2">
                  <PostureFlag value={row.localAccountsDisabled} good yes="disabled" no="enabled" />
                </td>
                <td className="px-3 py-2">
                  <PostureFlag value={row.workloadIdentityEnabled} good yes="on" no="off" />
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{row.clusterAdmins}</td>
                <td className="px-3 py-2 text-right tabular-nums">
                  <Link
                    href={`/findings?cluster=${encodeURIComponent(clusterHref(row.id).slice("/clusters/".length))}`}
                    className="underline decoration-brand-500/40 underline-offset-2 hover:decoration-brand-700"
                  >
                    {row.failingFindings}
                    {row.criticalFindings > 0 ? (
                      <span className="ml-1 text-xs text-red-800">({row.criticalFindings} critical)</span>
                    ) : null}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {table.matching === 0 ? (
        <p className="p-4 text-sm text-slate-600">
          No cluster matches these filters.{" "}
          <Link className="text-brand-700 underline" href="/clusters">
            Clear them
          </Link>
          .
        </p>
      ) : null}
      <div className="px-3 pb-3">
        <Pagination
          basePath="/clusters"
          params={clusterParamsForLinks(params)}
          page={table.page}
          pageSize={CLUSTERS_PAGE_SIZE}
          total={table.matching}
          label="Clusters"
        />
      </div>
    </div>
  );
}

export default async function ClustersPage({ searchParams }: { searchParams: PageSearchParams }) {
  const raw = await searchParams;
  const scope = await pageScope(raw);
  const params = parseClusterSearchParams(raw);
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
          </FilterForm>
          <Suspense key={JSON.stringify(params)} fallback={<SectionSkeleton title="Clusters" rows={8} />}>
            <ClustersTable scope={scope} params={params} />
          </Suspense>
        </>
      )}
    </div>
  );
}
