import { Suspense } from "react";
import { formatTime } from "@/components/scans/format";
import { JsonLink } from "@/components/ui/json-link";
import { Section, SectionSkeleton } from "@/components/ui/layout";
import type { ClusterRef } from "@/lib/drift/cluster-ref";
import { getDriftEvents, getDriftTimeline } from "@/lib/drift/get-drift-page";
import type { DriftRange } from "@/lib/drift/scan-range";
import { type DriftPageParams, driftHref } from "../search-params";
import { DriftEvents } from "./drift-events";
import { DriftTimelineChart, type TimelineBar } from "./drift-timeline-chart";

// The body of /drift and /clusters/[id]/drift: the timeline of changes per scan, and the events of the
// chosen pair of scans. Each section streams in behind its own skeleton.

type ViewProps = {
  range: DriftRange;
  cluster: ClusterRef | null;
  params: DriftPageParams;
  basePath: string;
};

function currentParams(params: DriftPageParams, range: DriftRange): Record<string, string | undefined> {
  return {
    tenant: params.tenant,
    from: params.from?.toString(),
    to: params.to?.toString() ?? range.to.id.toString(),
    severity: params.severity === "info" ? undefined : params.severity,
    category: params.category,
  };
}

async function TimelineSection({ range, cluster, basePath, params }: ViewProps) {
  const points = await getDriftTimeline(range, cluster);
  const bars: TimelineBar[] = points.map((point) => ({
    scanId: point.scanId,
    label: formatTime(point.startedAt),
    total: point.counts.total,
    baseline: point.fromScanId === null,
    bySeverity: point.counts.bySeverity,
    byCategory: point.counts.byCategory,
  }));
  const template = driftHref(basePath, { tenant: params.tenant, to: "SCAN" }).replace("SCAN", "{scan}");
  return <DriftTimelineChart bars={bars} selected={range.to.id.toString()} hrefFor={template} />;
}

async function EventsSection({ range, cluster, params, basePath }: ViewProps) {
  const report = await getDriftEvents(range, cluster);
  const current = currentParams(params, range);
  const api = driftHref("/api/drift", {
    tenant: params.tenant,
    from: range.from?.id.toString(),
    to: range.to.id.toString(),
    cluster: cluster?.id,
  });
  return (
    <DriftEvents
      report={report}
      filters={{ severity: params.severity, category: params.category ?? null }}
      hrefWith={(change) => driftHref(basePath, current, change)}
      apiHref={api}
    />
  );
}

export function DriftView(props: ViewProps) {
  const { range, cluster } = props;
  const where = cluster ? ` on ${cluster.name}` : "";
  return (
    <div className="space-y-6">
      <Section
        id="timeline"
        title="Changes per scan"
        description={`Each scan against the one before it${where}, by severity. Choose a scan to see what changed.`}
      >
        <Suspense fallback={<div className="h-56 animate-pulse rounded bg-slate-100" aria-busy="true" />}>
          <TimelineSection {...props} />
        </Suspense>
      </Section>
      {range.from ? (
        <Section
          id="events"
          title={`Scan #${range.to.id} against scan #${range.from.id}`}
          description={`${formatTime(range.from.startedAt.toISOString())} → ${formatTime(range.to.startedAt.toISOString())}${where}`}
          actions={
            <JsonLink
              href={driftHref("/api/drift", {
                tenant: props.params.tenant,
                from: range.from.id.toString(),
                to: range.to.id.toString(),
                cluster: cluster?.id,
              })}
            />
          }
          className="[&>div:last-child]:p-0"
        >
          <Suspense fallback={<SectionSkeleton title="Loading the changes" rows={6} />}>
            <EventsSection {...props} />
          </Suspense>
        </Section>
      ) : (
        <Section id="events" title={`Scan #${range.to.id} is the first scan`}>
          <p className="text-sm text-slate-600">
            There is no earlier scan of this tenant to compare it with. Drift appears from the next scan on.
          </p>
        </Section>
      )}
    </div>
  );
}
