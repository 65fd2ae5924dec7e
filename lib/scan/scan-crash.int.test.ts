import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenantPath, loadDemoTenant } from "@/lib/emulator/demo";
import { mutateTenantDocument } from "@/lib/emulator/generate/mutate-tenant";
import { exited, runFixture } from "@/tests/helpers/fixture-process";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

function scanInChild(
  databaseUrl: string,
  tenantFile: string,
): { child: ChildProcess; lines: string[]; saw: (text: string) => Promise<void> } {
  const child = runFixture("scan-tenant-file.ts", [tenantFile], { DATABASE_URL: databaseUrl });
  const lines: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    lines.push(...chunk.toString().split("\n").filter(Boolean));
    for (const w of waiters) if (lines.some((l) => l.startsWith(w.text))) w.resolve();
  });
  const saw = (text: string) =>
    new Promise<void>((resolve) => {
      if (lines.some((l) => l.startsWith(text))) resolve();
      else waiters.push({ text, resolve });
    });
  return { child, lines, saw };
}

/** Every row of the versioned store, in a stable order, to compare states byte for byte. */
async function snapshotState(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query(
    `SELECT kind, natural_key, content_hash, valid_from_scan::text, valid_to_scan::text FROM snapshot_records
     ORDER BY kind, natural_key, valid_from_scan`,
  );
  return JSON.stringify(rows);
}

describe("a scan killed with SIGKILL in the middle of its store phase", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let work: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url });
    work = await fs.mkdtemp(path.join(os.tmpdir(), "atlas-crash-"));
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
    await fs.rm(work, { recursive: true, force: true });
  });

  it("leaves the previous state exactly as it was, and the next scan runs", async () => {
    // Scan 1: the demo tenant, completed normally.
    const first = scanInChild(db.url, demoTenantPath);
    await exited(first.child);
    expect(first.lines.at(-1)).toMatch(/^done (succeeded|partial)$/);
    const before = await snapshotState(pool);

    // Scan 2: a changed tenant. Hold a lock that its store transaction must wait for, so it is certainly
    // inside that transaction (staging written, nothing committed) when it is killed.
    const document = JSON.parse(JSON.stringify(await loadDemoTenant())) as Record<string, unknown>;
    expect(mutateTenantDocument(document, { seed: 3, share: 0.3 }).length).toBeGreaterThan(0);
    const mutatedPath = path.join(work, "mutated.json");
    await fs.writeFile(mutatedPath, JSON.stringify(document));
    const blocker = await pool.connect();
    await blocker.query("BEGIN");
    await blocker.query("LOCK TABLE snapshot_records IN SHARE MODE");
    const second = scanInChild(db.url, mutatedPath);
    await second.saw("collected");
    // Wait until the scan's connection is blocked on our lock inside its transaction.
    for (;;) {
      const { rows } = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()
           AND wait_event_type = 'Lock' AND state = 'active'`,
      );
      if (Number(rows[0].n) > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    second.child.kill("SIGKILL");
    await exited(second.child);
    await blocker.query("ROLLBACK");
    blocker.release();

    expect(await snapshotState(pool)).toBe(before);
    const interrupted = await pool.query<{ status: string }>("SELECT status FROM scans ORDER BY id");
    expect(interrupted.rows.map((r) => r.status)).toEqual([
      expect.stringMatching(/succeeded|partial/),
      "running",
    ]);

    // Scan 3 runs, marks the killed one failed, and stores the changed tenant.
    const third = scanInChild(db.url, mutatedPath);
    await exited(third.child);
    expect(third.lines.at(-1)).toMatch(/^done (succeeded|partial)$/);
    const after = await pool.query<{ status: string }>("SELECT status FROM scans ORDER BY id");
    expect(after.rows[1].status).toBe("failed");
    expect(await snapshotState(pool)).not.toBe(before);
  });

  it("killed during an incremental analysis: the previous state and its input hashes stay, the next scan redoes it", async () => {
    const hashes = async () =>
      JSON.stringify(
        (
          await pool.query(
            "SELECT part, cluster_id, input_hash, scan_id::text FROM analysis_input_hashes ORDER BY part, cluster_id",
          )
        ).rows,
      );
    const before = await snapshotState(pool);
    const hashesBefore = await hashes();
    expect(JSON.parse(hashesBefore).length).toBeGreaterThan(1);

    const document = JSON.parse(JSON.stringify(await loadDemoTenant())) as Record<string, unknown>;
    expect(mutateTenantDocument(document, { seed: 5, share: 0.3 }).length).toBeGreaterThan(0);
    const mutatedPath = path.join(work, "mutated-again.json");
    await fs.writeFile(mutatedPath, JSON.stringify(document));
    // EXCLUSIVE lets the analysis read the stored hashes (a plain SELECT) but not write the new ones: the
    // scan evaluates and stores every cluster's access, then waits, inside its transaction, to record them.
    const blocker = await pool.connect();
    await blocker.query("BEGIN");
    await blocker.query("LOCK TABLE analysis_input_hashes IN EXCLUSIVE MODE");
    const scan = scanInChild(db.url, mutatedPath);
    for (;;) {
      const { rows } = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()
           AND wait_event_type = 'Lock' AND state = 'active'`,
      );
      if (Number(rows[0].n) > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const killed = await pool.query<{ id: string; phase: string; progress_done: number }>(
      "SELECT id::text, phase, progress_done FROM scans ORDER BY id DESC LIMIT 1",
    );
    expect(killed.rows[0].phase).toBe("analyse");
    scan.child.kill("SIGKILL");
    await exited(scan.child);
    await blocker.query("ROLLBACK");
    blocker.release();

    expect(await snapshotState(pool)).toBe(before);
    expect(await hashes()).toBe(hashesBefore);

    const next = scanInChild(db.url, mutatedPath);
    await exited(next.child);
    expect(next.lines.at(-1)).toMatch(/^done (succeeded|partial)$/);
    const { rows } = await pool.query<{ status: string; counts: Record<string, number> }>(
      "SELECT status, counts FROM scans ORDER BY id DESC LIMIT 2",
    );
    expect(rows[1].status).toBe("failed");
    // Nothing of the killed scan's evaluation was kept: every cluster is evaluated again.
    expect(rows[0].counts.analysisClustersReused).toBe(0);
    expect(rows[0].counts.analysisClustersEvaluated).toBeGreaterThan(1);
    expect(await hashes()).not.toBe(hashesBefore);
  });
});
