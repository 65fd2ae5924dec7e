import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { type PageSearchParams, pageScope } from "@/app/_lib/page-scope";
import { NoScanYet } from "@/components/no-scan-yet";
import { FilterForm, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { PageHeader, SectionSkeleton } from "@/components/ui/layout";
import { Pagination } from "@/components/ui/pagination";
import { clusterHref, principalHref } from "@/lib/queries/cluster-slug";
import {
  IDENTITIES_PAGE_SIZE,
  type IdentityListParams,
  identityListParamsSchema,
  listIdentities,
} from "@/lib/queries/list-identities";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { describeScope } from "@/lib/queries/scope-label";
import { lenientParse, searchParamsRecord } from "@/lib/queries/search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Identities" };

const USE_LABEL = {
  "control-plane": "control plane",
  kubelet: "kubelet",
  "add-on": "add-on",
  "pod-identity": "AAD Pod Identity",
  workload: "workload identity",
  unused: "not used by any cluster",
} as const;

async function IdentitiesTable({ scope, params }: { scope: ScanScope; params: IdentityListParams }) {
  const list = await listIdentities(scope, params);
  if (list.total === 0) {
    return (
      <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600">
        No managed identity matches.{" "}
        <Link className="text-brand-700 underline" href="/identities">
          Clear the filters
        </Link>
        .
      </p>
    );
  }
  return (
    <div className="rounded-lg border border-slate-200 bg-white">
      <div className="relative overflow-x-auto">
        <table className="w-full min-w-[56rem] text-left text-sm">
          <caption className="px-3 py-2 text-left text-slate-600">{list.total} managed identities</caption>
          <thead className="border-y border-slate-200 bg-slate-50 text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                Identity
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Used as
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Azure roles
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {list.identities.map((identity) => (
              <tr key={identity.id}>
                <th scope="row" className="px-3 py-2 font-medium">
                  {identity.principalId ? (
                    <Link className="link" href={principalHref(identity.principalId)}>
                      {identity.name}
                    </Link>
                  ) : (
                    identity.name
                  )}
                  <div className="text-xs font-normal text-slate-600">
                    {identity.systemAssigned ? "system-assigned" : "user-assigned"} · {identity.resourceGroup}
                  </div>
                  {identity.clientId ? (
                    <div className="break-all text-xs font-normal text-slate-600">
                      client id {identity.clientId}
                    </div>
                  ) : null}
                </th>
                <td className="px-3 py-2">
                  {identity.uses.length === 0 ? (
                    <span className="text-slate-600">not used by any cluster</span>
                  ) : (
                    <ul className="space-y-0.5">
                      {identity.uses.map((use) => (
                        <li key={`${use.clusterId}|${use.detail}`}>
                          <span className="font-medium">{USE_LABEL[use.use]}</span> of{" "}
                          <Link className="link" href={clusterHref(use.clusterId)}>
                            {use.clusterName}
                          </Link>
                          {use.use === "workload" || use.use === "add-on" || use.use === "pod-identity" ? (
                            <span className="text-xs text-slate-600"> ({use.detail})</span>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td className="px-3 py-2">
                  {identity.roleAssignments.length === 0 ? (
                    <span className="text-slate-600">none</span>
                  ) : (
                    <ul className="space-y-0.5">
                      {identity.roleAssignments.map((assignment) => (
                        <li key={assignment.id}>
                          <span className="font-medium">{assignment.role}</span>{" "}
                          <span className="text-slate-600" title={assignment.scope}>
                            on {describeScope(assignment.scope)}
                          </span>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="px-3 pb-3">
        <Pagination
          basePath="/identities"
          params={{ q: params.q, use: params.use }}
          page={list.page}
          pageSize={IDENTITIES_PAGE_SIZE}
          total={list.total}
          label="Identities"
        />
      </div>
    </div>
  );
}

export default async function IdentitiesPage({ searchParams }: { searchParams: PageSearchParams }) {
  const raw = await searchParams;
  const scope = await pageScope(raw);
  const params = lenientParse(identityListParamsSchema, searchParamsRecord(raw));
  return (
    <div className="space-y-4">
      <PageHeader
        title="Managed identities"
        description="Every managed identity: where clusters use it (control plane, kubelet, add-ons, workloads) and the Azure roles it holds."
      />
      {!scope ? (
        <NoScanYet />
      ) : (
        <>
          <FilterForm action="/identities" label="Filter identities" clearHref="/identities">
            <TextFilter
              name="q"
              label="Search"
              value={params.q}
              placeholder="name, client id, resource group"
            />
            <SelectFilter
              name="use"
              label="Used as"
              value={params.use}
              options={Object.entries(USE_LABEL).map(([value, label]) => ({ value, label }))}
            />
          </FilterForm>
          <Suspense key={JSON.stringify(params)} fallback={<SectionSkeleton title="Identities" rows={8} />}>
            <IdentitiesTable scope={scope} params={params} />
          </Suspense>
        </>
      )}
    </div>
  );
}
