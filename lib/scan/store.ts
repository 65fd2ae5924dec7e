import { createHash } from "node:crypto";
import { copyRows } from "@/lib/db/copy";
import type { DbConnection } from "@/lib/db/queryable";
import { CROSS_CLUSTER_RULE_IDS } from "@/lib/findings/evaluate-findings";
import { type StepDictionary, serialiseForStore } from "@/lib/model/path-step-refs";
import type { SnapshotRecordInput } from "@/lib/model/records";

export interface StoreResult {
  /** records compared with the current rows (0 when nothing was current: all were inserted) */
  compared: number;
  inserted: number;
  closed: number;
}

/** Record kinds stored by separate calls: what was read, and what the analysis derived from it. */
export type StoredKinds =
  | "inventory"
  | "access"
  | "memberships"
  | "findings"
  | "batchFindings"
  | "crossClusterFindings";

/** The cross-cluster rules' ids as an SQL text-array literal (ids are lower-case words and dashes). */
const crossClusterRules = (() => {
  for (const id of CROSS_CLUSTER_RULE_IDS)
    if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`finding rule id unfit for SQL: ${id}`);
  return `'{${CROSS_CLUSTER_RULE_IDS.join(",")}}'::text[]`;
})();

// Access is stored per cluster (its rows, and the absent markers of group-level storage); the memberships
// group-level storage expands it with are tenant-wide (lib/access/group-storage.ts). Findings are stored a
// batch of clusters at a time (the rules that judge one cluster's access), then the cross-cluster rules'
// at the end: each part compares and closes only its own rows (natural key `<ruleId>|<cluster>|<subject>`).
const KIND_FILTERS: Record<StoredKinds, string> = {
  inventory: `NOT (r.kind LIKE 'access.%' OR r.kind = 'finding')`,
  access: `r.kind IN ('access.grant', 'access.escalation', 'access.absent')`,
  memberships: `r.kind = 'access.membership'`,
  findings: `r.kind = 'finding'`,
  batchFindings: `r.kind = 'finding' AND split_part(r.natural_key, '|', 1) <> ALL(${crossClusterRules})`,
  crossClusterFindings: `r.kind = 'finding' AND split_part(r.natural_key, '|', 1) = ANY(${crossClusterRules})`,
};

/**
 * Stores what one scan saw as versioned rows, inside the caller's transaction:
 *  1. read the identity of every current row in scope — kind, MD5 of the natural key, source, content hash,
 *     never the payload — and set the records against it;
 *  2. close the current rows that changed, or that vanished from a source this scan read completely
 *     (rows of sources that were not read carry forward untouched — a fault is never "everything deleted");
 *  3. COPY exactly the records with no identical current row, payload included, into snapshot_records.
 * An unchanged object therefore costs one small row read and one hash, and a payload is written at most once.
 * When nothing of these kinds is current in the scope (a tenant's first scan, a new cluster's first access),
 * there is nothing to compare with or close: the records are COPYed straight in.
 */
export async function storeRecords(
  client: DbConnection,
  input: {
    tenantId: string;
    scanId: bigint;
    records: readonly SnapshotRecordInput[];
    /** sources read completely by this scan: only their vanished rows are closed */
    closableSources: readonly string[];
    /** record kinds this call is responsible for */
    kinds: StoredKinds;
    /**
     * Only these clusters' rows are compared and closed (a scan stores its access a batch of clusters at a
     * time); without it, the tenant's rows of these kinds.
     */
    clusterIds?: readonly string[];
    /**
     * The caller knows nothing of these kinds is current in scope (the analysis learns which clusters have
     * access rows once per scan): skip asking. Asking per batch is what a stale plan makes expensive — while
     * one transaction inserts a million access rows, the statistics still say there are none. Were it wrong,
     * snapshot_records_current_key_uq would refuse the insert and the scan would roll back.
     */
    nothingCurrent?: boolean;
    /**
     * Paths' steps stored once in path_steps and referenced (default true; lib/model/path-step-refs.ts);
     * false stores them inline, as earlier versions did. Either reads the same, and hashes the same.
     */
    stepDictionary?: boolean;
  },
): Promise<StoreResult> {
  checkRecords(input.records, input.clusterIds);
  // The current rows this call compares with ($1 tenant, $2 clusters or null). A batch compares only its
  // clusters' rows, so each batch costs its own size, not the tenant's.
  const current = `r.tenant_id = $1 AND r.valid_to_scan IS NULL AND ${KIND_FILTERS[input.kinds]}
    AND ${input.clusterIds ? "r.cluster_id = ANY($2::text[])" : "$2::text[] IS NULL"}`;
  const scope = [input.tenantId, input.clusterIds ?? null];
  const nothingCurrent =
    input.nothingCurrent ??
    !(
      await client.query<{ found: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM snapshot_records r WHERE ${current}) AS found`,
        scope,
      )
    ).rows[0].found;
  if (nothingCurrent) {
    // Every record is new: nothing to stage or compare.
    const inserted = await copyPayloads(client, input, input.records.keys());
    return { compared: 0, inserted, closed: 0 };
  }

  // Compare in TypeScript: read the identity of each current row in scope (kind, the MD5 of its key — the
  // identity snapshot_records_current_key_uq guards — its source and content hash; never its payload) and
  // set it against the records. Staging every record's key and hash in a temporary table and comparing
  // there cost more than a first scan's whole insert once every cluster was re-evaluated (a re-scan after a
  // 1 % change: docs/performance.md, "Comparing in TypeScript").
  const { rows: currentRows } = await client.query<CurrentRow>(
    `SELECT r.id::text AS id, r.kind, r.source, md5(r.natural_key) AS key_md5, r.content_hash
     FROM snapshot_records r WHERE ${current}`,
    scope,
  );
  const currentByIdentity = new Map<string, CurrentRow>();
  for (const row of currentRows) currentByIdentity.set(`${row.kind}\u0000${row.key_md5}`, row);
  const toClose: string[] = [];
  const toInsert: number[] = [];
  // serialiseForStore hashes as contentHash does, reusing each shared path step's text (half the CPU); the
  // steps it collects are not stored from here — copyPayloads serialises the records it writes again.
  const scratch: StepDictionary = new Map();
  for (let i = 0; i < input.records.length; i++) {
    const r = input.records[i];
    const identity = `${r.kind}\u0000${createHash("md5").update(r.naturalKey).digest("hex")}`;
    const row = currentByIdentity.get(identity);
    if (row) {
      currentByIdentity.delete(identity);
      if (row.content_hash === serialiseForStore(r.kind, r.data, scratch).hash) continue; // unchanged: nothing to write
      toClose.push(row.id); // changed: close the current version, insert the new one
    }
    toInsert.push(i);
  }
  // What is left vanished: closed when its source was read completely, carried forward otherwise.
  const closable = new Set(input.closableSources);
  for (const row of currentByIdentity.values()) if (closable.has(row.source)) toClose.push(row.id);

  // Close before inserting: an object has one current row (snapshot_records_current_key_uq).
  let closed = 0;
  for (let start = 0; start < toClose.length; start += IDS_PER_UPDATE) {
    const { rowCount } = await client.query(
      `UPDATE snapshot_records SET valid_to_scan = $1 WHERE id = ANY($2::bigint[])`,
      [input.scanId.toString(), toClose.slice(start, start + IDS_PER_UPDATE)],
    );
    closed += rowCount ?? 0;
  }
  const inserted = await copyPayloads(client, input, toInsert);
  return { compared: input.records.length, inserted, closed };
}

/** A current row as the comparison reads it: its identity and content hash, not its payload. */
interface CurrentRow {
  id: string;
  kind: string;
  source: string;
  key_md5: string;
  content_hash: string;
}

const IDS_PER_UPDATE = 50_000;

/** One scan may name an object once, and a batch may hold only its own clusters' records. */
function checkRecords(records: readonly SnapshotRecordInput[], clusterIds: readonly string[] | undefined) {
  const seen = new Set<string>();
  for (const r of records) {
    const identity = `${r.kind}\u0000${r.naturalKey}`;
    if (seen.has(identity)) throw new Error(`duplicate natural key in one scan: ${r.kind} ${r.naturalKey}`);
    seen.add(identity);
  }
  if (clusterIds) {
    const inScope = new Set(clusterIds);
    const stray = records.find((r) => r.clusterId === null || !inScope.has(r.clusterId));
    if (stray) throw new Error(`record outside the clusters being stored: ${stray.kind} ${stray.naturalKey}`);
  }
}

/**
 * COPYs the chosen records, payload included, into snapshot_records as valid from this scan; their paths'
 * steps go to path_steps, once each (lib/model/path-step-refs.ts). The content hash is the document's as
 * readers see it, steps included: contentHash's, taken in the same pass that writes the stored JSON.
 */
async function copyPayloads(
  client: DbConnection,
  input: {
    tenantId: string;
    scanId: bigint;
    records: readonly SnapshotRecordInput[];
    stepDictionary?: boolean;
  },
  ords: Iterable<number>,
): Promise<number> {
  const { tenantId, records } = input;
  const scanId = input.scanId.toString();
  const steps: StepDictionary = new Map();
  const inserted = await copyRows(
    client,
    "snapshot_records",
    ["tenant_id", "kind", "natural_key", "source", "cluster_id", "content_hash", "data", "valid_from_scan"],
    // A generator: each payload is serialised as COPY takes it, never all of them at once.
    (function* () {
      for (const ord of ords) {
        const r = records[ord];
        const { hash, json } = serialiseForStore(
          r.kind,
          r.data,
          input.stepDictionary === false ? null : steps,
        );
        yield [tenantId, r.kind, r.naturalKey, r.source, r.clusterId, hash, json, scanId];
      }
    })(),
  );
  await storeSteps(client, tenantId, steps);
  return inserted;
}

/** Writes the steps the rows reference that the tenant's dictionary does not hold yet. */
async function storeSteps(client: DbConnection, tenantId: string, steps: StepDictionary): Promise<void> {
  // In slices, so that one statement's parameters stay a few megabytes whatever the batch.
  const refs = [...steps.keys()];
  for (let start = 0; start < refs.length; start += STEPS_PER_INSERT) {
    const slice = refs.slice(start, start + STEPS_PER_INSERT);
    await client.query(
      `INSERT INTO path_steps (tenant_id, ref, step)
       SELECT $1, u.ref, u.step::jsonb FROM unnest($2::text[], $3::text[]) AS u(ref, step)
       ON CONFLICT (tenant_id, ref) DO NOTHING`,
      [tenantId, slice, slice.map((ref) => steps.get(ref))],
    );
  }
}

const STEPS_PER_INSERT = 10_000;

/**
 * Closes the current rows of `kinds` that belong to no cluster in `clusterIds`: after a scan has stored its
 * access batch by batch, what is left open elsewhere belongs to clusters that are gone.
 */
export async function closeOutsideClusters(
  client: DbConnection,
  input: { tenantId: string; scanId: bigint; kinds: StoredKinds; clusterIds: readonly string[] },
): Promise<number> {
  const { rowCount } = await client.query(
    `UPDATE snapshot_records r SET valid_to_scan = $2
     WHERE r.tenant_id = $1 AND r.valid_to_scan IS NULL AND ${KIND_FILTERS[input.kinds]}
       AND (r.cluster_id IS NULL OR r.cluster_id <> ALL($3::text[]))`,
    [input.tenantId, input.scanId.toString(), input.clusterIds],
  );
  return rowCount ?? 0;
}
