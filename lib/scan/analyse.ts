import { buildAccessIndex } from "@/lib/access/access-index";
import { AttackPathSearch, DEFAULT_MAX_HOPS, withAttackPaths } from "@/lib/access/attack-paths";
import { directoryPrincipal, evaluateClusterAccess, reachThroughGroups } from "@/lib/access/evaluate-cluster";
import { collapseGroupRecords, type Member, membershipRecords } from "@/lib/access/group-storage";
import { accessToRecords } from "@/lib/access/records";
import type { ClusterAccess } from "@/lib/access/types";
import type { DbConnection } from "@/lib/db/queryable";
import { StreamingFindings } from "@/lib/findings/evaluate-findings";
import { findingsToRecords } from "@/lib/findings/records";
import { ANALYSIS_SOURCE } from "@/lib/model/sources";
import type { TenantModel } from "@/lib/model/tenant-model";
import { scanEdgeCacheBytes } from "@/lib/scan/edge-cache-budget";
import { collectGarbage } from "./collect-garbage";
import { closeOutsideClusters, type StoredKinds, storeRecords } from "./store";

/**
 * Grants and escalations per batch (before group-level storage collapses them). A batch is stored once it
 * holds this many, so its clusters' access, paths, findings and JSON are in memory together. With attack
 * paths a busy cluster alone yields more (bench/scan's 100-cluster tenant: ~25 k records a cluster), so a
 * batch is mostly one cluster: at 20 k, two clusters' worth were held at a time and a scan's heap peaked
 * ~45 MiB higher for the same CPU (docs/performance.md, "Smaller batches, and a scan that starts clean").
 * A batch's fixed cost (a handful of statements) stays negligible.
 */
export const DEFAULT_BATCH_RECORDS = 5_000;

export interface AnalysisOutcome {
  grants: number;
  escalations: number;
  findings: number;
  inserted: number;
  closed: number;
  /** clusters whose access was evaluated by this call (the others were kept as stored) */
  clustersEvaluated: number;
  /** grants and escalations of each evaluated cluster */
  perCluster: Map<string, { grants: number; escalations: number }>;
  /** whether the findings were evaluated (false: kept as stored) */
  findingsEvaluated: boolean;
  /**
   * group-level storage: members' rows the readers expand (not stored) — `preferredRows` of them attack paths
   * several group rows expand to, read from the preferred one — absent markers, memberships
   */
  groupStorage: { expandedRows: number; preferredRows: number; absentMarkers: number; memberships: number };
  /** where the analysis's time went, in ms (bench/scan prints it) */
  phaseMs: AnalysisPhaseMs;
}

/**
 * The analysis's wall time by part: the access engine (one step), the attack-path search, the findings
 * rules, turning results into records (with group-level collapsing), and storing them (hashing, comparing,
 * COPY: mostly PostgreSQL).
 */
export interface AnalysisPhaseMs {
  evaluate: number;
  attackPaths: number;
  findings: number;
  records: number;
  store: number;
}

export const noAnalysisPhases = (): AnalysisPhaseMs => ({
  evaluate: 0,
  attackPaths: 0,
  findings: 0,
  records: 0,
  store: 0,
});

const recordCount = (access: ClusterAccess) =>
  access.principals.reduce((sum, entry) => sum + entry.grants.length + entry.escalations.length, 0);

/**
 * Evaluates access cluster by cluster and stores it, and the findings judged on it, a batch of clusters at
 * a time, inside the caller's transaction; the cross-cluster rules' findings follow once every cluster has
 * been seen. Memory is the model, its index and one batch, whatever the size of the tenant.
 */
export async function analyseAndStore(
  client: DbConnection,
  input: {
    tenantId: string;
    scanId: bigint;
    model: TenantModel;
    batchRecords?: number;
    /** bound of the attack-path search (1..8); stored paths are those of at most this many hops */
    maxHops?: number;
    onProgress?: (done: number, total: number) => void;
    /**
     * Incremental analysis (lib/scan/incremental-analysis.ts): clusters whose stored access is kept as it
     * is (not evaluated, their rows untouched), and whether the stored findings are kept. Findings read
     * every cluster's access, so they can be evaluated only when no cluster is kept.
     */
    keep?: { clusters: ReadonlySet<string>; findings: boolean };
    /**
     * Group-level storage (default true): access reached through a group is stored on the group, with the
     * memberships, and expanded by the readers (lib/access/group-storage.ts). false stores every member's
     * rows, the layout of earlier versions (kept to compare the two, and to test old data).
     */
    groupStorage?: boolean;
    /** the step dictionary (default true): see storeRecords */
    stepDictionary?: boolean;
  },
): Promise<AnalysisOutcome> {
  const { tenantId, scanId, model } = input;
  const keep = input.keep ?? { clusters: new Set<string>(), findings: false };
  if (!keep.findings && keep.clusters.size > 0)
    throw new Error("findings can only be evaluated with every cluster's access evaluated");
  const batchRecords = input.batchRecords ?? DEFAULT_BATCH_RECORDS;
  const indexStarted = performance.now();
  const index = buildAccessIndex(model, { edgeCacheBytes: scanEdgeCacheBytes() });
  const indexMs = performance.now() - indexStarted;
  const streaming = keep.findings ? null : new StreamingFindings(model, index);
  // Attack paths cross clusters, but the search runs backwards from one cluster's levels: it needs
  // that cluster's access (evaluated here anyway) and the tenant-wide edges, which it builds lazily
  // and keeps (identities, service accounts, who runs pods where), so each batch stays one batch.
  const attackPaths = new AttackPathSearch(index, input.maxHops ?? DEFAULT_MAX_HOPS);
  const outcome: AnalysisOutcome = {
    grants: 0,
    escalations: 0,
    findings: 0,
    inserted: 0,
    closed: 0,
    clustersEvaluated: 0,
    perCluster: new Map(),
    findingsEvaluated: !keep.findings,
    groupStorage: { expandedRows: 0, preferredRows: 0, absentMarkers: 0, memberships: 0 },
    phaseMs: { ...noAnalysisPhases(), evaluate: indexMs },
  };
  const phaseMs = outcome.phaseMs;
  /** runs `work`, adding its wall time to one part of the analysis */
  const timed = <T>(part: keyof AnalysisPhaseMs, work: () => T): T => {
    const started = performance.now();
    try {
      return work();
    } finally {
      phaseMs[part] += performance.now() - started;
    }
  };
  const groupStorage = input.groupStorage ?? true;
  // Once per group and scan: every row a group holds asks for its members (the sign-in group's are every account).
  const membersByGroup = new Map<string, Member[]>();
  const membersOf = (group: { id: string; kind: string; displayName: string }): Member[] => {
    if (group.kind !== "Group") return [];
    let members = membersByGroup.get(group.id);
    if (members === undefined) {
      // reachThroughGroups' own cached entries (principal, prefix), the group itself left out
      members = reachThroughGroups(index, directoryPrincipal(index, group.id)).slice(1);
      membersByGroup.set(group.id, members);
    }
    return members;
  };
  /** groups whose rows this scan stores: their memberships are stored with them */
  const groupsWithRows = new Set<string>();

  // Which clusters already have access rows, asked once, before this scan adds any: a batch of clusters
  // with none (every batch of a first scan) is inserted straight away.
  const { rows: withAccess } = await client.query<{ cluster_id: string }>(
    `SELECT DISTINCT cluster_id FROM snapshot_records
     WHERE tenant_id = $1 AND valid_to_scan IS NULL AND kind IN ('access.grant', 'access.escalation')`,
    [tenantId],
  );
  const clustersWithAccess = new Set(withAccess.map((row) => row.cluster_id));
  // Likewise for findings, which are stored a batch at a time too: held until the end, a 500-cluster
  // tenant's (hundreds of thousands, most with an attack path) outgrew a 4 GB heap.
  const clustersWithFindings = new Set(
    streaming
      ? (
          await client.query<{ cluster_id: string }>(
            `SELECT DISTINCT cluster_id FROM snapshot_records
             WHERE tenant_id = $1 AND valid_to_scan IS NULL AND kind = 'finding'`,
            [tenantId],
          )
        ).rows.map((row) => row.cluster_id)
      : [],
  );

  /** Stores one part of the analysis (every part is the analysis's own, closable source) and counts what it wrote. */
  const store = async (
    records: Parameters<typeof storeRecords>[1]["records"],
    kinds: StoredKinds,
    batchOf?: { clusterIds: readonly string[]; withRows: ReadonlySet<string> },
  ) => {
    const started = performance.now();
    const stored = await storeRecords(client, {
      tenantId,
      scanId,
      records,
      closableSources: [ANALYSIS_SOURCE],
      kinds,
      stepDictionary: input.stepDictionary,
      ...(batchOf
        ? {
            clusterIds: batchOf.clusterIds,
            nothingCurrent: !batchOf.clusterIds.some((id) => batchOf.withRows.has(id)),
          }
        : {}),
    });
    phaseMs.store += performance.now() - started;
    outcome.inserted += stored.inserted;
    outcome.closed += stored.closed;
  };

  let batch: ClusterAccess[] = [];
  let batchSize = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const records = timed("records", () => accessToRecords(batch));
    const clusterIds = batch.map((entry) => entry.cluster.id);
    for (const record of records) {
      const counts = outcome.perCluster.get(record.clusterId ?? "");
      if (!counts) throw new Error(`access record of a cluster not evaluated: ${record.naturalKey}`);
      if (record.kind === "access.grant") {
        outcome.grants++;
        counts.grants++;
      } else {
        outcome.escalations++;
        counts.escalations++;
      }
    }
    let toStore = records;
    if (groupStorage) {
      const collapsed = timed("records", () => collapseGroupRecords(records, membersOf));
      toStore = collapsed.records;
      outcome.groupStorage.expandedRows += collapsed.dropped;
      outcome.groupStorage.preferredRows += collapsed.preferred;
      outcome.groupStorage.absentMarkers += toStore.length - (records.length - collapsed.dropped);
      for (const id of collapsed.groups) groupsWithRows.add(id);
    }
    await store(toStore, "access", { clusterIds, withRows: clustersWithAccess });
    collectGarbage();
    if (streaming) {
      const findings = timed("findings", () => streaming.add(batch));
      const findingRecords = timed("records", () => findingsToRecords(findings));
      outcome.findings += findingRecords.length;
      await store(findingRecords, "batchFindings", { clusterIds, withRows: clustersWithFindings });
    }
    batch = [];
    batchSize = 0;
    collectGarbage();
  };

  // The memberships of every group with a stored row, this scan's and the kept clusters' (group-level
  // storage off: none, so a switch closes them).
  const storeMemberships = async () => {
    if (groupStorage && keep.clusters.size > 0) {
      const { rows } = await client.query<{ id: string }>(
        `SELECT DISTINCT data->'principal'->>'id' AS id FROM snapshot_records
         WHERE tenant_id = $1 AND valid_to_scan IS NULL AND kind IN ('access.grant', 'access.escalation')
           AND cluster_id = ANY($2::text[]) AND data->'principal'->>'kind' = 'Group'`,
        [tenantId, [...keep.clusters]],
      );
      for (const row of rows) groupsWithRows.add(row.id);
    }
    const groups = [...groupsWithRows].sort().map((id) => directoryPrincipal(index, id));
    const records = timed("records", () => membershipRecords(groups, membersOf));
    outcome.groupStorage.memberships = records.length;
    await store(records, "memberships");
  };

  let done = 0;
  for (const cluster of model.clusters) {
    if (keep.clusters.has(cluster.id)) {
      input.onProgress?.(++done, model.clusters.length);
      continue;
    }
    outcome.clustersEvaluated++;
    outcome.perCluster.set(cluster.id, { grants: 0, escalations: 0 });
    const evaluated = timed("evaluate", () => evaluateClusterAccess(model, cluster.id, index));
    const access = timed("attackPaths", () => withAttackPaths(evaluated, attackPaths.forCluster(evaluated)));
    // The heap is looked at where the most garbage has just been made (a cluster's searches, a batch's
    // store), not only once a batch is done: one busy cluster's batch grew it ~250 MB between two looks.
    collectGarbage();
    batch.push(access);
    batchSize += recordCount(access);
    if (batchSize >= batchRecords) await flush();
    input.onProgress?.(++done, model.clusters.length);
  }
  await flush();
  outcome.closed += await closeOutsideClusters(client, {
    tenantId,
    scanId,
    kinds: "access",
    clusterIds: model.clusters.map((cluster) => cluster.id),
  });
  await storeMemberships();

  if (!streaming) return outcome;
  // Findings of clusters that are gone; then the cross-cluster rules', which needed every cluster's access.
  outcome.closed += await closeOutsideClusters(client, {
    tenantId,
    scanId,
    kinds: "batchFindings",
    clusterIds: model.clusters.map((cluster) => cluster.id),
  });
  const crossClusterFindings = timed("findings", () => streaming.finish());
  const crossCluster = timed("records", () => findingsToRecords(crossClusterFindings));
  outcome.findings += crossCluster.length;
  await store(crossCluster, "crossClusterFindings");
  return outcome;
}
