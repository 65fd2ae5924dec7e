import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import type { PageSearchParams } from "@/app/_lib/page-scope";
import { PageHeader } from "@/components/ui/layout";
import { pool } from "@/lib/db/pool";
import { type DriftRange, resolveDriftRange } from "@/lib/drift/scan-range";
import { lenientParse, searchParamsRecord } from "@/lib/queries/search-params";
import { DriftView } from "./_components/drift-view";
import { rangeFailure } from "./_components/range-errors";
import { driftPageParamsSchema, malformedScanParam } from "./search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Drift" };

async function tenantName(tenantId: string): Promise<string> {
  const { rows } = await pool().query<{ display_name: string }>(
    "SELECT display_name FROM tenants WHERE id = $1",
    [tenantId],
  );
  return rows[0]?.display_name ?? tenantId;
}

export default async function DriftPage({ searchParams }: { searchParams: PageSearchParams }) {
  const raw = searchParamsRecord(await searchParams);
  if (malformedScanParam(raw)) notFound();
  const params = lenientParse(driftPageParamsSchema, raw);
  const header = (description: ReactNode) => <PageHeader title="Drift" description={description} />;
  let range: DriftRange;
  try {
    range = await resolveDriftRange(pool(), { tenantId: params.tenant, from: params.from, to: params.to });
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
  return (
    <div className="space-y-6">
      {header(
        <>
          Every change in <strong>{await tenantName(range.tenantId)}</strong> between two scans: access gained
          or lost, escalations, findings opened or resolved, and the objects behind them.
        </>,
      )}
      <DriftView range={range} cluster={null} params={params} basePath="/drift" />
    </div>
  );
}
