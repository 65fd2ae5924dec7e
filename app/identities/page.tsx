import type { Metadata } from "next";
import Link from "next/link";
import { type PageSearchParams, pageScope } from "@/app/_lib/page-scope";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableBoundary } from "@/components/data-table/data-table-boundary";
import { scanLinkParams } from "@/components/data-table/url-state";
import { IDENTITY_COLUMNS, USE_LABEL } from "@/components/identities/identity-columns";
import { NoScanYet } from "@/components/no-scan-yet";
import { FilterForm, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { PageHeader } from "@/components/ui/layout";
import {
  IDENTITIES_PAGE_SIZE,
  type IdentityListParams,
  identityListParamsSchema,
  listIdentities,
} from "@/lib/queries/list-identities";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { lenientParse, searchParamsRecord } from "@/lib/queries/search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Identities" };

async function IdentitiesTable({
  scope,
  params,
  linkParams,
}: {
  scope: ScanScope;
  params: IdentityListParams;
  linkParams: Record<string, string | undefined>;
}) {
  const list = await listIdentities(scope, params);
  return (
    <DataTable
      label="Identities"
      caption={`${list.total} managed identities`}
      columns={IDENTITY_COLUMNS}
      rows={list.identities}
      rowKey={(identity) => identity.id}
      url={{ basePath: "/identities", params: linkParams }}
      pagination={{ page: list.page, pageSize: IDENTITIES_PAGE_SIZE, total: list.total }}
      minWidthClass="min-w-[56rem]"
      alignTop
      hoverRows={false}
      empty={
        <>
          No managed identity matches.{" "}
          <Link className="text-brand-700 underline" href="/identities">
            Clear the filters
          </Link>
          .
        </>
      }
    />
  );
}

export default async function IdentitiesPage({ searchParams }: { searchParams: PageSearchParams }) {
  const raw = await searchParams;
  const scope = await pageScope(raw);
  const params = lenientParse(identityListParamsSchema, searchParamsRecord(raw));
  const pinned = scope ? scanLinkParams(raw, scope) : {};
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
            {pinned.scan ? <input type="hidden" name="scan" value={pinned.scan} /> : null}
          </FilterForm>
          <DataTableBoundary label="Identities" view={{ ...params, ...pinned }}>
            <IdentitiesTable
              scope={scope}
              params={params}
              linkParams={{ q: params.q || undefined, use: params.use, ...pinned }}
            />
          </DataTableBoundary>
        </>
      )}
    </div>
  );
}
