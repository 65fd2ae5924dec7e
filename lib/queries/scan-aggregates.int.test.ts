import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pruneTenantHistory } from "@/lib/jobs/retention";
import { getPostureTrend } from "@/lib/queries/get-posture-trend";
import { listClusters } from "@/lib/queries/list-clusters";
import { principalSummaries } from "@/lib/queries/list-principals";
import { keptAcrossRestarts } from "@/lib/queries/scan-aggregates";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { clusterAdminCandidates } from "@/lib/queries/who-can-be-cluster-admin";
import { type ScannedDemo, scanDemoIntoTestDatabase } from "@/tests/helpers/scanned-demo";

// The whole-tenant aggregates a server keeps past a restart (lib/queries/scan-aggregates.ts): read back, not
// computed again, by the same build; computed again by another build; nothing kept without a build id (tests,
// `next dev`, the CLI); and what is read back is what was computed.

const registry = globalThis as { atlasScanMemos?: Map<string, Map<string, unknown>> };
/** What a restart of the server loses: every per-process memo (each memo holds its map: emptied, not replaced). */
const restart = () => {
  for (const memo of registry.atlasScanMemos?.values() ?? []) memo.clear();
};

let demo: ScannedDemo;
let scope: ScanScope;

async function keptRows(): Promise<{ name: string; version: string }[]> {
  const { rows } = await demo.pool.query<{ name: string; version: string }>(
    "SELECT name, version FROM scan_aggregates WHERE scan_id = $1 ORDER BY name",
    [scope.scanId.toString()],
  );
  return rows;
}

describe("aggregates kept past a restart", () => {
  beforeAll(async () => {
    demo = await scanDemoIntoTestDatabase();
    scope = demo.scope;
  }, 300_000);
  afterEach(() => {
    delete process.env.ATLAS_BUILD_ID;
    restart();
  });
  afterAll(() => demo?.close());

  it("without a build id nothing is kept: every call computes", async () => {
    let computed = 0;
    const compute = async () => ++computed;
    expect(await keptAcrossRestarts("probe", scope, compute)).toBe(1);
    expect(await keptAcrossRestarts("probe", scope, compute)).toBe(2);
    expect(await keptRows()).toEqual([]);
  });

  it("the same build reads back what it computed; another build computes again and replaces it", async () => {
    process.env.ATLAS_BUILD_ID = "build-a";
    let computed = 0;
    const compute = async () => ({ computed: ++computed, nested: { list: [1, "two", null, true] } });
    expect(await keptAcrossRestarts("probe", scope, compute)).toEqual({
      computed: 1,
      nested: { list: [1, "two", null, true] },
    });
    expect(await keptAcrossRestarts("probe", scope, compute)).toEqual({
      computed: 1,
      nested: { list: [1, "two", null, true] },
    });
    expect(computed).toBe(1);
    process.env.ATLAS_BUILD_ID = "build-b";
    expect(await keptAcrossRestarts("probe", scope, compute)).toMatchObject({ computed: 2 });
    expect(await keptRows()).toEqual([{ name: "probe", version: "build-b" }]);
    // a scan of another tenant's id is not this one's
    expect(
      await keptAcrossRestarts("probe", { tenantId: "another-tenant", scanId: scope.scanId }, compute),
    ).toMatchObject({ computed: 3 });
  });

  it("the overview's aggregates read back after a restart equal those computed, and come from the store", async () => {
    const computed = {
      summaries: await principalSummaries(scope),
      candidates: await clusterAdminCandidates(scope),
      clusters: await listClusters(scope),
      trend: await getPostureTrend(scope),
    };
    restart();
    process.env.ATLAS_BUILD_ID = "build-c";
    const first = {
      summaries: await principalSummaries(scope),
      candidates: await clusterAdminCandidates(scope),
      clusters: await listClusters(scope),
      trend: await getPostureTrend(scope),
    };
    expect(first).toEqual(computed);
    expect((await keptRows()).map((row) => row.name)).toEqual(
      expect.arrayContaining([
        "cluster-admin-candidates",
        "cluster-postures",
        "posture-point",
        "principal-summaries",
      ]),
    );
    // A planted figure shows after a restart: the summaries were read, not computed.
    await demo.pool.query(
      `UPDATE scan_aggregates SET data = jsonb_set(data, '{0,clusters}', '12345')
       WHERE scan_id = $1 AND name = 'principal-summaries'`,
      [scope.scanId.toString()],
    );
    restart();
    expect((await principalSummaries(scope))[0].clusters).toBe(12345);
    // another build does not serve it
    restart();
    process.env.ATLAS_BUILD_ID = "build-d";
    expect(await principalSummaries(scope)).toEqual(computed.summaries);
  });

  it("retention deletes the kept aggregates of the scans it deletes", async () => {
    process.env.ATLAS_BUILD_ID = "build-e";
    await principalSummaries(scope);
    expect((await keptRows()).length).toBeGreaterThan(0);
    // the demo's only scan is its latest, which retention always keeps: age it and add a later one to delete it
    const { rows } = await demo.pool.query<{ id: string }>(
      `INSERT INTO scans (tenant_id, status, trigger, phase, started_at, finished_at)
       VALUES ($1, 'succeeded', 'cli', 'done', now(), now()) RETURNING id::text`,
      [scope.tenantId],
    );
    await demo.pool.query("UPDATE scans SET started_at = now() - interval '400 days' WHERE id = $1", [
      scope.scanId.toString(),
    ]);
    const pruned = await pruneTenantHistory(demo.pool, { tenantId: scope.tenantId, keepDays: 30 });
    expect(pruned.scansDeleted).toBe(1);
    expect(await keptRows()).toEqual([]);
    expect(rows).toHaveLength(1);
  });
});
