import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as objectRoute } from "@/app/api/drift/object/route";
import { GET as driftRoute } from "@/app/api/drift/route";
import { closePool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { mutateTenantDocument } from "@/lib/emulator/generate/mutate-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";
import { runScan } from "@/lib/scan/run-scan";
import type { CollectFunction } from "@/lib/scan/scan-types";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { computeDrift } from "./compute-drift";
import { driftResponse } from "./drift-query";
import { getClusterDriftPage, getDriftEvents, getDriftPage, getDriftTimeline } from "./get-drift-page";
import { getObjectDriftPage } from "./get-object-drift";
import { objectDiff } from "./object-history";
import { resolveDriftRange } from "./scan-range";
import { driftTimeline } from "./timeline";

// The drift use cases behind the pages and GET /api/drift(/object), against two stored scans (the demo
// tenant, then a mutation of it). What they answer is checked against the drift module's own functions on
// a separate connection; their refusals against the documented codes (docs/drift.md) in the one error shape.

function collectModel(model: TenantModel): CollectFunction {
  return async (onProgress) => {
    onProgress({ done: 1, total: 1 });
    return { model, errors: [], apiCalls: {}, counts: {} };
  };
}

const get = (path: string) => new NextRequest(`http://127.0.0.1${path}`);

describe("drift use cases and routes", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let first: bigint;
  let second: bigint;
  let tenantId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    pool = new pg.Pool({ connectionString: db.url });
    const demo = await loadDemoTenant();
    const document = JSON.parse(JSON.stringify(demo)) as Record<string, unknown>;
    mutateTenantDocument(document, { seed: 5, share: 0.2 });
    tenantId = demo.tenantId;
    const tenant = { id: tenantId, displayName: "Contoso drift", source: "import" as const };
    first = (
      await runScan({ pool, tenant, trigger: "cli", collect: collectModel(modelFromTenantFile(demo)) })
    ).scanId;
    const mutated = modelFromTenantFile(parseTenantFile(document, "mutated"));
    second = (await runScan({ pool, tenant, trigger: "cli", collect: collectModel(mutated) })).scanId;
  });

  afterAll(async () => {
    await closePool();
    await prisma().$disconnect();
    await pool.end();
    await db.drop();
  });

  it("answers GET /api/drift with the drift of the latest pair, as the drift module computes it", async () => {
    const response = await driftRoute(get("/api/drift"));
    expect(response.status).toBe(200);
    const range = await resolveDriftRange(pool, {});
    expect(range.to.id).toBe(second);
    const expected = driftResponse(await computeDrift(pool, range, { cluster: null }));
    const body = await response.json();
    expect(body).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(body.events.length).toBeGreaterThan(0);
  });

  it("refuses bad ranges with the documented codes in the one error shape", async () => {
    const cases: [string, number, string][] = [
      ["/api/drift?nope=1", 400, "invalid_query"],
      [`/api/drift?from=${second}&to=${first}`, 400, "invalid_range"],
      ["/api/drift?to=999999", 404, "scan_not_found"],
      [`/api/drift?cluster=no-such-cluster&to=${second}`, 404, "cluster_not_found"],
      ["/api/drift/object?kind=cluster", 400, "invalid_query"],
    ];
    for (const [path, status, code] of cases) {
      const response = await (path.startsWith("/api/drift/object") ? objectRoute : driftRoute)(get(path));
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(await response.json()).toEqual({ error: { code, message: expect.any(String) } });
    }
  });

  it("gives the pages their range, tenant name, timeline and events", async () => {
    const page = await getDriftPage({ to: second });
    expect(page.tenantName).toBe("Contoso drift");
    expect(page.range.from?.id).toBe(first);
    const timeline = await getDriftTimeline(page.range, null);
    expect(timeline).toEqual(await driftTimeline(pool, { tenantId, cluster: null, limit: 30 }));
    expect((await getDriftEvents(page.range, null)).events.length).toBeGreaterThan(0);
    const clusterId = (
      await pool.query<{ key: string }>(
        "SELECT natural_key AS key FROM snapshot_records WHERE kind = 'cluster' LIMIT 1",
      )
    ).rows[0].key;
    const cluster = await getClusterDriftPage({}, clusterId);
    expect(cluster.cluster.id.toLowerCase()).toBe(clusterId.toLowerCase());
    await expect(getDriftPage({ to: 999999n })).rejects.toMatchObject({
      status: 404,
      code: "scan_not_found",
    });
  });

  it("answers one object's drift the same in the API and on its page, with a readable name", async () => {
    const key = (
      await pool.query<{ key: string }>(
        "SELECT natural_key AS key FROM snapshot_records WHERE kind = 'cluster' ORDER BY natural_key LIMIT 1",
      )
    ).rows[0].key;
    const range = await resolveDriftRange(pool, {});
    const expected = await objectDiff(pool, range, "cluster", key);
    const api = await objectRoute(get(`/api/drift/object?${new URLSearchParams({ kind: "cluster", key })}`));
    expect(await api.json()).toEqual(JSON.parse(JSON.stringify(expected)));
    const page = await getObjectDriftPage({ kind: "cluster", key });
    expect(page.diff).toEqual(expected);
    expect(page.label).not.toBe("");
  });
});
