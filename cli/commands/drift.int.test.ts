import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { mutateTenantDocument } from "@/lib/emulator/generate/mutate-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { main } from "../main";

// `aks-atlas drift` against a database holding two scans of a drifting demo tenant.

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => {
    out.push(parts.join(" "));
  });
  const error = vi.spyOn(console, "error").mockImplementation((...parts: unknown[]) => {
    err.push(parts.join(" "));
  });
  try {
    process.exitCode = undefined;
    const code = await main(["node", "aks-atlas", "drift", ...args]);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = undefined;
  }
}

describe("aks-atlas drift", () => {
  let db: TestDatabase;
  const scans: string[] = [];
  const saved = process.env.DATABASE_URL;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    const pool = new pg.Pool({ connectionString: db.url });
    const demo = await loadDemoTenant();
    const document = JSON.parse(JSON.stringify(demo)) as Record<string, unknown>;
    mutateTenantDocument(document, { seed: 5, share: 0.2 });
    for (const file of [demo, parseTenantFile(document, "mutated")]) {
      const model = modelFromTenantFile(file);
      const outcome = await runScan({
        pool,
        tenant: { id: demo.tenantId, displayName: "Contoso", source: "import" },
        trigger: "cli",
        collect: async () => ({ model, errors: [], apiCalls: {}, counts: {} }),
      });
      scans.push(outcome.scanId.toString());
    }
    await pool.end();
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    await db.drop();
  });

  it("prints the contract as JSON: from, to and events with their keys", async () => {
    const { code, stdout } = await run("--json");
    expect(code).toBe(0);
    const body = JSON.parse(stdout) as { from: string; to: string; events: Record<string, unknown>[] };
    expect(body.from).toBe(scans[0]);
    expect(body.to).toBe(scans[1]);
    expect(body.events.length).toBeGreaterThan(0);
    for (const event of body.events) {
      for (const key of ["kind", "severity", "message", "cluster", "subject", "before", "after"]) {
        expect(event).toHaveProperty(key);
      }
    }
  });

  it("narrows to a cluster and a severity, and prints readable lines without --json", async () => {
    const all = JSON.parse((await run("--json")).stdout) as {
      events: { cluster: { name: string } | null }[];
    };
    const name = all.events.find((e) => e.cluster)?.cluster?.name ?? "";
    const narrowed = JSON.parse((await run("--json", "--cluster", name)).stdout) as {
      events: { cluster: { name: string } | null; subject: { key: string } }[];
    };
    expect(narrowed.events.length).toBeGreaterThan(0);
    expect(narrowed.events.length).toBeLessThanOrEqual(all.events.length);
    const text = await run("--from", scans[0], "--to", scans[1], "--severity", "low");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Drift from scan #${scans[0]} to #${scans[1]}: \\d+ changes`));
    expect(text.stdout).not.toMatch(/^\s+info /m);
  });

  it("explains bad input and unknown scans with a non-zero exit code", async () => {
    expect(await run("--from", "abc")).toMatchObject({ code: 1, stderr: expect.stringContaining("from") });
    expect(await run("--severity", "urgent")).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("--severity"),
    });
    expect(await run("--to", "987654")).toMatchObject({ code: 1, stderr: expect.stringContaining("987654") });
    expect(await run("--from", scans[1], "--to", scans[0])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("earlier"),
    });
    expect(await run("--cluster", "no-such-cluster")).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("no-such-cluster"),
    });
  });
});
