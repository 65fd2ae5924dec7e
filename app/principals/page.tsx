import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { type PageSearchParams, pageScope } from "@/app/_lib/page-scope";
import { parsePrincipalSearchParams, principalParamsForLinks } from "@/app/principals/search-params";
import { EligibleBadge } from "@/components/access/path-steps";
import { NoScanYet } from "@/components/no-scan-yet";
import { KindTag, LevelBadge } from "@/components/ui/badges";
import { FilterForm, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { PageHeader, SectionSkeleton } from "@/components/ui/layout";
import { Pagination } from "@/components/ui/pagination";
import { ELIGIBLE_EXPLANATION, HOLDING_LABEL } from "@/lib/access/labels";
import { principalHref } from "@/lib/queries/cluster-slug";
import {
  listPrincipals,
  PRINCIPAL_KINDS,
  PRINCIPALS_PAGE_SIZE,
  type PrincipalListParams,
} from "@/lib/queries/list-principals";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { ACCESS_LEVELS, HOLDING_FILTERS } from "@/lib/queries/stored-records";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Principals" };

async function PrincipalsTable({ scope, params }: { scope: ScanScope; params: PrincipalListParams }) {
  const list = await listPrincipals(scope, params);
  if (list.total === 0) {
    return (
      <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600">
        No principal matches.{" "}
        <Link className="text-brand-700 underline" href="/principals">
          Clear the filters
        </Link>
        .
      </p>
    );
  }
  return (
    <div className="rounded-lg border border-slate-200 bg-white">
      <div className="relative overflow-x-auto">
        <table className="w-full min-w-[48rem] text-left text-sm">
          <caption className="px-3 py-2 text-left text-slate-600">
            {list.total} principals, strongest access first
          </caption>
          <thead className="border-y border-slate-200 bg-slate-50 text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                Principal
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Kind
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Strongest access
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Clusters
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                cluster-admin on
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                <span title={ELIGIBLE_EXPLANATION}>Eligible cluster-admin on</span>
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Escalations on
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.principals.map((principal) => (
              <tr key={principal.id} className="hover:bg-slate-50">
                <th scope="row" className="px-3 py-2 font-medium">
                  <Link className="link" href={principalHref(principal.id)}>
                    {principal.displayName}
                  </Link>
                  {principal.deleted ? (
                    <span className="ml-2 rounded bg-red-50 px-1 text-xs text-red-900">
                      deleted from the directory
                    </span>
                  ) : null}
                  {principal.userPrincipalName ? (
                    <div className="text-xs font-normal text-slate-600">{principal.userPrincipalName}</div>
                  ) : null}
                </th>
                <td className="px-3 py-2">
                  <KindTag kind={principal.kind} />
                </td>
                <td className="px-3 py-2">
                  <span className="flex flex-wrap items-center gap-1">
                    {principal.strongestLevel ? (
                      <LevelBadge level={principal.strongestLevel} />
                    ) : (
                      <span className="text-slate-600">
                        {principal.eligibleLevel ? "none standing" : "none"}
                      </span>
                    )}
                    {principal.eligibleLevel ? (
                      <>
                        <LevelBadge level={principal.eligibleLevel} />
                        <EligibleBadge />
                      </>
                    ) : null}
                  </span>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{principal.clusters}</td>
                <td className="px-3 py-2 text-right tabular-nums">{principal.clusterAdminClusters}</td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {principal.eligibleClusterAdminClusters}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{principal.escalationClusters}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="px-3 pb-3">
        <Pagination
          basePath="/principals"
          params={principalParamsForLinks(params)}
          page={list.page}
          pageSize={PRINCIPALS_PAGE_SIZE}
          total={list.total}
          label="Principals"
        />
      </div>
    </div>
  );
}

export default async function PrincipalsPage({ searchParams }: { searchParams: PageSearchParams }) {
  const raw = await searchParams;
  const scope = await pageScope(raw);
  const params = parsePrincipalSearchParams(raw);
  return (
    <div className="space-y-4">
      <PageHeader
        title="Principals"
        description="Users, groups, applications, managed identities and Kubernetes subjects, and how far their access reaches."
      />
      {!scope ? (
        <NoScanYet />
      ) : (
        <>
          <FilterForm action="/principals" label="Filter principals" clearHref="/principals">
            <TextFilter
              name="q"
              label="Search"
              value={params.q}
              placeholder="name, user principal name or object id"
            />
            <SelectFilter
              name="kind"
              label="Kind"
              value={params.kind}
              options={PRINCIPAL_KINDS.map((kind) => ({ value: kind, label: kind }))}
            />
            <SelectFilter
              name="level"
              label="At least"
              value={params.level}
              options={ACCESS_LEVELS.map((level) => ({ value: level, label: level }))}
            />
            <SelectFilter
              name="holding"
              label="Access"
              value={params.holding}
              options={HOLDING_FILTERS.filter((holding) => holding !== "any").map((holding) => ({
                value: holding,
                label: HOLDING_LABEL[holding],
              }))}
            />
          </FilterForm>
          <Suspense key={JSON.stringify(params)} fallback={<SectionSkeleton title="Principals" rows={8} />}>
            <PrincipalsTable scope={scope} params={params} />
          </Suspense>
        </>
      )}
    </div>
  );
}
