import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { modelAsOfInTransaction } from "@/lib/queries/snapshot";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { analyseIncrementally } from "./incremental-analysis";
import { runScan, type ScanOutcome, type ScanTenantInfo } from "./run-scan";
import type { CollectFunction } from "./scan-types";

// Incremental analysis (docs/scanner.md, "Incremental analysis"): a scan evaluates only the clusters whose
// input hash changed, and what it stores is what a scan from scratch stores. Attack paths cross clusters
// (pods on one cluster act as an identity with roles over another: lib/access/attack-edges.ts), so every
// cluster's hash covers the tenant's inputs: any change re-evaluates every cluster, while the per-cluster
// part of the hash ("own inputs": ARM configuration and Kubernetes objects) changes for exactly the
// cluster a change is in.

type Mutation = {
  name: string;
  apply: (model: TenantModel) => void;
  ownInputsChanged: (m: TenantModel) => string[];
};

const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"; // built-in Owner

const someUser = (model: TenantModel) => {
  const user = model.principals.find((p) => p.kind === "User" && !p.deleted);
  if (!user) throw new Error("the demo tenant has a user");
  return user;
};

const MUTATIONS: Mutation[] = [
  {
    name: "a cluster's ARM configuration (local accounts)",
    apply: (model) => {
      model.clusters[0].localAccountsDisabled = !model.clusters[0].localAccountsDisabled;
    },
    ownInputsChanged: (model) => [model.clusters[0].id],
  },
  {
    name: "a Kubernetes binding",
    apply: (model) => {
      const cluster = model.clusters[1];
      const inventory = model.kubernetes[cluster.id];
      if (!inventory) throw new Error("the second demo cluster is reachable");
      inventory.clusterRoleBindings.push({
        clusterId: cluster.id,
        name: "incremental-test-edit",
        labels: {},
        roleRef: { kind: "ClusterRole", name: "edit" },
        subjects: [{ kind: "User", name: someUser(model).id, namespace: null }],
      });
    },
    ownInputsChanged: (model) => [model.clusters[1].id],
  },
  {
    name: "a role assignment above one cluster",
    apply: (model) => {
      const cluster = model.clusters[2];
      const scope = `/subscriptions/${cluster.subscriptionId}/resourcegroups/${cluster.resourceGroup}`;
      model.roleAssignments.push({
        id: `${scope}/providers/microsoft.authorization/roleassignments/0f0e0d0c-0b0a-4909-8807-060504030201`,
        scope,
        roleDefinitionId: OWNER,
        principalId: someUser(model).id,
        principalType: "User",
        condition: null,
      });
    },
    ownInputsChanged: () => [],
  },
  {
    name: "a group membership",
    apply: (model) => {
      const user = someUser(model);
      const group = model.groupMemberships.find((g) => !g.memberIds.includes(user.id));
      if (!group) throw new Error("a demo group the user is not in");
      group.directMemberIds = [...group.directMemberIds, user.id].sort();
      group.memberIds = [...group.memberIds, user.id].sort();
    },
    ownInputsChanged: () => [],
  },
  {
    name: "a federated credential",
    apply: (model) => {
      const credential = model.federatedCredentials[0];
      if (!credential) throw new Error("the demo tenant has a federated credential");
      credential.subject = "system:serviceaccount:default:incremental-test";
    },
    ownInputsChanged: () => [],
  },
];

function collectFrom(
  tenant: TenantFile,
  mutations: readonly Mutation[],
  adjust?: (model: TenantModel) => void,
): CollectFunction {
  return async (onProgress) => {
    const model = modelFromTenantFile(tenant);
    for (const mutation of mutations) mutation.apply(model);
    adjust?.(model);
    onProgress({ done: 1, total: 1 });
    return { model, errors: [], apiCalls: {}, counts: {} };
  };
}

/** The answers a scan leaves current: every access and finding row, by identity and content. */
async function currentAnswers(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ row: string }>(
    `SELECT kind || ' ' || natural_key || ' ' || content_hash AS row FROM snapshot_records
     WHERE valid_to_scan IS NULL AND (kind LIKE 'access.%' OR kind = 'finding') ORDER BY 1`,
  );
  return rows.map((r) => r.row);
}

async function ownInputHashes(pool: pg.Pool): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ cluster_id: string; own_inputs_hash: string }>(
    `SELECT cluster_id, own_inputs_hash FROM analysis_input_hashes WHERE part = 'access'`,
  );
  return new Map(rows.map((r) => [r.cluster_id, r.own_inputs_hash]));
}

const analysisCounts = (outcome: ScanOutcome) => ({
  evaluated: outcome.counts.analysisClustersEvaluated,
  reused: outcome.counts.analysisClustersReused,
  findingsEvaluated: outcome.counts.analysisFindingsEvaluated,
});

const answerCounts = (outcome: ScanOutcome) => [
  outcome.counts["access.grant"],
  outcome.counts["access.escalation"],
  outcome.counts.finding,
];

describe("incremental analysis", () => {
  let db: TestDatabase;
  let scratchDb: TestDatabase;
  let pool: pg.Pool;
  let scratch: pg.Pool;
  let demo: TenantFile;
  let tenant: ScanTenantInfo;
  let clusters: number;

  beforeAll(async () => {
    [db, scratchDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    pool = new pg.Pool({ connectionString: db.url });
    scratch = new pg.Pool({ connectionString: scratchDb.url });
    demo = await loadDemoTenant();
    tenant = { id: demo.tenantId, displayName: "Contoso", source: "import" };
    clusters = modelFromTenantFile(demo).clusters.length;
  });
  afterAll(async () => {
    await Promise.all([pool.end(), scratch.end()]);
    await Promise.all([db.drop(), scratchDb.drop()]);
  });

  it("a first scan evaluates every cluster; an unchanged re-scan evaluates none and writes nothing", async () => {
    const first = await runScan({ pool, tenant, trigger: "cli", collect: collectFrom(demo, []) });
    expect(analysisCounts(first)).toEqual({ evaluated: clusters, reused: 0, findingsEvaluated: 1 });
    const before = await currentAnswers(pool);

    const again = await runScan({ pool, tenant, trigger: "cli", collect: collectFrom(demo, []) });
    expect(analysisCounts(again)).toEqual({ evaluated: 0, reused: clusters, findingsEvaluated: 0 });
    expect([again.rowsInserted, again.rowsClosed]).toEqual([0, 0]);
    // The counts of a scan that reused everything are those of the scan that evaluated it.
    expect(answerCounts(again)).toEqual(answerCounts(first));
    expect(await currentAnswers(pool)).toEqual(before);
  });

  it("a cluster without a stored hash is evaluated alone, beside the clusters and findings kept", async () => {
    const { rows } = await pool.query<{ cluster_id: string }>(
      "DELETE FROM analysis_input_hashes WHERE part = 'access' AND cluster_id = (SELECT min(cluster_id) FROM analysis_input_hashes WHERE part = 'access') RETURNING cluster_id",
    );
    expect(rows).toHaveLength(1);
    const before = await currentAnswers(pool);
    const scan = await runScan({ pool, tenant, trigger: "cli", collect: collectFrom(demo, []) });
    expect(analysisCounts(scan)).toEqual({ evaluated: 1, reused: clusters - 1, findingsEvaluated: 0 });
    // Same inputs, same answers: nothing written, the counts add up as before, and the hash is back.
    expect([scan.rowsInserted, scan.rowsClosed]).toEqual([0, 0]);
    expect(await currentAnswers(pool)).toEqual(before);
    expect((await ownInputHashes(pool)).has(rows[0].cluster_id)).toBe(true);
    const again = await runScan({ pool, tenant, trigger: "cli", collect: collectFrom(demo, []) });
    expect(answerCounts(again)).toEqual(answerCounts(scan));
    expect(analysisCounts(again).evaluated).toBe(0);
  });

  it("another engine (its code in the hash) re-evaluates every cluster", async () => {
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ id: string; coverage: TenantModel["coverage"] }>(
        "SELECT id::text, coverage FROM scans ORDER BY id DESC LIMIT 1",
      );
      const scanId = BigInt(rows[0].id);
      const coverage = rows[0].coverage;
      await client.query("BEGIN");
      const loadModel = () => modelAsOfInTransaction(client, tenant.id, scanId, coverage);
      const same = await analyseIncrementally(client, { tenantId: tenant.id, scanId, coverage, loadModel });
      expect(same.clustersEvaluated).toBe(0);
      const other = await analyseIncrementally(client, {
        tenantId: tenant.id,
        scanId,
        coverage,
        loadModel,
        fingerprint: "another version of the engine",
      });
      expect([other.clustersEvaluated, other.clustersReused, other.findingsEvaluated]).toEqual([
        clusters,
        0,
        true,
      ]);
      // Same inputs, so the same answers: nothing to write.
      expect([other.inserted, other.closed]).toEqual([0, 0]);
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });

  const applied: Mutation[] = [];
  for (const mutation of MUTATIONS) {
    it(`after changing ${mutation.name}: the expected clusters re-evaluated, answers as from scratch`, async () => {
      applied.push(mutation);
      const ownBefore = await ownInputHashes(pool);
      const scan = await runScan({ pool, tenant, trigger: "cli", collect: collectFrom(demo, applied) });
      // Conservative bound: attack paths read every cluster's inputs, so every cluster is evaluated...
      expect(analysisCounts(scan)).toEqual({ evaluated: clusters, reused: 0, findingsEvaluated: 1 });
      // ...and the per-cluster part of the hash moved for exactly the cluster the change is in.
      const ownAfter = await ownInputHashes(pool);
      const changed = [...ownAfter].filter(([id, hash]) => ownBefore.get(id) !== hash).map(([id]) => id);
      const model = modelFromTenantFile(demo);
      expect(changed.sort()).toEqual(mutation.ownInputsChanged(model).sort());

      // The same state scanned from scratch (an empty database) stores the same answers and counts.
      await scratch.query("TRUNCATE tenants, scans, snapshot_records, analysis_input_hashes CASCADE");
      const fresh = await runScan({
        pool: scratch,
        tenant,
        trigger: "cli",
        collect: collectFrom(demo, applied),
      });
      expect(await currentAnswers(pool)).toEqual(await currentAnswers(scratch));
      expect(answerCounts(scan)).toEqual(answerCounts(fresh));

      // And the changed state, scanned again, evaluates nothing.
      const again = await runScan({ pool, tenant, trigger: "cli", collect: collectFrom(demo, applied) });
      expect(analysisCounts(again)).toEqual({ evaluated: 0, reused: clusters, findingsEvaluated: 0 });
      expect([again.rowsInserted, again.rowsClosed]).toEqual([0, 0]);
      expect(answerCounts(again)).toEqual(answerCounts(fresh));
    });
  }

  it("a source's coverage: its status is an input, the text of its reason is not", async () => {
    // The analysis reads coverage through coverageOf (lib/findings/rule.ts): the status only. The reason of
    // an unreachable cluster varies from scan to scan against a real API server (ECONNRESET, ETIMEDOUT).
    const unreachable = (model: TenantModel) => {
      const entry = Object.entries(model.coverage).find(([, e]) => e.status === "not-read");
      if (!entry) throw new Error("the demo tenant has an unreachable cluster");
      return entry;
    };
    const reworded = await runScan({
      pool,
      tenant,
      trigger: "cli",
      collect: collectFrom(demo, applied, (model) => {
        const [source, entry] = unreachable(model);
        model.coverage[source] = { ...entry, reason: "the API server cannot be reached: ETIMEDOUT" };
      }),
    });
    expect(analysisCounts(reworded)).toEqual({ evaluated: 0, reused: clusters, findingsEvaluated: 0 });
    const partial = await runScan({
      pool,
      tenant,
      trigger: "cli",
      collect: collectFrom(demo, applied, (model) => {
        const [source] = unreachable(model);
        model.coverage[source] = { status: "partial", reason: "some lists failed" };
      }),
    });
    expect(analysisCounts(partial)).toEqual({ evaluated: clusters, reused: 0, findingsEvaluated: 1 });
  });

  it("a role assignment change reaches the answers (the mutations are not inert)", async () => {
    // The Owner assignment above the third cluster gives its user access there: compare with the base state.
    await scratch.query("TRUNCATE tenants, scans, snapshot_records, analysis_input_hashes CASCADE");
    await runScan({ pool: scratch, tenant, trigger: "cli", collect: collectFrom(demo, []) });
    expect(await currentAnswers(pool)).not.toEqual(await currentAnswers(scratch));
  });
});
