import type { Metadata } from "next";
import Link from "next/link";
import { type PageSearchParams, pageScope } from "@/app/_lib/page-scope";
import { parsePrincipalSearchParams, principalParamsForLinks } from "@/app/principals/search-params";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableBoundary } from "@/components/data-table/data-table-boundary";
import { scanLinkParams } from "@/components/data-table/url-state";
import { NoScanYet } from "@/components/no-scan-yet";
import { PRINCIPAL_COLUMNS } from "@/components/principals/principal-columns";
import { FilterForm, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { PageHeader } from "@/components/ui/layout";
import { HOLDING_LABEL } from "@/lib/access/labels";
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

async function PrincipalsTable({
  scope,
  params,
  linkParams,
}: {
  scope: ScanScope;
  params: PrincipalListParams;
  linkParams: Record<string, string | undefined>;
}) {
  const list = await listPrincipals(scope, params);
  return (
    <DataTable
      label="Principals"
      caption={`${list.total} principals, strongest access first`}
      columns={PRINCIPAL_COLUMNS}
      rows={list.principals}
      rowKey={(principal) => principal.id}
      url={{ basePath: "/principals", params: linkParams }}
      pagination={{ page: list.page, pageSize: PRINCIPALS_PAGE_SIZE, total: list.total }}
      empty={
        <>
          No principal matches.{" "}
          <Link className="text-brand-700 underline" href="/principals">
            Clear the filters
          </Link>
          .
        </>
      }
    />
  );
}

export default async function PrincipalsPage({ searchParams }: { searchParams: PageSearchParams }) {
  const raw = await searchParams;
  const scope = await pageScope(raw);
  const params = parsePrincipalSearchParams(raw);
  const pinned = scope ? scanLinkParams(raw, scope) : {};
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
            {pinned.scan ? <input type="hidden" name="scan" value={pinned.scan} /> : null}
          </FilterForm>
          <DataTableBoundary label="Principals" view={{ ...params, ...pinned }}>
            <PrincipalsTable
              scope={scope}
              params={params}
              linkParams={{ ...principalParamsForLinks(params), ...pinned }}
            />
          </DataTableBoundary>
        </>
      )}
    </div>
  );
}
