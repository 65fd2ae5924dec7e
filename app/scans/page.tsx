import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { z } from "zod";
import { triggerLabel } from "@/components/scans/describe-scan";
import { formatDuration, formatTime } from "@/components/scans/format";
import { ScanNow } from "@/components/scans/scan-now";
import { ScanStatusBadge } from "@/components/ui/badges";
import { plural } from "@/components/ui/format";
import { EmptyState, PageHeader, SectionSkeleton } from "@/components/ui/layout";
import { Pagination } from "@/components/ui/pagination";
import { TableScroll } from "@/components/ui/table-scroll";
import { getScansPage, SCANS_PAGE_SIZE } from "@/lib/queries/list-scans";
import { lenientParse, searchParamsRecord } from "@/lib/queries/search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Scans" };

const paramsSchema = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });

async function ScansTable({ page }: { page: number }) {
  const list = await getScansPage({ page });
  if (list.total === 0) {
    return (
      <EmptyState title="No scan yet">
        Start the first scan with <strong>Scan now</strong>. Without Azure credentials the app scans the
        built-in demo tenant.
      </EmptyState>
    );
  }
  return (
    <div className="rounded-lg border border-slate-200 bg-white">
      <TableScroll label="Scans">
        <table className="w-full min-w-[52rem] text-left text-sm">
          <caption className="px-3 py-2 text-left text-slate-600">
            {plural(list.total, "scan")}, newest first
          </caption>
          <thead className="border-y border-slate-200 bg-slate-50 text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                Scan
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Status
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Started
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Duration
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Coverage
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Errors
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.scans.map((scan) => (
              <tr key={scan.id} className="hover:bg-slate-50">
                <th scope="row" className="px-3 py-2 font-medium">
                  <Link className="link" href={`/scans/${scan.id}`}>
                    #{scan.id}
                  </Link>
                  <div className="text-xs font-normal text-slate-600">
                    {scan.tenant.displayName} · {triggerLabel(scan.trigger)}
                  </div>
                </th>
                <td className="px-3 py-2">
                  <ScanStatusBadge status={scan.status} />
                  {scan.status === "running" ? (
                    <span className="ml-2 text-xs text-slate-600">
                      {scan.phase}{" "}
                      {scan.progress.total > 0 ? `${scan.progress.done}/${scan.progress.total}` : ""}
                    </span>
                  ) : null}
                </td>
                <td className="px-3 py-2 text-slate-700">{formatTime(scan.startedAt)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{formatDuration(scan.durationMs)}</td>
                <td className="px-3 py-2 text-slate-700">
                  {scan.coverage.sources === 0
                    ? "–"
                    : `${scan.coverage.complete} of ${plural(scan.coverage.sources, "source")} read${scan.coverage.notRead ? `, ${scan.coverage.notRead} not read` : ""}${scan.coverage.partial ? `, ${scan.coverage.partial} partly read` : ""}`}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{scan.errorCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <div className="px-3 pb-3">
        <Pagination
          basePath="/scans"
          params={{}}
          page={list.page}
          pageSize={SCANS_PAGE_SIZE}
          total={list.total}
          label="Scans"
        />
      </div>
    </div>
  );
}

export default async function ScansPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { page } = lenientParse(paramsSchema, searchParamsRecord(await searchParams));
  return (
    <div className="space-y-4">
      <PageHeader
        title="Scans"
        description="Every scan: when, how long, how completely each source was read, and what went wrong."
        actions={<ScanNow />}
      />
      <Suspense fallback={<SectionSkeleton title="Scans" rows={8} />}>
        <ScansTable page={page} />
      </Suspense>
    </div>
  );
}
