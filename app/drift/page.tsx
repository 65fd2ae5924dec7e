import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import type { PageSearchParams } from "@/app/_lib/page-scope";
import { PageHeader } from "@/components/ui/layout";
import { getDriftPage } from "@/lib/drift/get-drift-page";
import { lenientParse, searchParamsRecord } from "@/lib/queries/search-params";
import { DriftView } from "./_components/drift-view";
import { rangeFailure } from "./_components/range-errors";
import { driftPageParamsSchema, malformedScanParam } from "./search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Drift" };

export default async function DriftPage({ searchParams }: { searchParams: PageSearchParams }) {
  const raw = searchParamsRecord(await searchParams);
  if (malformedScanParam(raw)) notFound();
  const params = lenientParse(driftPageParamsSchema, raw);
  const header = (description: ReactNode) => <PageHeader title="Drift" description={description} />;
  let page: Awaited<ReturnType<typeof getDriftPage>>;
  try {
    page = await getDriftPage(params);
  } catch (error) {
    return (
      <div className="space-y-6">
        {header(
          "Every change between two scans: access gained or lost, escalations, findings opened or resolved.",
        )}
        {rangeFailure(error)}
      </div>
    );
  }
  const { range, tenantName } = page;
  return (
    <div className="space-y-6">
      {header(
        <>
          Every change in <strong>{tenantName}</strong> between two scans: access gained or lost, escalations,
          findings opened or resolved, and the objects behind them.
        </>,
      )}
      <DriftView range={range} cluster={null} params={params} basePath="/drift" />
    </div>
  );
}
