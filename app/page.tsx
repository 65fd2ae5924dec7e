import Link from "next/link";
import { Suspense } from "react";
import { type PageSearchParams, pageScope } from "@/app/_lib/page-scope";
import { PostureTrendChart } from "@/components/charts/posture-trend-chart";
import { NoScanYet } from "@/components/no-scan-yet";
import { SeverityBars } from "@/components/overview/severity-bars";
import { WhoCanBeClusterAdminSection } from "@/components/overview/who-can-be-cluster-admin";
import { ScanNow } from "@/components/scans/scan-now";
import { SeverityBadge } from "@/components/ui/badges";
import { formatDateTime } from "@/components/ui/format";
import { PageHeader, Section, SectionSkeleton, Stat } from "@/components/ui/layout";
import {
  CLUSTER_ADMIN_LIST,
  CLUSTERS_HREF,
  FAILING_FINDINGS_HREF,
  getOverview,
  unreadSentence,
} from "@/lib/queries/get-overview";
import { getPostureTrend } from "@/lib/queries/get-posture-trend";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { whoCanBeClusterAdmin } from "@/lib/queries/who-can-be-cluster-admin";

export const dynamic = "force-dynamic";

async function OverviewBody({ scope }: { scope: ScanScope }) {
  const overview = await getOverview(scope);
  const failing = Object.values(overview.failingBySeverity).reduce((sum, n) => sum + n, 0);
  const { clusters, clusterAdmins } = overview;
  return (
    <>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat
          label="Clusters"
          value={clusters.total}
          href={CLUSTERS_HREF}
          detail={`${clusters.localAccountsEnabled} allow local accounts · ${clusters.entraManaged} with managed Entra ID`}
        />
        <Stat
          label="Principals with cluster-admin"
          value={clusterAdmins.principals}
          href={CLUSTER_ADMIN_LIST.href}
          detail={`groups included (${clusterAdmins.groups})${clusterAdmins.eligibleOnly > 0 ? ` · ${clusterAdmins.eligibleOnly} only eligible (PIM)` : ""} · ${clusterAdmins.inherited} through inherited Azure roles · ${clusterAdmins.viaLocalAccount} via the local admin credential`}
        />
        <Stat
          label="Failing findings"
          value={failing}
          href={FAILING_FINDINGS_HREF}
          detail={`${overview.failingBySeverity.critical} critical · ${overview.failingBySeverity.high} high`}
        />
        <Stat
          label="Kubernetes APIs read"
          value={`${clusters.total - clusters.kubernetesNotRead}/${clusters.total}`}
          href={`/scans/${overview.scanId}`}
          detail={
            clusters.kubernetesNotRead ? unreadSentence(clusters.kubernetesUnread) : "every cluster read"
          }
        />
      </div>
      {/* who first (issue 16): the people behind the numbers, before the list of what is failing */}
      <Suspense fallback={<SectionSkeleton title="Who can be cluster-admin" rows={6} />}>
        <WhoCanBeClusterAdmin scope={scope} />
      </Suspense>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <Section id="attention" title="Needs attention now" className="lg:col-span-2">
          {overview.attention.length === 0 ? (
            <p className="text-sm text-slate-600">Nothing is failing in this scan.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {overview.attention.slice(0, 8).map((item) => (
                <li key={item.id} className="flex items-center gap-3 py-2">
                  <SeverityBadge severity={item.severity} />
                  <Link href={item.href} className="text-sm link">
                    {item.text}
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {overview.attention.length > 8 ? (
            <p className="mt-2 text-sm">
              <Link className="text-brand-700 underline" href="/findings">
                All {failing} failing findings
              </Link>
            </p>
          ) : null}
        </Section>
        <Section id="severity" title="Failing findings by severity">
          <SeverityBars counts={overview.failingBySeverity} />
        </Section>
      </div>
    </>
  );
}

async function WhoCanBeClusterAdmin({ scope }: { scope: ScanScope }) {
  const [who, overview] = await Promise.all([whoCanBeClusterAdmin(scope), getOverview(scope)]);
  return (
    <WhoCanBeClusterAdminSection
      who={who}
      clusterTotal={overview.clusters.total}
      listHref={CLUSTER_ADMIN_LIST.href}
    />
  );
}

async function PostureTrend({ scope }: { scope: ScanScope }) {
  const points = await getPostureTrend(scope);
  return (
    <Section
      id="trend"
      title="Posture over past scans"
      description="Failing findings by severity, and principals holding cluster-admin, at each scan."
    >
      {points.length < 2 ? (
        <p className="text-sm text-slate-600">The trend appears after the second scan.</p>
      ) : (
        <PostureTrendChart points={points} />
      )}
    </Section>
  );
}

export default async function OverviewPage({ searchParams }: { searchParams: PageSearchParams }) {
  const scope = await pageScope(await searchParams);
  if (!scope) {
    return (
      <div className="space-y-6">
        <PageHeader title="Overview" description="Who can do what on your AKS clusters, and how." />
        <NoScanYet />
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <PageHeader
        title="Overview"
        description={
          <>
            State as of{" "}
            <Link className="text-brand-700 underline" href={`/scans/${scope.scan.id}`}>
              scan #{scope.scan.id}
            </Link>{" "}
            ({scope.scan.status}, finished {formatDateTime(scope.scan.finishedAt ?? scope.scan.startedAt)}).
          </>
        }
        actions={<ScanNow tenantId={scope.tenantId} />}
      />
      <Suspense
        fallback={
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            <SectionSkeleton title="Summary" />
            <SectionSkeleton title="Needs attention now" />
          </div>
        }
      >
        <OverviewBody scope={scope} />
      </Suspense>
      <Suspense fallback={<SectionSkeleton title="Posture over past scans" rows={6} />}>
        <PostureTrend scope={scope} />
      </Suspense>
    </div>
  );
}
