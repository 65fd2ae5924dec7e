import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { mutateTenantDocument } from "@/lib/emulator/generate/mutate-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { modelToRecords } from "@/lib/model/records";
import { clusterSource } from "@/lib/model/sources";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { runScan, type ScanTenantInfo } from "./run-scan";
import type { CollectFunction } from "./scan-types";

// These tests exercise the store and the scan lifecycle with a deterministic collection (the model of a
// tenant file). The SDK collection path against the emulator is tested in lib/scan/collect.

function collectFrom(
  tenant: TenantFile,
  adjust?: (m: ReturnType<typeof modelFromTenantFile>) => void,
): CollectFunction {
  return async (onProgress) => {
    const model = modelFromTenantFile(tenant);
    adjust?.(model);
    onProgress({ done: 1, total: 1 });
    return { model, errors: [], apiCalls: { arm: 0 }, counts: { cluster: model.clusters.length } };
  };
}

describe("runScan and the versioned store", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let demo: TenantFile;
  let tenant: ScanTenantInfo;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url });
    demo = await loadDemoTenant();
    tenant = { id: demo.tenantId, displayName: "Contoso", source: "import" };
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const changedKeys = async (scanId: bigint) => {
    const { rows } = await pool.query<{ kind: string; natural_key: string; op: string }>(
      `SELECT kind, natural_key, 'insert' AS op FROM snapshot_records WHERE valid_from_scan = $1
       UNION ALL SELECT kind, natural_key, 'close' FROM snapshot_records WHERE valid_to_scan = $1`,
      [scanId.toString()],
    );
    return rows;
  };

  it("stores a first scan, and an unchanged re-scan writes no rows", async () => {
    const first = await runScan({ pool, tenant, trigger: "cli", collect: collectFrom(demo) });
    // The demo tenant has a cluster whose API server cannot be reached, so its scans are partial.
    const unreachable = Object.values(demo.clusters ?? {}).some((c) => c.reachable === false);
    const expectedStatus = unreachable ? "partial" : "succeeded";
    expect(first.status).toBe(expectedStatus);
    const inventory = modelToRecords(modelFromTenantFile(demo)).length;
    expect(first.rowsInserted).toBeGreaterThan(inventory); // inventory plus access grants and findings
    const second = await runScan({ pool, tenant, trigger: "cli", collect: collectFrom(demo) });
    expect(second.status).toBe(expectedStatus);
    expect([second.rowsInserted, second.rowsClosed]).toEqual([0, 0]);
    expect(await changedKeys(second.scanId)).toEqual([]);
  });

  it("a mutated tenant changes exactly the inventory rows in the mutation manifest", async () => {
    const document = JSON.parse(JSON.stringify(demo)) as Record<string, unknown>;
    const changes = mutateTenantDocument(document, { seed: 7, share: 0.2 });
    const mutated = parseTenantFile(document, "mutated demo");
    expect(changes.length).toBeGreaterThan(3);
    const scan = await runScan({ pool, tenant, trigger: "cli", collect: collectFrom(mutated) });
    const rows = (await changedKeys(scan.scanId)).filter(
      (r) => !r.kind.startsWith("access.") && r.kind !== "finding",
    );
    const actual = new Set(rows.map((r) => `${r.op} ${r.kind} ${r.natural_key}`));
    const expected = new Set<string>();
    // A changed PIM role management policy has no record of its own: it is stored as the `activation` of
    // the eligibilities it governs, so those change instead (as in compute-drift.int.test.ts).
    const changedPolicies = new Set(
      changes.filter((c) => c.kind === "roleManagementPolicy").map((c) => c.key),
    );
    for (const c of changes) {
      if (c.kind === "roleManagementPolicy") continue;
      if (c.op !== "remove") expected.add(`insert ${c.kind} ${c.key}`);
      if (c.op !== "add") expected.add(`close ${c.kind} ${c.key}`);
    }
    const governedEligibilities = new Set(
      modelFromTenantFile(mutated)
        .roleEligibilities.filter((e) => changedPolicies.has(e.activation?.policyId ?? ""))
        .map((e) => e.id),
    );
    // AKS itself reconciles aks-cluster-admin-binding-aad from the cluster's admin groups, so a changed admin
    // group list legitimately changes that binding too.
    const derived = [...actual].filter((k) => !expected.has(k));
    expect(
      derived.filter(
        (k) =>
          !k.includes("|ClusterRoleBinding||aks-cluster-admin-binding") &&
          !governedEligibilities.has(k.replace(/^(insert|close) roleEligibility /, "")),
      ),
    ).toEqual([]);
    expect([...expected].filter((k) => !actual.has(k))).toEqual([]);
  });

  it("an unreadable cluster closes nothing: its rows carry forward and the scan is partial", async () => {
    // The store holds the mutated tenant of the previous test: bring it back to the demo first, so any
    // close below can only come from the unreadable cluster (the mutation may touch any cluster's RBAC).
    await runScan({ pool, tenant, trigger: "cli", collect: collectFrom(demo) });
    const target = demo.clusters ? Object.keys(demo.clusters)[0].toLowerCase() : "";
    const before = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM snapshot_records WHERE cluster_id = $1 AND valid_to_scan IS NULL AND kind LIKE 'k8s.%'",
      [target],
    );
    const scan = await runScan({
      pool,
      tenant,
      trigger: "cli",
      collect: collectFrom(demo, (model) => {
        // The collection could not reach this cluster's API server: no Kubernetes objects, coverage not-read.
        delete model.kubernetes[target];
        model.coverage[clusterSource(target)] = { status: "not-read", reason: "connect ECONNREFUSED" };
      }),
    });
    expect(scan.status).toBe("partial");
    const closedK8s = (await changedKeys(scan.scanId)).filter(
      (r) => r.op === "close" && r.kind.startsWith("k8s."),
    );
    expect(closedK8s).toEqual([]);
    const after = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM snapshot_records WHERE cluster_id = $1 AND valid_to_scan IS NULL AND kind LIKE 'k8s.%'",
      [target],
    );
    expect(Number(after.rows[0].n)).toBe(Number(before.rows[0].n));
    expect(Number(after.rows[0].n)).toBeGreaterThan(0);
  });

  it("refuses a second concurrent scan of the same tenant", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow: CollectFunction = async (p) => {
      await gate;
      return collectFrom(demo)(p);
    };
    const first = runScan({ pool, tenant, trigger: "cli", collect: slow });
    await new Promise((r) => setTimeout(r, 200));
    await expect(runScan({ pool, tenant, trigger: "cli", collect: collectFrom(demo) })).rejects.toThrow(
      /already running/,
    );
    release();
    expect((await first).status).not.toBe("failed");
  });
});
