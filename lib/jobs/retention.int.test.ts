import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeDrift } from "@/lib/drift/compute-drift";
import { resolveDriftRange } from "@/lib/drift/scan-range";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { mutateTenantDocument } from "@/lib/emulator/generate/mutate-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";
import { runScan, type ScanTenantInfo } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { pruneTenantHistory } from "./retention";

// Retention: scans older than the limit go, with the row versions no kept scan can see; the state as of
// every kept scan and the drift between kept scans stay exactly what they were.

describe("pruneTenantHistory", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let tenant: ScanTenantInfo;
  const scans: bigint[] = [];

  const stateAsOf = async (scanId: bigint) => {
    const { rows } = await pool.query<{ kind: string; natural_key: string; content_hash: string }>(
      `SELECT kind, natural_key, content_hash FROM snapshot_records
       WHERE tenant_id = $1 AND valid_from_scan <= $2 AND (valid_to_scan IS NULL OR valid_to_scan > $2)
       ORDER BY kind, natural_key`,
      [tenant.id, scanId.toString()],
    );
    return rows;
  };
  const driftBetween = async (from: bigint, to: bigint) =>
    (await computeDrift(pool, await resolveDriftRange(pool, { from, to }))).events.map(
      (e) => `${e.kind} ${e.subject.kind} ${e.subject.key} ${e.message}`,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url });
    const demo = await loadDemoTenant();
    tenant = { id: demo.tenantId, displayName: "Contoso", source: "import" };
    // Five scans of a tenant drifting a little more each time.
    let current: TenantFile = demo;
    for (let i = 0; i < 5; i++) {
      if (i > 0) {
        const document = JSON.parse(JSON.stringify(current)) as Record<string, unknown>;
        mutateTenantDocument(document, { seed: 100 + i, share: 0.2 });
        current = parseTenantFile(document, `drift ${i}`);
      }
      const model = modelFromTenantFile(current);
      const outcome = await runScan({
        pool,
        tenant,
        trigger: "cli",
        collect: async () => ({ model, errors: [], apiCalls: {}, counts: {} }),
      });
      scans.push(outcome.scanId);
    }
    // The first two are 40 and 35 days old, the rest recent.
    await pool.query("UPDATE scans SET started_at = now() - interval '40 days' WHERE id = $1", [
      scans[0].toString(),
    ]);
    await pool.query("UPDATE scans SET started_at = now() - interval '35 days' WHERE id = $1", [
      scans[1].toString(),
    ]);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it("deletes old scans and unreachable rows, and keeps state and drift of the kept scans intact", async () => {
    const kept = scans.slice(2);
    const statesBefore = await Promise.all(kept.map(stateAsOf));
    const driftBefore = [await driftBetween(kept[0], kept[1]), await driftBetween(kept[1], kept[2])];
    const longDriftBefore = await driftBetween(kept[0], kept[2]);
    const { rows: total } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM snapshot_records");
    const { rows: doomedRows } = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM snapshot_records WHERE valid_to_scan <= $1",
      [kept[0].toString()],
    );
    expect(Number(doomedRows[0].n)).toBeGreaterThan(0);

    const result = await pruneTenantHistory(pool, { tenantId: tenant.id, keepDays: 30 });
    expect(result).toEqual({
      tenantId: tenant.id,
      scansDeleted: 2,
      rowsDeleted: Number(doomedRows[0].n),
      oldestKept: kept[0].toString(),
    });
    const { rows: remaining } = await pool.query<{ id: string }>("SELECT id::text FROM scans ORDER BY id");
    expect(remaining.map((r) => r.id)).toEqual(kept.map(String));
    const { rows: after } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM snapshot_records");
    expect(Number(after[0].n)).toBe(Number(total[0].n) - result.rowsDeleted);

    expect(await Promise.all(kept.map(stateAsOf))).toEqual(statesBefore);
    expect([await driftBetween(kept[0], kept[1]), await driftBetween(kept[1], kept[2])]).toEqual(driftBefore);
    expect(await driftBetween(kept[0], kept[2])).toEqual(longDriftBefore);
    // The oldest kept scan is a baseline now.
    expect((await resolveDriftRange(pool, { to: kept[0] })).from).toBeNull();
    // Running it again finds nothing more to do.
    expect(await pruneTenantHistory(pool, { tenantId: tenant.id, keepDays: 30 })).toMatchObject({
      scansDeleted: 0,
      rowsDeleted: 0,
    });
  });

  it("always keeps the latest completed scan, however old", async () => {
    const result = await pruneTenantHistory(pool, {
      tenantId: tenant.id,
      keepDays: 1,
      now: new Date(Date.now() + 400 * 86_400_000),
    });
    const latest = scans[scans.length - 1];
    expect(result.oldestKept).toBe(latest.toString());
    const { rows } = await pool.query<{ id: string }>("SELECT id::text FROM scans");
    expect(rows.map((r) => r.id)).toEqual([latest.toString()]);
    const state = await stateAsOf(latest);
    expect(state.length).toBeGreaterThan(100);
    const { rows: closed } = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM snapshot_records WHERE valid_to_scan IS NOT NULL",
    );
    expect(Number(closed[0].n)).toBe(0);
  });
});
