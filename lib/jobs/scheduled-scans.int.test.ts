import pg from "pg";
import { TestClock } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import type { TenantSource } from "@/lib/scan/tenant-sources";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { readJobsConfig } from "./config";
import { type JobRunner, startJobRunner } from "./job-runner";
import { SCAN_QUEUE } from "./queues";
import { countingSource, openJobs, pause, smallTenant } from "./test-support";

// Scheduled scans through pg-boss with its TestClock: time moves only when the test says so, and pg-boss's
// SQL reads the same time, so "every 10 minutes for half an hour" takes as long as the scans do.

const quiet = () => {};

async function scheduledScans(pool: pg.Pool, tenantId: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM scans WHERE tenant_id = $1 AND trigger = 'schedule' AND status <> 'running'",
    [tenantId],
  );
  return Number(rows[0].n);
}

/**
 * Advances the test clock in steps until `done` holds, giving job handlers (which run on real time) a
 * moment between steps. Bounded by steps, never by wall-clock time.
 */
async function advanceUntil(
  clock: TestClock,
  stepMs: number,
  maxSteps: number,
  done: () => Promise<boolean>,
) {
  for (let step = 0; step < maxSteps; step++) {
    if (await done()) return;
    await clock.tick(stepMs);
    await pause(20);
  }
}

async function settle(clock: TestClock, pool: pg.Pool) {
  // Let the workers poll until no scan is queued or running.
  for (let step = 0; step < 400; step++) {
    if ((await openJobs(pool, SCAN_QUEUE)) === 0) return;
    await clock.tick(1_000);
    await pause(20);
  }
}

/**
 * What each block works on: its own database, three pools (two workers and an observer) and the small
 * tenant, plus the runners it starts (stopped afterwards) and what each worker collected.
 */
function jobsTestBed() {
  let started: { db: TestDatabase; pools: pg.Pool[]; tenant: TenantFile } | undefined;
  const bed = {
    runners: [] as JobRunner[],
    collected: new Map<string, number>(),
    get started() {
      if (!started) throw new Error("the test bed starts in beforeAll");
      return started;
    },
  };
  beforeAll(async () => {
    const db = await createTestDatabase();
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: db.url, max: 6 }));
    started = { db, pools, tenant: await smallTenant() };
  });
  afterAll(async () => {
    for (const runner of bed.runners) await runner.stop().catch(() => {});
    if (!started) return;
    for (const pool of started.pools) await pool.end();
    await started.db.drop();
  });
  return bed;
}

describe("scheduled scans with two workers on one database", () => {
  const bed = jobsTestBed();

  it("runs each scheduled scan exactly once, whichever worker takes it", async () => {
    const { db, pools, tenant } = bed.started;
    const config = readJobsConfig({ ATLAS_SCAN_SCHEDULE: "*/10 * * * *", ATLAS_RETENTION_DAYS: "0" });
    const clock = new TestClock(new Date("2026-01-05T09:58:30Z"));
    const tenantId = tenant.tenantId.toLowerCase();
    const sources: Record<string, TenantSource> = {
      A: countingSource(tenant, bed.collected, "A"),
      B: countingSource(tenant, bed.collected, "B"),
    };
    bed.runners = await Promise.all(
      (["A", "B"] as const).map((name, i) =>
        startJobRunner({
          databaseUrl: db.url,
          pool: pools[i],
          config,
          clock,
          name,
          log: quiet,
          pollingIntervalSeconds: 1,
          sourceOf: () => sources[name],
          registeredTenants: () => [tenantId],
        }),
      ),
    );
    // Both wrote the same schedule; pg-boss keeps one per (queue, tenant).
    const schedules = await bed.runners[0].boss.getSchedules(SCAN_QUEUE);
    expect(schedules.map((s) => [s.key, s.cron])).toEqual([[tenantId, "*/10 * * * *"]]);

    // 09:58:30 → 10:28:30 holds three occurrences: 10:00, 10:10, 10:20.
    for (let minute = 0; minute < 30; minute++) {
      await clock.tick(60_000);
      await settle(clock, pools[2]);
    }
    expect(await scheduledScans(pools[2], tenantId)).toBe(3);
    const total = [...bed.collected.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(3);
    const { rows } = await pools[2].query<{ n: string }>(
      "SELECT count(*) AS n FROM pgboss.job WHERE name = $1",
      [SCAN_QUEUE],
    );
    expect(Number(rows[0].n)).toBe(3);
  });

  it("queues one scan per tenant at a time: a second request for the same tick is refused", async () => {
    const { tenant } = bed.started;
    const tenantId = tenant.tenantId.toLowerCase();
    const first = await bed.runners[0].enqueueScan(tenantId, "cron");
    const second = await bed.runners[1].enqueueScan(tenantId, "cron");
    expect(first).not.toBeNull();
    expect(second).toBeNull();
  });
});

describe("a schedule missed while every worker was down", () => {
  const bed = jobsTestBed();

  it("runs once when a worker comes back", async () => {
    const { db, pools, tenant } = bed.started;
    const clock = new TestClock(new Date("2026-02-02T09:58:30Z"));
    const tenantId = tenant.tenantId.toLowerCase();
    const config = readJobsConfig({ ATLAS_SCAN_SCHEDULE: "0 * * * *", ATLAS_RETENTION_DAYS: "0" });
    const start = () =>
      startJobRunner({
        databaseUrl: db.url,
        pool: pools[0],
        config,
        clock,
        name: "C",
        log: quiet,
        pollingIntervalSeconds: 1,
        sourceOf: () => countingSource(tenant, bed.collected, "C"),
        registeredTenants: () => [tenantId],
      });
    let runner = await start();
    bed.runners = [runner];
    // 10:00 comes due while the worker runs.
    await advanceUntil(clock, 30_000, 20, async () => (await scheduledScans(pools[2], tenantId)) === 1);
    await settle(clock, pools[2]);
    expect(await scheduledScans(pools[2], tenantId)).toBe(1);

    // Everything is down from about 10:05 until 13:28: 11:00, 12:00 and 13:00 are missed.
    await clock.tick(5 * 60_000);
    await runner.stop();
    bed.runners = [];
    await clock.setTime(new Date("2026-02-02T13:28:30Z"));
    runner = await start();
    bed.runners = [runner];
    await advanceUntil(clock, 30_000, 20, async () => (await scheduledScans(pools[2], tenantId)) >= 2);
    // …and on until 13:55: nothing else is due before 14:00.
    while (clock.now() < Date.parse("2026-02-02T13:55:00Z")) {
      await clock.tick(30_000);
      await pause(10);
    }
    await settle(clock, pools[2]);
    expect(await scheduledScans(pools[2], tenantId)).toBe(2);
  });
});
