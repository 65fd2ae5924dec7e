import {
  becomeClusterAdmin,
  clusterAdminBeside,
  OPEN_PATHS,
  orderByClusterAdmin,
  reachesBeyond,
  reachOf,
  shortestClusterAdminPath,
} from "@/components/access/can-become";
import { encodeGraph, type GraphData } from "@/components/access/graph-data";
import type { Becomer, Holder } from "@/components/cluster/cluster-admin-reach";
import {
  type AccessSummaryEntry,
  type ClusterAccessSummary,
  escalationsOfPrincipals,
  grantsOfPrincipals,
} from "@/lib/queries/get-cluster-access-summary";
import type { ScanScope } from "@/lib/queries/scan-scope";

// What the cluster page's access sections show whatever its query says: the order, cluster-admin's holders
// and becomers with their paths, the graph and the counts. A completed scan's summary never changes, so this
// is worked out once per summary (getClusterAccessSummary keeps them per scan) rather than on every request:
// on a cluster with 6,048 principals it was ~27 ms of each request's CPU, and two database reads.

/** The graph draws at most this many principals (the strongest); its level filter works within them. */
const GRAPH_PRINCIPALS = 40;
/** "Is cluster-admin" names at most this many; the access list has everyone. */
const HOLDERS_LIMIT = 25;
/** "Can become cluster-admin" shows at most this many, each with its shortest path. */
const CAN_BECOME_LIMIT = 25;

export type ClusterAccessView = {
  /** holders, then who can become cluster-admin, then the rest: nobody who can take the cluster looks clean */
  ordered: readonly AccessSummaryEntry[];
  holders: Holder[];
  holdersTotal: number;
  eligibleHoldersTotal: number;
  becomers: Becomer[];
  becomersTotal: number;
  /** principals holding standing access; those holding only eligible (PIM) access */
  withGrants: number;
  withEligible: number;
  graph: GraphData;
};

/** Keyed by the summary object itself: it is shared by every reader of that scan's cluster and never changed. */
const views = new WeakMap<ClusterAccessSummary, Promise<ClusterAccessView>>();

export function clusterAccessView(
  scope: ScanScope,
  clusterId: string,
  summary: ClusterAccessSummary,
): Promise<ClusterAccessView> {
  const known = views.get(summary);
  if (known) return known;
  const pending = buildView(scope, clusterId, summary);
  views.set(summary, pending);
  pending.catch(() => views.delete(summary));
  return pending;
}

async function buildView(
  scope: ScanScope,
  clusterId: string,
  summary: ClusterAccessSummary,
): Promise<ClusterAccessView> {
  const ordered = orderByClusterAdmin(summary.principals);
  // cluster-admin held now; eligible (PIM) holders are counted apart, never as standing
  const holders = ordered.filter((entry) =>
    entry.grants.some((grant) => grant.level === "cluster-admin" && !grant.eligible),
  );
  const holderSet = new Set(holders);
  const eligibleHoldersTotal = ordered.filter(
    (entry) =>
      !holderSet.has(entry) &&
      entry.grants.some((grant) => grant.level === "cluster-admin" && grant.eligible),
  ).length;
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
  const besideOf = (entry: AccessSummaryEntry, index: number) => {
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
  return {
    ordered,
    holders: holders.slice(0, HOLDERS_LIMIT).map((entry) => ({
      principal: entry.principal,
      routes: [
        ...new Set(
          entry.grants.filter((grant) => grant.level === "cluster-admin").map((grant) => grant.route),
        ),
      ],
    })),
    holdersTotal: holders.length,
    eligibleHoldersTotal,
    becomers: shownBecomers.map(({ entry, become }, index) => ({
      principal: entry.principal,
      become,
      path: index < OPEN_PATHS ? shortestClusterAdminPath(escalationsOf(entry.principal.id)) : undefined,
      ...besideOf(entry, index),
    })),
    becomersTotal: becomers.length,
    withGrants: summary.principals.filter((entry) => entry.grants.some((grant) => !grant.eligible)).length,
    withEligible: summary.principals.filter(
      (entry) => entry.grants.length > 0 && entry.grants.every((grant) => grant.eligible),
    ).length,
    graph,
  };
}
