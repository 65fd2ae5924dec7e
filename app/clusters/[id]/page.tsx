import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { orNotFound, type PageSearchParams, pageScope } from "@/app/_lib/page-scope";
import { AccessGraph } from "@/components/access/access-graph";
import { AccessList } from "@/components/access/access-list";
import { clusterFindingsView } from "@/components/access/capped-list";
import { ClusterAdminReach } from "@/components/cluster/cluster-admin-reach";
import { ControlPlane } from "@/components/cluster/control-plane";
import { WorkerPlane } from "@/components/cluster/worker-plane";
import { Workloads } from "@/components/cluster/workloads";
import {
  type FindingInPlace,
  type FindingLine,
  FindingLines,
  type FindingOnDemandLine,
  FindingsInPlace,
  FindingsOnDemand,
} from "@/components/findings/cluster-finding-lines";
import { cardFinding, findingHeadline, MAX_PATHS } from "@/components/findings/finding-card";
import { NoScanYet } from "@/components/no-scan-yet";
import { PageHeader, Section, SectionSkeleton } from "@/components/ui/layout";
import { HOLDING_EXPLANATION, HOLDING_LABEL } from "@/lib/access/labels";
import { findingSubject } from "@/lib/findings/records";
import type { Finding } from "@/lib/findings/types";
import { clusterHref, clusterIdFromSlug, clusterSlug } from "@/lib/queries/cluster-slug";
import { getCluster } from "@/lib/queries/get-cluster";
import {
  filterByHolding,
  getClusterAccessSummary,
  HOLDING_FILTERS,
} from "@/lib/queries/get-cluster-access-summary";
import { getClusterFindings } from "@/lib/queries/get-cluster-findings";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { clusterAccessView } from "./access-view";
import { type ClusterPageParams, holdingHref, parseClusterPageParams } from "./search-params";

export const dynamic = "force-dynamic";

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const id = clusterIdFromSlug((await params).id);
  return { title: id ? (id.split("/").pop() ?? "Cluster") : "Cluster" };
}

/**
 * Principals listed before "show all": a busy cluster has hundreds, mostly service accounts (the demo's
 * clusters have at most 24). Was 60: 72 KB of a busy cluster's HTML, and as much again in its RSC payload.
 */
const ACCESS_LIST_LIMIT = 25;
/** Findings listed per status (failing; passing and not assessed): the findings page has them all. */
const FINDINGS_LISTED = 25;
/**
 * Findings listed per rule: a busy cluster has an escalation finding per principal who can become
 * cluster-admin (723 on bench/pages' widest), which filled the 25 and left 8 other failing rules unlisted.
 */
const FINDINGS_PER_RULE = 3;
/**
 * Findings whose evidence and remediation render with the page, failing first; the others load theirs when
 * opened. Those bodies were most of a busy cluster's page (38 cards: ~270 KB of HTML and as much again in the
 * RSC payload of a 790 KB page); with 8 in place the findings were still 1,128 of its 2,795 elements, and a
 * page's rendering costs about its elements.
 */
const FINDING_BODIES_IN_PLACE = 3;
/**
 * Evidence paths rendered in place on the page, failing findings first (the demo's clusters show 7–18):
 * on a busy cluster they were 530 path steps, a quarter of a 2 MB page. The rest link to the findings page.
 */
const EVIDENCE_PATH_BUDGET = 20;

async function AccessSection({
  scope,
  clusterId,
  clusterName,
  showAll,
  params,
}: {
  scope: ScanScope;
  clusterId: string;
  clusterName: string;
  showAll: boolean;
  params: ClusterPageParams;
}) {
  const summary = await getClusterAccessSummary(scope, clusterId);
  const view = await clusterAccessView(scope, clusterId, summary);
  const filtered = filterByHolding(view.ordered, params.holding);
  const listed = showAll ? filtered : filtered.slice(0, ACCESS_LIST_LIMIT);
  const slug = clusterSlug(clusterId);
  return (
    <>
      <ClusterAdminReach
        clusterName={clusterName}
        holders={view.holders}
        holdersTotal={view.holdersTotal}
        clusterSlug={slug}
        scanId={summary.scanId}
        becomers={view.becomers}
        becomersTotal={view.becomersTotal}
      />
      <Section
        id="access"
        title="Access"
        description={`${view.withGrants} principals hold standing access to ${clusterName}${view.withEligible > 0 ? `, ${view.withEligible} more only through PIM (eligible)` : ""}${view.eligibleHoldersTotal > 0 ? `; ${view.eligibleHoldersTotal} eligible for cluster-admin` : ""}${view.becomersTotal > 0 ? `; ${view.becomersTotal} can become cluster-admin` : ""}. Cluster-admin first, then who can become it, then the strongest; expand one to see how.`}
        actions={
          // a plain anchor: next/link would prefetch the JSON route with ?_rsc, which it refuses (400)
          <a className="text-sm link" href={`/api/clusters/${slug}/access`}>
            JSON
          </a>
        }
      >
        <nav aria-label="Standing or eligible access" className="mb-3 flex flex-wrap gap-2 text-sm">
          {HOLDING_FILTERS.map((holding) => (
            <Link
              key={holding}
              href={holdingHref(params, holding)}
              title={HOLDING_EXPLANATION[holding]}
              aria-current={params.holding === holding ? "page" : undefined}
              className={`rounded border px-2 py-0.5 ${params.holding === holding ? "border-brand-600 bg-brand-50 font-medium" : "border-slate-300 link"}`}
            >
              {HOLDING_LABEL[holding]}
            </Link>
          ))}
        </nav>
        {summary.principals.length === 0 ? (
          <p className="text-sm text-slate-600">Nobody has access to this cluster in this scan.</p>
        ) : filtered.length === 0 ? (
          <p className="text-sm text-slate-600">
            Nobody holds {params.holding === "eligible" ? "eligible (PIM)" : "standing"} access here.
          </p>
        ) : (
          <AccessList
            principals={listed}
            clusterName={clusterName}
            clusterSlug={slug}
            scanId={summary.scanId}
            more={{
              total: filtered.length,
              href: `${clusterHref(clusterId)}?access=all${params.holding === "any" ? "" : `&holding=${params.holding}`}#access-heading`,
            }}
          />
        )}
      </Section>
      <Section
        id="graph"
        title="Access graph"
        description="Principal → group → role or binding → permission or setting → cluster. Dashed: can become (an attack path, not held today)."
      >
        <AccessGraph clusterName={clusterName} data={view.graph} />
      </Section>
    </>
  );
}

async function FindingsSection({ scope, clusterId }: { scope: ScanScope; clusterId: string }) {
  const { scanId, findings } = await getClusterFindings(scope, clusterId);
  const { failing, rest } = clusterFindingsView(findings, {
    listed: FINDINGS_LISTED,
    perRule: FINDINGS_PER_RULE,
    bodies: FINDING_BODIES_IN_PLACE,
    pathBudget: EVIDENCE_PATH_BUDGET,
    pathsPerFinding: MAX_PATHS,
  });
  const slug = clusterSlug(clusterId);
  // the findings page filtered to this cluster (and rule) lists every finding, each with its paths
  const findingsHref = (status: "fail" | "all", ruleId?: string) =>
    `/findings?cluster=${encodeURIComponent(slug)}${status === "all" ? "&status=all" : ""}${ruleId ? `&rule=${encodeURIComponent(ruleId)}` : ""}`;
  /** the findings page at this finding's rule, in its status list */
  const ruleHref = (finding: Finding) =>
    findingsHref(finding.status === "fail" ? "fail" : "all", finding.ruleId);
  // Cards with their bodies in place come first (clusterFindingsView places them so); every list travels as
  // data to a client component (components/findings/cluster-finding-lines.tsx says why).
  const inPlace: FindingInPlace[] = failing.shown
    .filter((entry) => entry.body)
    .map(({ finding, paths, moreOfRule }) => ({
      ...cardFinding(finding, { pathsInPlace: paths }),
      ruleHref: ruleHref(finding),
      moreOfRule,
    }));
  const onDemand: FindingOnDemandLine[] = failing.shown
    .filter((entry) => !entry.body)
    .map(({ finding, moreOfRule }) => ({
      headline: findingHeadline(finding),
      ruleId: finding.ruleId,
      subject: findingSubject(finding),
      ruleHref: ruleHref(finding),
      moreOfRule,
    }));
  const lines: FindingLine[] = rest.shown.map(({ finding, moreOfRule }) => ({
    status: finding.status,
    title: finding.title,
    summary: finding.evidence.summary,
    ruleHref: findingsHref("all", finding.ruleId),
    moreOfRule,
  }));
  const more = (hidden: number, what: string, href: string) =>
    hidden > 0 ? (
      <p className="mt-2 text-sm">
        {hidden} more {what} not listed here:{" "}
        <Link className="link" href={href}>
          every finding on this cluster
        </Link>
        .
      </p>
    ) : null;
  return (
    <Section
      id="findings"
      title="Findings"
      description={`${failing.total} failing, ${rest.total} passing or not assessed.`}
    >
      {failing.total === 0 ? (
        <p className="text-sm text-slate-600">No failing finding on this cluster.</p>
      ) : null}
      <div className="space-y-2">
        <FindingsInPlace cards={inPlace} />
        <FindingsOnDemand lines={onDemand} clusterSlug={slug} scanId={scanId} />
      </div>
      {more(
        failing.hidden,
        failing.hidden === 1 ? "failing finding" : "failing findings",
        findingsHref("fail"),
      )}
      {rest.total > 0 ? (
        <details className="mt-3">
          <summary className="cursor-pointer text-sm text-brand-700">
            Show {rest.total} passing and not assessed
          </summary>
          {/* one line each, its title linking to the rule's findings there: a passing finding's evidence is a
              setting that holds, and 16 cards with their disclosures weighed as much as the failing ones */}
          <FindingLines lines={lines} />
          {more(rest.hidden, rest.hidden === 1 ? "finding" : "findings", findingsHref("all"))}
        </details>
      ) : null}
    </Section>
  );
}

export default async function ClusterPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: PageSearchParams;
}) {
  const clusterId = clusterIdFromSlug((await params).id);
  if (!clusterId) notFound();
  const searchParamsValue = await searchParams;
  const scope = await pageScope(searchParamsValue);
  if (!scope) return <NoScanYet />;
  const detail = await orNotFound(getCluster(scope, clusterId));
  const { cluster } = detail;
  return (
    <div className="space-y-6">
      <PageHeader
        eyebrow={
          <Link href="/clusters" className="link">
            Clusters
          </Link>
        }
        title={cluster.name}
        description={
          <>
            {cluster.resourceGroup} · subscription {cluster.subscriptionId} · {cluster.location} · Kubernetes{" "}
            {cluster.kubernetesVersion ?? "unknown"} · scan #{scope.scan.id}
          </>
        }
        actions={
          <Link className="text-sm link" href={`/clusters/${clusterSlug(clusterId)}/drift`}>
            Changes over time (drift)
          </Link>
        }
      />
      {detail.coverage.kubernetes.status !== "complete" ? (
        <p role="note" className="rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          Kubernetes API {detail.coverage.kubernetes.status}
          {detail.coverage.kubernetes.reason ? `: ${detail.coverage.kubernetes.reason}` : ""}. Azure-side
          answers are current; Kubernetes-side ones may be missing or carried over from an earlier scan.
        </p>
      ) : null}
      <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-2 xl:grid-cols-3">
        <Section id="control-plane" title="Control plane" description="Who signs in, how, and who is admin.">
          <ControlPlane detail={detail} />
        </Section>
        <Section
          id="worker-plane"
          title="Worker plane"
          description="Node and add-on identities and what they may touch."
        >
          <WorkerPlane detail={detail} />
        </Section>
        <Section
          id="workloads"
          title="Workloads"
          description="Workload identity chains, pod identity, secret stores."
        >
          <Workloads detail={detail} />
        </Section>
      </div>
      <Suspense fallback={<SectionSkeleton title="Access" rows={8} />}>
        <AccessSection
          scope={scope}
          clusterId={clusterId}
          clusterName={cluster.name}
          showAll={searchParamsValue.access === "all"}
          params={parseClusterPageParams(searchParamsValue)}
        />
      </Suspense>
      <Suspense fallback={<SectionSkeleton title="Findings" rows={6} />}>
        <FindingsSection scope={scope} clusterId={clusterId} />
      </Suspense>
    </div>
  );
}
