import type { Metadata } from "next";
import Link from "next/link";
import { orNotFound } from "@/app/_lib/page-scope";
import {
  apiFamilyLabel,
  countRows,
  coverageSentence,
  describeSource,
  orderSources,
  triggerLabel,
  triggerNote,
} from "@/components/scans/describe-scan";
import { formatDuration, formatTime } from "@/components/scans/format";
import { ScanNow } from "@/components/scans/scan-now";
import { ScanProgress } from "@/components/scans/scan-progress";
import { ScanStatusBadge } from "@/components/ui/badges";
import { PageHeader, Section } from "@/components/ui/layout";
import { getScanPage } from "@/lib/queries/get-scan";

export const dynamic = "force-dynamic";

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Scan #${(await params).id}` };
}

const COVERAGE_STYLE: Record<string, string> = {
  read: "text-emerald-900",
  "partly read": "text-amber-900",
  "not read": "text-red-900",
};

export default async function ScanPage({ params }: { params: Params }) {
  const scan = await orNotFound(getScanPage((await params).id));
  const running = scan.status === "running";
  const sources = orderSources(
    scan.coverage.map((entry) => ({ source: entry.source, ...describeSource(entry) })),
  );
  const sourceOf = new Map(sources.map((entry) => [entry.source, entry]));
  const coverageText = coverageSentence(sources);
  const note = triggerNote(scan.trigger);
  return (
    <div className="space-y-6">
      <PageHeader
        eyebrow={
          <Link href="/scans" className="link">
            Scans
          </Link>
        }
        title={`Scan #${scan.id}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <ScanStatusBadge status={scan.status} /> {scan.tenant.displayName} · {triggerLabel(scan.trigger)}{" "}
            · started {formatTime(scan.startedAt)}
            {scan.status === "partial" && coverageText ? (
              <span className="basis-full">Partial: {coverageText} (see Coverage).</span>
            ) : null}
            {note ? <span className="basis-full text-slate-700">{note}</span> : null}
          </span>
        }
        actions={running ? null : <ScanNow tenantId={scan.tenant.id} />}
      />
      {running ? (
        <Section id="progress" title="Progress">
          <ScanProgress
            initial={{ id: scan.id, status: scan.status, phase: scan.phase, progress: scan.progress }}
          />
        </Section>
      ) : (
        <div className="grid grid-cols-2 gap-4 sm:grid-cols-4">
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <div className="text-sm text-slate-600">Duration</div>
            <div className="mt-1 text-xl font-semibold">{formatDuration(scan.durationMs)}</div>
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <div className="text-sm text-slate-600">Sources read completely</div>
            <div className="mt-1 text-xl font-semibold">
              {scan.coverageSummary.complete}/{scan.coverageSummary.sources}
            </div>
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <div className="text-sm text-slate-600">Rows written</div>
            <div className="mt-1 text-xl font-semibold">
              +{scan.rowsInserted} / −{scan.rowsClosed}
            </div>
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <div className="text-sm text-slate-600">Errors</div>
            <div className="mt-1 text-xl font-semibold">{scan.errors.length}</div>
          </div>
        </div>
      )}
      {!running && scan.status !== "failed" ? (
        <p className="text-sm">
          <Link className="text-brand-700 underline" href={`/?scan=${scan.id}`}>
            Open the overview as of this scan
          </Link>
        </p>
      ) : null}
      {scan.errors.length > 0 ? (
        <Section id="errors" title="Errors">
          <ul className="space-y-2 text-sm">
            {scan.errors.map((error, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the error list of a scan is fixed; two errors may be identical
              <li key={`${error.source}-${index}`} className="rounded border border-red-200 bg-red-50 p-2">
                {/* the source by name and in words, the scanner's own message under it */}
                <span className="font-medium">
                  {(error.source && sourceOf.get(error.source)?.label) ?? error.source ?? "scan"}
                </span>
                {error.source && sourceOf.get(error.source)?.explanation ? (
                  <div className="text-slate-800">{sourceOf.get(error.source)?.explanation}</div>
                ) : null}
                <div className="break-all text-xs text-slate-700">
                  {error.code ? <span className="font-mono">{error.code}</span> : null} {error.message}
                </div>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      <Section
        id="coverage"
        title="Coverage"
        description="How completely each source was read. A source not read carries its earlier state forward."
      >
        {sources.length === 0 ? (
          <p className="text-sm text-slate-600">No coverage recorded yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {sources.map((entry) => (
              <li key={entry.source} className="py-2">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <span className="font-medium">{entry.label}</span>
                  <span className={COVERAGE_STYLE[entry.statusLabel] ?? "text-slate-800"}>
                    {entry.statusLabel}
                  </span>
                </div>
                {entry.explanation ? <p className="mt-0.5 text-slate-700">{entry.explanation}</p> : null}
                {entry.technical ? (
                  <details className="mt-0.5 text-xs text-slate-600">
                    <summary className="cursor-pointer">Technical detail</summary>
                    <span className="break-all font-mono">{entry.technical}</span>
                  </details>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Section>
      {Object.keys(scan.apiCalls).length + Object.keys(scan.counts).length > 0 ? (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
          <Section id="counts" title="Objects seen">
            <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
              {countRows(scan.counts).map((row) => (
                <div key={row.key} className="contents">
                  <dt className="text-slate-600">{row.label}</dt>
                  <dd className="text-right tabular-nums">{row.value}</dd>
                </div>
              ))}
            </dl>
          </Section>
          <Section id="api-calls" title="API calls">
            <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
              {Object.entries(scan.apiCalls).map(([family, n]) => (
                <div key={family} className="contents">
                  <dt className="text-slate-600">{apiFamilyLabel(family)}</dt>
                  <dd className="text-right tabular-nums">{n}</dd>
                </div>
              ))}
            </dl>
          </Section>
        </div>
      ) : null}
    </div>
  );
}
