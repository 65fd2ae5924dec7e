import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { orNotFound, type PageSearchParams, pageScope } from "@/app/_lib/page-scope";
import { AccessGraph } from "@/components/access/access-graph";
import { AccessList } from "@/components/access/access-list";
import {
  becomeClusterAdmin,
  clusterAdminBeside,
  orderByClusterAdmin,
  reachesBeyond,
  reachOf,
  shortestClusterAdminPath,
} from "@/components/access/can-become";
import { clusterFindingsView } from "@/components/access/capped-list";
import { encodeGraph } from "@/components/access/graph-data";
import { ClusterAdminReach, OPEN_PATHS } from "@/components/cluster/cluster-admin-reach";
import { ControlPlane } from "@/components/cluster/control-plane";
import { WorkerPlane } from "@/components/cluster/worker-plane";
import { Workloads } from "@/components/cluster/workloads";
import { FindingCard, MAX_PATHS } from "@/components/findings/finding-card";
import { NoScanYet } from "@/components/no-scan-yet";
import { PageHeader, Section, SectionSkeleton } from "@/components/ui/layout";
import { HOLDING_EXPLANATION, HOLDING_LABEL } from "@/lib/access/labels";
import type { Finding } from "@/lib/findings/types";
import { clusterHref, clusterIdFromSlug, clusterSlug } from "@/lib/queries/cluster-slug";
import { getCluster } from "@/lib/queries/get-cluster";
import {
  escalationsOfPrincipals,
  filterByHolding,
  getClusterAccessSummary,
  grantsOfPrincipals,
  HOLDING_FILTERS,
} from "@/lib/queries/get-cluster-access-summary";
import { getClusterFindings } from "@/lib/queries/get-cluster-findings";
import type { ScanScope } from "@/lib/queries/scan-scope";
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
/** The graph draws at most this many principals (the strongest); its level filter works within them. */
const GRAPH_PRINCIPALS = 40;
/** "Is cluster-admin" names at most this many; the access list has everyone. */
const HOLDERS_LIMIT = 25;
/** "Can become cluster-admin" shows at most this many, each with its shortest path. */
const CAN_BECOME_LIMIT = 25;
/** Findings listed per status (failing; passing and not assessed): the findings page has them all. */
const FINDINGS_LISTED = 25;
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
  // holders, then who can become cluster-admin, then the rest: nobody who can take the cluster looks clean
  const ordered = orderByClusterAdmin(summary.principals);
  // cluster-admin held now; eligible (PIM) holders are counted apart, never as standing
  const holders = ordered.filter((entry) =>
    entry.grants.some((grant) => grant.level === "cluster-admin" && !grant.eligible),
  );
  const eligibleHolders = ordered.filter(
    (entry) =>
      !holders.includes(entry) &&
      entry.grants.some((grant) => grant.level === "cluster-admin" && grant.eligible),
  );
  const becomers = ordered.flatMap((entry) => {
    const become = becomeClusterAdmin(entry);
    return become ? [{ entry, become }] : [];
  });
  const strongest = ordered.slice(0, GRAPH_PRINCIPALS);
  const shownBecomers = becomers.slice(0, CAN_BECOME_LIMIT);
  // escalation documents (paths) only for those rendered: the can-become list's open ones (the others load
  // theirs when opened) and the graph's reaches
  const withPaths = [
    ...new Set([
      ...shownBecomers.slice(0, OPEN_PATHS).map(({ entry }) => entry.principal.id),
      ...strongest.filter((entry) => entry.reaches.length > 0).map((entry) => entry.principal.id),
    ]),
  ];
  const [graphGrants, escalations] = await Promise.all([
    grantsOfPrincipals(
      scope,
      clusterId,
      strongest.map((entry) => entry.principal.id),
    ),
    escalationsOfPrincipals(scope, clusterId, withPaths),
  ]);
  const escalationsOf = (id: string) => escalations.filter((escalation) => escalation.principal.id === id);
  const graph = encodeGraph(
    strongest.map((entry) => {
      const beyond = new Set<string>(reachesBeyond(entry.grants, entry.reaches).map((reach) => reach.level));
      return {
        grants: [
          ...graphGrants
            .filter((grant) => grant.principal.id === entry.principal.id)
            .flatMap((grant) => grant.paths.map((path) => ({ level: grant.level, path }))),
          // the shortest path of each level it can become but does not hold, drawn dashed
          ...escalationsOf(entry.principal.id)
            .filter((escalation) => escalation.route === "attack-path" && beyond.has(escalation.to))
            .flatMap((escalation) => {
              const reach = reachOf(escalation);
              const path = escalation.paths[0];
              return reach && path ? [{ level: reach.level, path, potential: true }] : [];
            }),
        ],
      };
    }),
  );
  /** the route beside the shortest, with its path when the shortest's is read with the page */
  const besideOf = (entry: (typeof ordered)[number], index: number) => {
    const reach = clusterAdminBeside(entry);
    if (!reach) return {};
    return {
      beside: {
        reach,
        path:
          index < OPEN_PATHS ? shortestClusterAdminPath(escalationsOf(entry.principal.id), true) : undefined,
      },
    };
  };
  const withGrants = summary.principals.filter((entry) =>
    entry.grants.some((grant) => !grant.eligible),
  ).length;
  const withEligible = summary.principals.filter(
    (entry) => entry.grants.length > 0 && entry.grants.every((grant) => grant.eligible),
  ).length;
  const filtered = filterByHolding(ordered, params.holding);
  const listed = showAll ? filtered : filtered.slice(0, ACCESS_LIST_LIMIT);
  const slug = clusterSlug(clusterId);
  return (
    <>
      <ClusterAdminReach
        clusterName={clusterName}
        holders={holders.slice(0, HOLDERS_LIMIT).map((entry) => ({
          principal: entry.principal,
          routes: [
            ...new Set(
              entry.grants.filter((grant) => grant.level === "cluster-admin").map((grant) => grant.route),
            ),
          ],
        }))}
        holdersTotal={holders.length}
        clusterSlug={slug}
        scanId={summary.scanId}
        becomers={shownBecomers.map(({ entry, become }, index) => ({
          principal: entry.principal,
          become,
          path: index < OPEN_PATHS ? shortestClusterAdminPath(escalationsOf(entry.principal.id)) : undefined,
          ...besideOf(entry, index),
        }))}
        becomersTotal={becomers.length}
      />
      <Section
        id="access"
        title="Access"
        description={`${withGrants} principals hold standing access to ${clusterName}${withEligible > 0 ? `, ${withEligible} more only through PIM (eligible)` : ""}${eligibleHolders.length > 0 ? `; ${eligibleHolders.length} eligible for cluster-admin` : ""}${becomers.length > 0 ? `; ${becomers.length} can become cluster-admin` : ""}. Cluster-admin first, then who can become it, then the strongest; expand one to see how.`}
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
          />
        )}
        {listed.length < filtered.length ? (
          <p className="mt-3 text-sm">
            {listed.length} of {filtered.length} shown.{" "}
            <Link
              className="link"
              href={`${clusterHref(clusterId)}?access=all${params.holding === "any" ? "" : `&holding=${params.holding}`}#access-heading`}
            >
              Show all {filtered.length}
            </Link>
          </p>
        ) : null}
      </Section>
      <Section
        id="graph"
        title="Access graph"
        description="Principal → group → role or binding → permission or setting → cluster. Dashed: can become (an attack path, not held today)."
      >
        <AccessGraph clusterName={clusterName} data={graph} />
      </Section>
    </>
  );
}

async function FindingsSection({ scope, clusterId }: { scope: ScanScope; clusterId: string }) {
  const { findings } = await getClusterFindings(scope, clusterId);
  const view = clusterFindingsView(findings, {
    listed: FINDINGS_LISTED,
    pathBudget: EVIDENCE_PATH_BUDGET,
    pathsPerFinding: MAX_PATHS,
  });
  const slug = clusterSlug(clusterId);
  // the findings page filtered to this cluster (and rule) lists every finding, each with its paths
  const findingsHref = (status: "fail" | "all", ruleId?: string) =>
    `/findings?cluster=${encodeURIComponent(slug)}${status === "all" ? "&status=all" : ""}${ruleId ? `&rule=${encodeURIComponent(ruleId)}` : ""}`;
  const card = ({ finding, paths }: { finding: Finding; paths: boolean }, index: number) => (
    <FindingCard
      // by position: server-rendered in a fixed order; the evidence's ARM ids as keys weighed kilobytes in the RSC payload
      key={index}
      finding={finding}
      showCluster={false}
      pathsElsewhere={
        paths ? undefined : findingsHref(finding.status === "fail" ? "fail" : "all", finding.ruleId)
      }
    />
  );
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
  const { failing, rest } = view;
  return (
    <Section
      id="findings"
      title="Findings"
      description={`${failing.total} failing, ${rest.total} passing or not assessed.`}
    >
      {failing.total === 0 ? (
        <p className="text-sm text-slate-600">No failing finding on this cluster.</p>
      ) : null}
      <div className="space-y-2">{failing.shown.map(card)}</div>
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
          <div className="mt-2 space-y-2">{rest.shown.map(card)}</div>
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
