import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePool } from "@/lib/db/pool";
import { stopJobServices } from "@/lib/jobs/job-services";
import { SCAN_QUEUE } from "@/lib/jobs/queues";
import { countingSource, smallTenant } from "@/lib/jobs/test-support";
import { registerTenantSource, unregisterTenantSource } from "@/lib/scan/tenant-sources";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { POST } from "./route";

const SECRET = "cron-secret-for-the-integration-test";

describe("POST /api/cron/scan with the secret", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let tenantId: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url });
    process.env.DATABASE_URL = db.url;
    process.env.ATLAS_CRON_SECRET = SECRET;
    const source = countingSource(await smallTenant(), new Map(), "cron");
    tenantId = source.tenant.id;
    registerTenantSource(source);
  });
  afterAll(async () => {
    unregisterTenantSource(tenantId);
    await stopJobServices();
    await closePool();
    await pool.end();
    await db.drop();
    process.env = saved;
  });

  const post = (body: unknown) =>
    POST(
      new NextRequest("http://127.0.0.1/api/cron/scan", {
        method: "POST",
        headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );

  it("queues a scan of the tenant, once while one is waiting", async () => {
    const first = await post({ tenantId });
    expect(first.status).toBe(202);
    const body = (await first.json()) as {
      queued: { tenantId: string; jobId: string }[];
      alreadyQueued: string[];
    };
    expect(body.queued).toEqual([{ tenantId, jobId: expect.any(String) }]);
    const { rows } = await pool.query("SELECT data FROM pgboss.job WHERE name = $1 AND id = $2", [
      SCAN_QUEUE,
      body.queued[0].jobId,
    ]);
    expect(rows[0].data).toEqual({ tenantId, trigger: "cron" });

    const again = await post({});
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ queued: [], alreadyQueued: [tenantId] });
  });

  it("answers 400 for bad input and 404 for an unknown tenant", async () => {
    expect((await post({ tenantId: "not-a-guid" })).status).toBe(400);
    expect((await post({ tenant: tenantId })).status).toBe(400);
    expect((await post({ tenantId: "00000000-0000-0000-0000-000000000999" })).status).toBe(404);
  });
});
