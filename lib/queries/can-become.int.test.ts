import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { becomeClusterAdmin, shortestClusterAdminPath } from "@/components/access/can-become";
import { evaluateTenantAccess } from "@/lib/access/evaluate-tenant";
import type { ClusterAccess } from "@/lib/access/types";
import { prisma } from "@/lib/db/prisma";
import { loadDemoTenant } from "@/lib/emulator/demo/index";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";
import { escalationsOfPrincipals, getClusterAccessSummary } from "@/lib/queries/get-cluster-access-summary";
import { getPrincipal } from "@/lib/queries/get-principal";
import { resolveScanScope, type ScanScope } from "@/lib/queries/scan-scope";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

// "Can become" as the pages read it, against a real PostgreSQL holding a scan of the demo tenant
// stored by the scanner's own runScan. Expected answers come from the engine run on the same model
// (evaluateTenantAccess includes the attack paths the scan stores), never from numbers written here;
// the demo's stories (lib/emulator/demo/README.md) are checked to be among them.

let db: TestDatabase;
let pool: pg.Pool;
let scope: ScanScope;
let model: TenantModel;
let access: ClusterAccess[];

const LEONARD = "00000000-0000-0000-0000-0000000000f3";
const BERNADETTE = "00000000-0000-0000-0000-0000000000fb";

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const tenant = await loadDemoTenant();
  model = modelFromTenantFile(tenant);
  const outcome = await runScan({
    pool,
    tenant: { id: model.tenantId, displayName: "demo", source: "import" },
    trigger: "cli",
    collect: async (onProgress) => {
      onProgress({ done: 1, total: 1 });
      return { model: modelFromTenantFile(tenant), errors: [], apiCalls: {}, counts: {} };
    },
  });
  const resolved = await resolveScanScope(outcome.scanId.toString());
  if (!resolved) throw new Error("scan not stored");
  scope = resolved;
  access = evaluateTenantAccess(model);
}, 300_000);

afterAll(async () => {
  await prisma().$disconnect();
  await pool?.end();
  await db?.drop();
});

const clusterId = (name: string) => {
  const cluster = model.clusters.find((candidate) => candidate.name === name);
  if (!cluster) throw new Error(`no cluster ${name}`);
  return cluster.id;
};

/** The engine's attack paths on one cluster: principal id → level → hops. */
function engineReaches(name: string) {
  const cluster = access.find((entry) => entry.cluster.name === name);
  const reaches = new Map<string, { level: string; hops: number | undefined; namespace: string | null }[]>();
  for (const entry of cluster?.principals ?? []) {
    for (const escalation of entry.escalations) {
      if (escalation.route !== "attack-path") continue;
      const list = reaches.get(entry.principal.id) ?? [];
      list.push({ level: escalation.to, hops: escalation.hops, namespace: escalation.namespace ?? null });
      reaches.set(entry.principal.id, list);
    }
  }
  return reaches;
}

describe("can become, read from stored keys", () => {
  it("summarises each cluster's attack paths (level, hops, namespace) exactly as the engine found them", async () => {
    let seen = 0;
    for (const cluster of model.clusters) {
      const summary = await getClusterAccessSummary(scope, cluster.id);
      const expected = engineReaches(cluster.name);
      for (const entry of summary.principals) {
        const want = (expected.get(entry.principal.id) ?? [])
          .map((reach) => `${reach.level}|${reach.namespace}|${reach.hops}`)
          .sort();
        const got = entry.reaches.map((reach) => `${reach.level}|${reach.namespace}|${reach.hops}`).sort();
        expect(got, `${cluster.name} ${entry.principal.displayName}`).toEqual(want);
        seen += got.length;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("Leonard can become cluster-admin on aks-2 in three hops, through id-release-automation", async () => {
    const aks2 = clusterId("aks-2");
    const summary = await getClusterAccessSummary(scope, aks2);
    const leonard = summary.principals.find((entry) => entry.principal.id === LEONARD);
    expect(leonard && becomeClusterAdmin(leonard)).toEqual({
      hops: 3,
      conditional: false,
      via: "attack-path",
    });
    const path = shortestClusterAdminPath(await escalationsOfPrincipals(scope, aks2, [LEONARD]));
    expect(path?.map((step) => step.kind)).toContain("federatedCredential");
    expect(path?.some((step) => step.label.includes("id-release-automation"))).toBe(true);
    expect(path?.at(-1)).toMatchObject({ kind: "cluster", id: aks2 });

    const page = await getPrincipal(scope, LEONARD, { page: 1, perPage: 10 });
    const row = page.summary.find((entry) => entry.cluster.id === aks2);
    expect(row?.reaches[0]).toMatchObject({ level: "cluster-admin", hops: 3, namespace: null });
    const shown = page.clusters.find((entry) => entry.cluster.id === aks2);
    expect(shown?.escalations[0]).toMatchObject({ to: "cluster-admin", route: "attack-path", hops: 3 });
  });

  it("Bernadette can become cluster-admin on aks-3 and holds nothing there", async () => {
    const aks3 = clusterId("aks-3");
    const summary = await getClusterAccessSummary(scope, aks3);
    const bernadette = summary.principals.find((entry) => entry.principal.id === BERNADETTE);
    expect(bernadette?.grants.some((grant) => grant.level === "cluster-admin")).toBe(false);
    expect(bernadette && becomeClusterAdmin(bernadette)?.via).toBe("attack-path");
  });
});
