import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DbConnection } from "@/lib/db/queryable";
import { canonicalJson } from "@/lib/model/records";
import type { Coverage } from "@/lib/model/tenant-model";
import { PRODUCT_VERSION } from "@/lib/version";

// Incremental analysis (docs/scanner.md, "Incremental analysis"): each cluster's stored access and the
// tenant's findings carry the hash of exactly what produced them — the inventory rows the analysis reads,
// the coverage, the search bound and the analysis code. A scan whose hashes match reuses the stored rows
// without evaluating anything; any difference re-evaluates.

/** Bump when the meaning of a stored hash changes (what it covers, how it is built). */
const HASH_FORMAT = "analysis-inputs/1";

/** The code the analysis runs: the access engine, the findings rules, the model, and what stores them. */
const ANALYSIS_CODE = ["lib/access", "lib/findings", "lib/model", "lib/scan/analyse.ts", "lib/scan/store.ts"];

let engineFingerprintMemo: string | null = null;

/**
 * A fingerprint of the analysis code, so results computed by another version of the engine are never
 * reused: the product version plus a hash of the engine's source files (tests and fixtures excluded). The
 * product runs from its source tree (`npm start`, `bin/aks-atlas.mjs`); where those files cannot be read
 * the fingerprint is random per process — nothing is reused across processes, which is slow but never stale.
 */
export function engineFingerprint(root = process.cwd()): string {
  if (engineFingerprintMemo !== null && root === process.cwd()) return engineFingerprintMemo;
  const hash = createHash("sha256").update(`${HASH_FORMAT}\0${PRODUCT_VERSION}\0`);
  const files: string[] = [];
  const walk = (entry: string) => {
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) {
      if (path.basename(entry) === "fixtures") return;
      for (const name of fs.readdirSync(entry).sort()) walk(path.join(entry, name));
    } else if (/\.(ts|json)$/.test(entry) && !/\.test\.ts$/.test(entry)) {
      files.push(entry);
    }
  };
  let fingerprint: string;
  try {
    // The walk reads the source tree the product runs from; it is not server output to trace (a traced
    // project-wide walk made Next.js copy the whole project into the build).
    for (const part of ANALYSIS_CODE) walk(path.join(/*turbopackIgnore: true*/ root, part));
    if (files.length === 0) throw new Error("no analysis source files");
    for (const file of files) {
      hash
        .update(`${path.relative(root, file)}\0`)
        .update(fs.readFileSync(file))
        .update("\0");
    }
    fingerprint = hash.digest("hex");
  } catch {
    fingerprint = `unreadable:${randomBytes(16).toString("hex")}`;
  }
  if (root === process.cwd()) engineFingerprintMemo = fingerprint;
  return fingerprint;
}

export interface AnalysisInputs {
  /** per cluster in the model: the hash its stored access must carry to be reused */
  clusters: Map<string, { inputHash: string; ownInputsHash: string }>;
  /** everything the analysis of any cluster (its attack paths) and the findings can read */
  tenantInputsHash: string;
  /** the hash the stored findings must carry to be reused */
  findingsHash: string;
}

const sha256 = (...parts: string[]) => {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex");
};

/**
 * The input hashes of one scan's analysis, inside the scan's transaction, from the identities of the rows
 * `modelAsOfInTransaction` reads (kind, natural key, cluster, content hash — the content hash is the
 * SHA-256 of the payload's canonical JSON, so equal hashes mean equal payloads) and the coverage
 * `modelFromRecords` is given. Reading these small columns costs a fraction of reading the model back,
 * which an unchanged scan then skips.
 *
 * A cluster's own inputs are its rows (its ARM configuration and its Kubernetes objects). Its one-step
 * access also reads role assignments, definitions, deny assignments, PIM, principals and memberships, and
 * its attack paths cross every cluster and identity of the tenant (who can run pods on another cluster
 * whose identity holds roles over this one) — the search cannot be bounded ahead of running it. So each
 * cluster's hash is its own inputs plus the tenant-wide hash of every input (every cluster's rows
 * included): conservative, never a stale "nobody"; an unchanged tenant re-evaluates nothing.
 */
export async function analysisInputs(
  client: DbConnection,
  input: {
    tenantId: string;
    scanId: bigint;
    coverage: Coverage;
    maxHops: number;
    fingerprint?: string;
  },
): Promise<AnalysisInputs> {
  const { rows } = await client.query<{
    kind: string;
    natural_key: string;
    cluster_id: string | null;
    content_hash: string;
  }>(
    `SELECT kind, natural_key, cluster_id, content_hash FROM snapshot_records
     WHERE tenant_id = $1 AND valid_from_scan <= $2 AND (valid_to_scan IS NULL OR valid_to_scan > $2)
       AND NOT (kind LIKE 'access.%' OR kind = 'finding')
     ORDER BY kind, natural_key, cluster_id`,
    [input.tenantId, input.scanId.toString()],
  );
  // One running hash per cluster ("" for rows of no cluster), fed in the query's key order.
  const groups = new Map<string, ReturnType<typeof createHash>>();
  const clusterIds: string[] = [];
  for (const row of rows) {
    const group = row.cluster_id ?? "";
    let hash = groups.get(group);
    if (!hash) {
      hash = createHash("sha256");
      groups.set(group, hash);
    }
    hash.update(`${row.kind}\0${row.natural_key}\0${row.content_hash}\n`);
    // The model's clusters are exactly its `cluster` rows (modelFromRecords), keyed by their own id.
    if (row.kind === "cluster" && row.cluster_id !== null) clusterIds.push(row.cluster_id);
  }
  const groupHashes = new Map([...groups].map(([group, hash]) => [group, hash.digest("hex")]));
  const tenantInputsHash = sha256(
    input.fingerprint ?? engineFingerprint(),
    `maxHops=${input.maxHops}`,
    input.tenantId,
    // The status of each source, not its reason: the analysis reads coverage only through `coverageOf`
    // (lib/findings/rule.ts), which returns the status, while a reason's text varies from scan to scan
    // ("read ECONNRESET" / "ETIMEDOUT" for the same unreachable cluster) and would defeat every reuse on a
    // tenant with one. A rule that comes to read reasons must add them here.
    canonicalJson(
      Object.fromEntries(Object.entries(input.coverage).map(([source, entry]) => [source, entry.status])),
    ),
    ...[...groupHashes]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([group, hash]) => `${group}=${hash}`),
  );
  const clusters = new Map<string, { inputHash: string; ownInputsHash: string }>();
  for (const clusterId of clusterIds) {
    const ownInputsHash = groupHashes.get(clusterId) ?? sha256("no rows");
    clusters.set(clusterId, {
      ownInputsHash,
      inputHash: sha256("access", tenantInputsHash, clusterId, ownInputsHash),
    });
  }
  return { clusters, tenantInputsHash, findingsHash: sha256("findings", tenantInputsHash) };
}
