import { DEFAULT_MAX_HOPS } from "@/lib/access/attack-paths";
import type { DbConnection } from "@/lib/db/queryable";
import type { Coverage, TenantModel } from "@/lib/model/tenant-model";
import { type AnalysisOutcome, type AnalysisPhaseMs, analyseAndStore, noAnalysisPhases } from "./analyse";
import { type AnalysisInputs, analysisInputs, engineFingerprint } from "./analysis-inputs";

export interface IncrementalOutcome extends Omit<AnalysisOutcome, "perCluster" | "phaseMs"> {
  /** where the time went, in ms: hashing the inputs, reading the model back, then analyseAndStore's parts */
  phaseMs: AnalysisPhaseMs & { inputs: number; loadModel: number };
  /** clusters whose stored access was kept without evaluating it */
  clustersReused: number;
  /** clusters evaluated because their own inputs (ARM configuration, Kubernetes objects) changed or are new */
  clustersWithChangedOwnInputs: number;
}

type StoredHash = {
  part: "access" | "findings";
  cluster_id: string;
  input_hash: string;
  own_inputs_hash: string;
  grants: number;
  escalations: number;
  findings: number;
};

/**
 * The analysis of one scan, inside its transaction, evaluating only what its inputs say changed
 * (docs/scanner.md, "Incremental analysis"):
 *  1. hash the inputs (`analysisInputs`: the identities of the inventory rows as of this scan, the coverage,
 *     the search bound and the engine's code);
 *  2. a cluster whose stored hash is the same keeps its stored access rows, unevaluated; so do the findings;
 *  3. only if something is to be evaluated is the model read back and analysed, keeping the rest;
 *  4. the new hashes are written next to the rows, in the same transaction.
 * Findings read every cluster's access: when they are re-evaluated, so is every cluster.
 */
export async function analyseIncrementally(
  client: DbConnection,
  input: {
    tenantId: string;
    scanId: bigint;
    coverage: Coverage;
    /** the state as of this scan; read only when something has to be evaluated */
    loadModel: () => Promise<TenantModel>;
    maxHops?: number;
    batchRecords?: number;
    /** for tests: stands for the engine's code in the hash */
    fingerprint?: string;
    /** group-level storage (analyseAndStore); part of the hash, so rows of the other layout are never kept */
    groupStorage?: boolean;
    /**
     * the step dictionary (analyseAndStore); not part of the hash: a row's content hash is its document's
     * with the steps, so rows stored either way are kept and read alike
     */
    stepDictionary?: boolean;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<IncrementalOutcome> {
  const { tenantId, scanId } = input;
  const maxHops = input.maxHops ?? DEFAULT_MAX_HOPS;
  const inputsStarted = performance.now();
  const inputs = await analysisInputs(client, {
    tenantId,
    scanId,
    coverage: input.coverage,
    maxHops,
    fingerprint:
      input.groupStorage === false
        ? `${input.fingerprint ?? engineFingerprint()}|per-member`
        : input.fingerprint,
  });
  const { rows } = await client.query<StoredHash>(
    `SELECT part, cluster_id, input_hash, own_inputs_hash, grants, escalations, findings
     FROM analysis_input_hashes WHERE tenant_id = $1`,
    [tenantId],
  );
  const inputsMs = performance.now() - inputsStarted;
  const storedAccess = new Map(rows.filter((r) => r.part === "access").map((r) => [r.cluster_id, r]));
  const storedFindings = rows.find((r) => r.part === "findings");

  const findingsKept = storedFindings?.input_hash === inputs.findingsHash;
  const kept = new Set<string>();
  if (findingsKept) {
    for (const [clusterId, hashes] of inputs.clusters) {
      if (storedAccess.get(clusterId)?.input_hash === hashes.inputHash) kept.add(clusterId);
    }
  }
  const clustersWithChangedOwnInputs = [...inputs.clusters].filter(
    ([clusterId, hashes]) => storedAccess.get(clusterId)?.own_inputs_hash !== hashes.ownInputsHash,
  ).length;

  const outcome: IncrementalOutcome = {
    grants: 0,
    escalations: 0,
    findings: 0,
    inserted: 0,
    closed: 0,
    clustersEvaluated: 0,
    clustersReused: kept.size,
    clustersWithChangedOwnInputs,
    findingsEvaluated: !findingsKept,
    groupStorage: { expandedRows: 0, preferredRows: 0, absentMarkers: 0, memberships: 0 },
    phaseMs: { ...noAnalysisPhases(), inputs: inputsMs, loadModel: 0 },
  };
  for (const clusterId of kept) {
    const stored = storedAccess.get(clusterId);
    outcome.grants += stored?.grants ?? 0;
    outcome.escalations += stored?.escalations ?? 0;
  }
  if (findingsKept) outcome.findings = storedFindings?.findings ?? 0;

  if (kept.size === inputs.clusters.size && findingsKept) {
    // Nothing to evaluate, and the same cluster set as the stored hashes: nothing to read, close or write.
    input.onProgress?.(inputs.clusters.size, inputs.clusters.size);
    return outcome;
  }

  const loadStarted = performance.now();
  const model = await input.loadModel();
  outcome.phaseMs.loadModel = performance.now() - loadStarted;
  checkSameClusters(model, inputs);
  const analysis = await analyseAndStore(client, {
    tenantId,
    scanId,
    model,
    maxHops,
    batchRecords: input.batchRecords,
    onProgress: input.onProgress,
    keep: { clusters: kept, findings: findingsKept },
    groupStorage: input.groupStorage,
    stepDictionary: input.stepDictionary,
  });
  outcome.groupStorage = analysis.groupStorage;
  outcome.phaseMs = { ...outcome.phaseMs, ...analysis.phaseMs };
  outcome.grants += analysis.grants;
  outcome.escalations += analysis.escalations;
  if (analysis.findingsEvaluated) outcome.findings = analysis.findings;
  outcome.inserted = analysis.inserted;
  outcome.closed = analysis.closed;
  outcome.clustersEvaluated = analysis.clustersEvaluated;
  await storeHashes(client, { tenantId, scanId, inputs, analysis });
  return outcome;
}

/** The model read back must be the state the hashes were taken of (same transaction, same clusters). */
function checkSameClusters(model: TenantModel, inputs: AnalysisInputs) {
  const ids = model.clusters.map((cluster) => cluster.id);
  if (ids.length !== inputs.clusters.size || ids.some((id) => !inputs.clusters.has(id)))
    throw new Error("the model read back does not have the clusters whose inputs were hashed");
}

async function storeHashes(
  client: DbConnection,
  input: { tenantId: string; scanId: bigint; inputs: AnalysisInputs; analysis: AnalysisOutcome },
) {
  const { tenantId, inputs, analysis } = input;
  const scanId = input.scanId.toString();
  // Clusters that are gone lose their hash with their rows (closed by analyseAndStore).
  await client.query(
    `DELETE FROM analysis_input_hashes WHERE tenant_id = $1 AND part = 'access' AND cluster_id <> ALL($2::text[])`,
    [tenantId, [...inputs.clusters.keys()]],
  );
  const evaluated = [...analysis.perCluster];
  if (evaluated.length > 0) {
    await client.query(
      `INSERT INTO analysis_input_hashes
         (tenant_id, part, cluster_id, input_hash, own_inputs_hash, tenant_inputs_hash, grants, escalations, scan_id)
       SELECT $1, 'access', e.cluster_id, e.input_hash, e.own_inputs_hash, $2, e.grants, e.escalations, $3
       FROM unnest($4::text[], $5::text[], $6::text[], $7::int[], $8::int[])
         AS e(cluster_id, input_hash, own_inputs_hash, grants, escalations)
       ON CONFLICT (tenant_id, part, cluster_id) DO UPDATE SET input_hash = EXCLUDED.input_hash,
         own_inputs_hash = EXCLUDED.own_inputs_hash, tenant_inputs_hash = EXCLUDED.tenant_inputs_hash,
         grants = EXCLUDED.grants, escalations = EXCLUDED.escalations, scan_id = EXCLUDED.scan_id`,
      [
        tenantId,
        inputs.tenantInputsHash,
        scanId,
        evaluated.map(([clusterId]) => clusterId),
        evaluated.map(([clusterId]) => hashesOf(inputs, clusterId).inputHash),
        evaluated.map(([clusterId]) => hashesOf(inputs, clusterId).ownInputsHash),
        evaluated.map(([, counts]) => counts.grants),
        evaluated.map(([, counts]) => counts.escalations),
      ],
    );
  }
  if (analysis.findingsEvaluated) {
    await client.query(
      `INSERT INTO analysis_input_hashes
         (tenant_id, part, cluster_id, input_hash, own_inputs_hash, tenant_inputs_hash, findings, scan_id)
       VALUES ($1, 'findings', '', $2, $3, $3, $4, $5)
       ON CONFLICT (tenant_id, part, cluster_id) DO UPDATE SET input_hash = EXCLUDED.input_hash,
         own_inputs_hash = EXCLUDED.own_inputs_hash, tenant_inputs_hash = EXCLUDED.tenant_inputs_hash,
         findings = EXCLUDED.findings, scan_id = EXCLUDED.scan_id`,
      [tenantId, inputs.findingsHash, inputs.tenantInputsHash, analysis.findings, scanId],
    );
  }
}

function hashesOf(inputs: AnalysisInputs, clusterId: string) {
  const hashes = inputs.clusters.get(clusterId);
  if (!hashes) throw new Error(`no input hash for evaluated cluster ${clusterId}`);
  return hashes;
}
