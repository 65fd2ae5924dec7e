import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getScanRoute } from "@/app/api/scans/[id]/route";
import { GET as listScansRoute } from "@/app/api/scans/route";
import { prisma } from "@/lib/db/prisma";
import { getScanPage } from "@/lib/queries/get-scan";
import { getScansPage } from "@/lib/queries/list-scans";
import { getScan, listScans, scanHeadline, scanResponse } from "@/lib/queries/scans";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

// One reader of scan rows (issue 17): the scans API and the scans pages read the same parsed scan, so a
// JSON column written by another version of the product reads as empty everywhere instead of reaching an
// API answer as whatever it holds (the API's reader used to cast the columns).

const TENANT = "5b1f8c3e-2d4a-4b6c-9e8f-0a1b2c3d4e5f";

describe("getScan and listScans", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let good: bigint;
  let odd: bigint;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    pool = new pg.Pool({ connectionString: db.url });
    await pool.query(
      "INSERT INTO tenants (id, display_name, source, updated_at) VALUES ($1, 'Contoso', 'import', now())",
      [TENANT],
    );
    const insert = (counts: string, coverage: string, errors: string, apiCalls: string) =>
      pool.query<{ id: string }>(
        `INSERT INTO scans (tenant_id, status, trigger, phase, finished_at, duration_ms, counts, coverage, errors, api_calls)
         VALUES ($1, 'partial', 'cli', 'done', now(), 1200, $2, $3, $4, $5) RETURNING id::text AS id`,
        [TENANT, counts, coverage, errors, apiCalls],
      );
    good = BigInt(
      (
        await insert(
          '{"clusters": 2}',
          '{"directory": {"status": "complete"}, "cluster:/subscriptions/s/x": {"status": "not-read", "reason": "403"}}',
          '[{"source": "cluster:/subscriptions/s/x", "code": "Forbidden", "message": "no access"}]',
          '{"arm": 7}',
        )
      ).rows[0].id,
    );
    // columns of the wrong type, as a damaged or foreign database could hold them
    odd = BigInt((await insert('"oops"', "[1, 2]", '{"not": "a list"}', '{"arm": "seven"}')).rows[0].id);
  });

  afterAll(async () => {
    await prisma().$disconnect();
    await pool.end();
    await db.drop();
  });

  it("answers GET /api/scans/:id and each item of GET /api/scans with the same parsed scan", async () => {
    const scan = await getScan(good);
    expect(scan).not.toBeNull();
    const one = await getScanRoute(new NextRequest(`http://127.0.0.1/api/scans/${good}`), {
      params: Promise.resolve({ id: good.toString() }),
    });
    const body = await one.json();
    expect(body).toEqual(JSON.parse(JSON.stringify(scanResponse(scan!))));
    expect(body).toMatchObject({
      id: good.toString(),
      tenantId: TENANT,
      counts: { clusters: 2 },
      coverage: { directory: { status: "complete" } },
      errors: [{ code: "Forbidden" }],
      apiCalls: { arm: 7 },
    });
    const list = await (await listScansRoute(new NextRequest("http://127.0.0.1/api/scans"))).json();
    expect(list.scans.map((item: { id: string }) => item.id)).toEqual([odd.toString(), good.toString()]);
    expect(list.scans[1]).toEqual(body);
    expect((await listScans({ limit: 1, before: odd })).map((s) => s.id)).toEqual([good]);
  });

  it("reads wrongly typed JSON columns as empty in the API and on the pages alike", async () => {
    const api = await (
      await getScanRoute(new NextRequest(`http://127.0.0.1/api/scans/${odd}`), {
        params: Promise.resolve({ id: odd.toString() }),
      })
    ).json();
    expect(api).toMatchObject({ counts: {}, coverage: {}, errors: [], apiCalls: {} });
    const page = await getScanPage(odd.toString());
    expect(page).toMatchObject({ counts: {}, coverage: [], errors: [], apiCalls: {} });
    const history = await getScansPage();
    expect(history.scans.find((s) => s.id === odd.toString())).toMatchObject({
      errorCount: 0,
      coverage: { sources: 0 },
    });
    expect(history.scans.find((s) => s.id === good.toString())).toMatchObject({
      errorCount: 1,
      coverage: { sources: 2, complete: 1, notRead: 1 },
    });
  });

  it("builds one scan's page and each history row from the API's scan: one owner of the scan's JSON", async () => {
    const scan = await getScan(good);
    expect(scan).not.toBeNull();
    const { coverage, ...api } = scanResponse(scan!);
    expect(Object.keys(coverage)).toHaveLength(2);
    // Every field of the API answer is on the page with the same value; only coverage is the page's own
    // (each source named and sorted), and it adds the tenant's display name and the counted coverage.
    const page = await getScanPage(good.toString());
    expect(page).toMatchObject({ ...api, tenant: { id: TENANT, displayName: "Contoso" } });
    expect(page.coverage.map((entry) => entry.source).sort()).toEqual(Object.keys(coverage).sort());
    const row = (await getScansPage()).scans.find((item) => item.id === good.toString());
    expect(row).toMatchObject({ ...scanHeadline(scan!), tenant: { id: TENANT, displayName: "Contoso" } });
    expect(scanHeadline(scan!)).toMatchObject({ status: "partial", trigger: "cli", durationMs: 1200 });
  });
});
