import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { PageSearchParams } from "@/app/_lib/page-scope";
import { KindTag } from "@/components/ui/badges";
import { JsonLink } from "@/components/ui/json-link";
import { EmptyState, PageHeader, Section } from "@/components/ui/layout";
import { TableScroll } from "@/components/ui/table-scroll";
import { inventoryKindLabel } from "@/lib/drift/events";
import { getObjectDriftPage } from "@/lib/drift/get-object-drift";
import { driftObjectHref } from "@/lib/drift/links";
import type { ObjectDiff } from "@/lib/drift/object-history";
import { AppError } from "@/lib/http/app-error";
import { safeText } from "@/lib/http/safe-text";
import { searchParamsRecord } from "@/lib/queries/search-params";
import { FieldChanges } from "../_components/field-changes";
import { rangeFailure } from "../_components/range-errors";
import { driftPageParamsSchema, malformedScanParam } from "../search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Object drift" };

const objectParamsSchema = driftPageParamsSchema.pick({ from: true, to: true, tenant: true }).extend({
  kind: safeText().trim().min(1).max(100),
  key: safeText().trim().min(1).max(2000),
});

const ANALYSIS_LABEL: Record<string, string> = {
  "access.grant": "Access grant",
  "access.escalation": "Escalation",
  finding: "Finding",
};

function Verdict({ diff }: { diff: ObjectDiff }) {
  const { before, after } = diff;
  if (diff.from === null) {
    return (
      <p className="text-sm text-slate-600">
        Scan #{diff.to} is the tenant&apos;s first scan: nothing to compare.
      </p>
    );
  }
  if (!before && !after) {
    return (
      <p className="text-sm text-slate-600">
        The object existed in neither scan #{diff.from} nor scan #{diff.to}; its versions are listed below.
      </p>
    );
  }
  if (!before)
    return (
      <p className="text-sm text-slate-900">
        Added: absent in scan #{diff.from}, present in scan #{diff.to}.
      </p>
    );
  if (!after)
    return (
      <p className="text-sm text-slate-900">
        Removed: present in scan #{diff.from}, absent in scan #{diff.to}.
      </p>
    );
  if (before.contentHash === after.contentHash) {
    return (
      <p className="text-sm text-slate-600">
        Unchanged between scan #{diff.from} and scan #{diff.to}.
      </p>
    );
  }
  return (
    <FieldChanges
      changes={diff.changes}
      caption={`Changes between scan #${diff.from} and scan #${diff.to}`}
    />
  );
}

export default async function ObjectDriftPage({ searchParams }: { searchParams: PageSearchParams }) {
  const raw = searchParamsRecord(await searchParams);
  if (malformedScanParam(raw)) notFound();
  const parsed = objectParamsSchema.safeParse(raw);
  if (!parsed.success) notFound();
  const { kind, key, tenant, from, to } = parsed.data;
  let page: Awaited<ReturnType<typeof getObjectDriftPage>>;
  try {
    page = await getObjectDriftPage({ kind, key, tenant, from, to });
  } catch (error) {
    if (error instanceof AppError && error.status === 404) notFound();
    return (
      <div className="space-y-6">
        <PageHeader title="Object drift" />
        {rangeFailure(error)}
      </div>
    );
  }
  const kindLabel = ANALYSIS_LABEL[kind] ?? inventoryKindLabel(kind);
  const { diff, label, message } = page;
  const shown = diff.after ?? diff.before;
  return (
    <div className="space-y-6">
      <PageHeader
        eyebrow={
          <nav aria-label="Breadcrumb">
            <Link className="text-brand-700 underline" href={`/drift?to=${diff.to}`}>
              Drift
            </Link>{" "}
            / {kindLabel}
          </nav>
        }
        title={label}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <KindTag kind={kind} />
            <code className="break-all font-mono text-xs text-slate-600">{key}</code>
          </span>
        }
        actions={
          <JsonLink
            href={`/api/drift/object?${new URLSearchParams({ kind, key, ...(diff.from ? { from: diff.from } : {}), to: diff.to })}`}
          />
        }
      />
      <Section
        id="difference"
        title={diff.from ? `Scan #${diff.to} against scan #${diff.from}` : `Scan #${diff.to}`}
      >
        {message ? <p className="mb-3 text-sm font-medium text-slate-900">{message}</p> : null}
        <Verdict diff={diff} />
      </Section>
      <Section
        id="versions"
        title="Versions"
        description="Each stored version and the scans it was current in; an unchanged object is stored once."
      >
        {diff.history.length === 0 ? (
          <EmptyState title="No version kept" />
        ) : (
          <TableScroll label="Versions table">
            <table className="w-full min-w-[32rem] text-left text-sm">
              <caption className="sr-only">Stored versions of this object, oldest first</caption>
              <thead className="bg-slate-50 text-slate-700">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Current from scan
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Replaced or removed in scan
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Source
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Compare
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {diff.history.map((version, index) => {
                  const previous = diff.history[index - 1];
                  return (
                    <tr key={version.validFromScan}>
                      <th scope="row" className="px-3 py-2 font-medium tabular-nums">
                        #{version.validFromScan}
                      </th>
                      <td className="px-3 py-2 tabular-nums text-slate-700">
                        {version.validToScan ? `#${version.validToScan}` : "still current"}
                      </td>
                      <td className="px-3 py-2 font-mono text-xs text-slate-700">{version.source}</td>
                      <td className="px-3 py-2">
                        {previous ? (
                          <Link
                            className="text-brand-700 underline"
                            href={driftObjectHref({
                              kind,
                              key,
                              from: BigInt(previous.validFromScan),
                              to: BigInt(version.validFromScan),
                            })}
                          >
                            with the version before
                          </Link>
                        ) : (
                          <span className="text-slate-500">first version kept</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Section>
      {shown ? (
        <Section
          id="data"
          title={diff.after ? `As of scan #${diff.to}` : `As of scan #${diff.from} (removed since)`}
          description={`This version was first read in scan #${shown.validFromScan}, stored as the scan normalized it.`}
        >
          <pre className="whitespace-pre-wrap break-all rounded bg-slate-50 p-3 font-mono text-xs text-slate-900">
            {JSON.stringify(shown.data, null, 2)}
          </pre>
        </Section>
      ) : null}
    </div>
  );
}
