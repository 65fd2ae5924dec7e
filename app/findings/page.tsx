import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { type PageSearchParams, pageScope } from "@/app/_lib/page-scope";
import { FindingCard, FRAMEWORK_LABEL } from "@/components/findings/finding-card";
import { NoScanYet } from "@/components/no-scan-yet";
import { FilterForm, SelectFilter } from "@/components/ui/filter-form";
import { PageHeader, SectionSkeleton } from "@/components/ui/layout";
import { Pagination } from "@/components/ui/pagination";
import { controlFrameworkSchema } from "@/lib/findings/types";
import { clusterSlug } from "@/lib/queries/cluster-slug";
import { FINDINGS_PAGE_SIZE, type FindingFilters, findingFiltersSchema } from "@/lib/queries/finding-filters";
import { listFindings } from "@/lib/queries/list-findings";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { lenientParse, searchParamsRecord } from "@/lib/queries/search-params";
import { SEVERITIES } from "@/lib/queries/stored-records";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Findings" };

function linkParams(filters: FindingFilters): Record<string, string | string[] | undefined> {
  return {
    severity: filters.severity.length ? filters.severity : undefined,
    status: filters.status === "fail" ? undefined : filters.status,
    rule: filters.rule,
    framework: filters.framework,
    cluster: filters.cluster,
  };
}

async function FindingsList({ scope, filters }: { scope: ScanScope; filters: FindingFilters }) {
  const list = await listFindings(scope, filters);
  return (
    <div className="space-y-3">
      <FilterForm action="/findings" label="Filter findings" clearHref="/findings">
        <SelectFilter
          name="severity"
          label="Severity"
          value={filters.severity[0]}
          options={SEVERITIES.map((severity) => ({ value: severity, label: severity }))}
        />
        <SelectFilter
          name="status"
          label="Status"
          value={filters.status === "fail" ? undefined : filters.status}
          options={[
            { value: "all", label: "all" },
            { value: "not-assessed", label: "not assessed" },
            { value: "pass", label: "passing" },
          ]}
        />
        <SelectFilter
          name="rule"
          label="Rule"
          value={filters.rule}
          options={list.facets.rules.map((rule) => ({
            value: rule.ruleId,
            label: `${rule.title} (${rule.failing})`,
          }))}
        />
        <SelectFilter
          name="framework"
          label="Control framework"
          value={filters.framework}
          options={controlFrameworkSchema.options.map((framework) => ({
            value: framework,
            label: FRAMEWORK_LABEL[framework],
          }))}
        />
        <SelectFilter
          name="cluster"
          label="Cluster"
          value={filters.cluster}
          options={list.facets.clusters.map((cluster) => ({
            value: clusterSlug(cluster.id),
            label: cluster.name,
          }))}
        />
      </FilterForm>
      {/* the count heads the list: the cards' h3 titles sit under an h2, not straight under the h1 (axe
          heading-order); a heading keeps the look of the line it was */}
      <h2 className="text-sm text-slate-600" aria-live="polite">
        {list.total} {filters.status === "fail" ? "failing " : ""}finding{list.total === 1 ? "" : "s"}
        {filters.status === "fail" ? " (choose a status to see passing and not assessed ones)" : ""}.
      </h2>
      {list.total === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600">
          Nothing matches.{" "}
          <Link className="text-brand-700 underline" href="/findings">
            Clear the filters
          </Link>
          .
        </p>
      ) : (
        <div className="space-y-2">
          {list.findings.map((finding) => (
            <FindingCard
              key={`${finding.ruleId}|${finding.cluster.id}|${finding.evidence.objects[0]?.id}`}
              finding={finding}
            />
          ))}
        </div>
      )}
      <Pagination
        basePath="/findings"
        params={linkParams(filters)}
        page={list.page}
        pageSize={FINDINGS_PAGE_SIZE}
        total={list.total}
        label="Findings"
      />
    </div>
  );
}

export default async function FindingsPage({ searchParams }: { searchParams: PageSearchParams }) {
  const raw = await searchParams;
  const scope = await pageScope(raw);
  const filters = lenientParse(findingFiltersSchema, searchParamsRecord(raw));
  return (
    <div className="space-y-4">
      <PageHeader
        title="Findings"
        description="What is wrong, where, the evidence, the published controls it maps to, and how to fix it."
      />
      {!scope ? (
        <NoScanYet />
      ) : (
        <Suspense key={JSON.stringify(filters)} fallback={<SectionSkeleton title="Findings" rows={8} />}>
          <FindingsList scope={scope} filters={filters} />
        </Suspense>
      )}
    </div>
  );
}
