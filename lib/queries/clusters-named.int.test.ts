import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/prisma";
import { clustersNamed } from "@/lib/queries/clusters-named";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

// The one reader behind "a cluster given as its ARM id or its name" for the API (GET
// /api/principals/:id/paths?cluster=) and the CLI (`aks-atlas access --cluster`), which each had their
// own copy of the query. A managed cluster's name is unique within its resource group only (ARM ids
// are /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/
// {name}), so a name can answer several clusters; both callers list the ids then.

const TENANT = "5b1f8c3e-2d4a-4b6c-9e8f-0a1b2c3d4e5f";
const id = (rg: string, name: string) =>
  `/subscriptions/00000000-0000-0000-0000-0000000005b1/resourcegroups/${rg}/providers/microsoft.containerservice/managedclusters/${name.toLowerCase()}`;

describe("clustersNamed", () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    pool = new pg.Pool({ connectionString: db.url });
    await pool.query(
      "INSERT INTO tenants (id, display_name, source, updated_at) VALUES ($1, 'Contoso', 'import', now())",
      [TENANT],
    );
    const cluster = (rg: string, name: string, from: number, to: number | null) =>
      pool.query(
        `INSERT INTO snapshot_records (tenant_id, kind, natural_key, source, cluster_id, content_hash, data, valid_from_scan, valid_to_scan)
         VALUES ($1, 'cluster', $2, 'sub:s', $2, 'h', $3, $4, $5)`,
        [TENANT, id(rg, name), JSON.stringify({ id: id(rg, name), name }), from, to],
      );
    await cluster("rg-a", "Orders", 1, null);
    await cluster("rg-b", "orders", 1, null);
    await cluster("rg-a", "web", 1, null);
    // deleted before scan 2: not part of its state
    await cluster("rg-c", "web", 1, 2);
  });

  afterAll(async () => {
    await prisma().$disconnect();
    await pool.end();
    await db.drop();
  });

  it("finds a cluster by its ARM id in any case, or by its name in any case, as of the scan", async () => {
    const scope: ScanScope = {
      tenantId: TENANT,
      scanId: 2n,
      scan: {
        id: "2",
        status: "succeeded",
        startedAt: "2026-01-01T00:00:00Z",
        finishedAt: null,
        coverage: {},
      },
    };
    expect(await clustersNamed(scope, ` ${id("rg-a", "web").toUpperCase()} `)).toEqual([
      { id: id("rg-a", "web"), name: "web" },
    ]);
    expect(await clustersNamed(scope, "WEB")).toEqual([{ id: id("rg-a", "web"), name: "web" }]);
    expect((await clustersNamed(scope, "orders")).map((row) => row.id).sort()).toEqual([
      id("rg-a", "Orders"),
      id("rg-b", "orders"),
    ]);
    expect(await clustersNamed(scope, "aks-404")).toEqual([]);
    // as of scan 1 the deleted one is still there: two clusters are named web
    expect(await clustersNamed({ ...scope, scanId: 1n }, "web")).toHaveLength(2);
  });
});
