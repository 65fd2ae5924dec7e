import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { demoTenantPath } from "@/lib/emulator/demo/index";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { main } from "../main";

// `aks-atlas import`: a tenant file stored as a scan (trigger import) with scan's summary and exit codes,
// the file's coverage section honoured, bad files refused with precise messages, and the --fail-on gate.

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
    const code = await main(["node", "aks-atlas", ...args]);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = undefined;
  }
}

type Demo = {
  subscriptions: { subscriptionId: string; resources: { id: string; type: string; name: string }[] }[];
  clusters: Record<string, { reachable?: boolean; includeDefaults?: boolean; objects?: unknown[] }>;
  coverage?: unknown;
  version: number;
};

describe("aks-atlas import", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let scratch: string;
  let demo: Demo;
  const saved = { url: process.env.DATABASE_URL, dir: process.env.ATLAS_DATA_DIR };
  const write = async (name: string, value: unknown) => {
    const file = path.join(scratch, name);
    await fs.writeFile(file, typeof value === "string" ? value : JSON.stringify(value));
    return file;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), "atlas-import-"));
    process.env.DATABASE_URL = db.url;
    process.env.ATLAS_DATA_DIR = scratch;
    demo = JSON.parse(await fs.readFile(demoTenantPath, "utf8")) as Demo;
  });
  afterAll(async () => {
    process.env.DATABASE_URL = saved.url;
    process.env.ATLAS_DATA_DIR = saved.dir;
    await pool.end();
    await db.drop();
    await fs.rm(scratch, { recursive: true, force: true });
  });

  it("stores the demo tenant as a scan with trigger import; the unreachable aks-data makes it partial (exit 2)", async () => {
    const result = await run("import", demoTenantPath, "--json");
    expect(result.code, result.stderr).toBe(2);
    const summary = JSON.parse(result.stdout) as {
      scanId: string;
      status: string;
      coverage: Record<string, { status: string }>;
      apiCalls: Record<string, number>;
      phaseMs: Record<string, number>;
    };
    expect(summary.status).toBe("partial");
    expect(summary.apiCalls).toEqual({}); // nothing was sent anywhere
    // Where the time went: a first import evaluates everything, so every part of the analysis ran.
    for (const phase of [
      "collect",
      "inventory",
      "inputs",
      "loadModel",
      "evaluate",
      "attackPaths",
      "findings",
      "store",
    ])
      expect(summary.phaseMs[phase], phase).toBeGreaterThanOrEqual(0);
    expect(result.stderr + result.stdout).not.toMatch(/NaN/);
    const notRead = Object.entries(summary.coverage).filter(([, c]) => c.status === "not-read");
    expect(notRead.map(([source]) => source)).toEqual([expect.stringMatching(/^cluster:.*\/aks-data$/)]);
    const { rows } = await pool.query("SELECT trigger, status FROM scans WHERE id = $1", [summary.scanId]);
    expect(rows).toEqual([{ trigger: "import", status: "partial" }]);
  });

  it("marks what the collector could not read: those sources are partial/not read and close nothing", async () => {
    const aks1 = demo.subscriptions
      .flatMap((s) => s.resources)
      .find((r) => r.name === "aks-1" && /managedClusters/i.test(r.type));
    if (!aks1) throw new Error("demo has aks-1");
    const before = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM snapshot_records WHERE kind = 'k8s.roleBinding' AND valid_to_scan IS NULL AND cluster_id = $1",
      [aks1.id.toLowerCase()],
    );
    expect(Number(before.rows[0].n)).toBeGreaterThan(0);
    // The collector could not list aks-1's Kubernetes objects and read the directory only partly.
    const clusters = Object.fromEntries(
      Object.entries(demo.clusters).filter(([key]) => key.toLowerCase() !== aks1.id.toLowerCase()),
    );
    const file = await write("unread.json", {
      ...demo,
      clusters: { ...clusters, [aks1.id]: { reachable: false } },
      coverage: {
        collectedBy: "test",
        unread: {
          [`cluster:${aks1.id}`]: { status: "not-read", reason: "kubectl: Unauthorized" },
          directory: { status: "partial", reason: "az ad group member list: Forbidden" },
        },
      },
    });
    const result = await run("import", file, "--json");
    expect(result.code, result.stderr).toBe(2);
    const summary = JSON.parse(result.stdout) as {
      coverage: Record<string, { status: string; reason?: string }>;
    };
    expect(summary.coverage[`cluster:${aks1.id.toLowerCase()}`]).toEqual({
      status: "not-read",
      reason: "kubectl: Unauthorized",
    });
    expect(summary.coverage.directory).toEqual({
      status: "partial",
      reason: "az ad group member list: Forbidden",
    });
    // aks-1's bindings carry forward, as after a scan that could not reach it.
    const after = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM snapshot_records WHERE kind = 'k8s.roleBinding' AND valid_to_scan IS NULL AND cluster_id = $1",
      [aks1.id.toLowerCase()],
    );
    expect(after.rows[0].n).toBe(before.rows[0].n);
    const text = await run("import", file);
    expect(text.stdout).toContain("! directory: PartiallyCollected: az ad group member list: Forbidden");
  });

  it("refuses a tenant file of a newer version, naming both versions", async () => {
    const file = await write("v2.json", { ...demo, version: 2, somethingNew: [] });
    const result = await run("import", file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "is a version 2 tenant file; this aks-atlas reads tenant file version 1 only",
    );
    expect(result.stderr).not.toContain("somethingNew"); // the version is the one reason given
  });

  it("names the JSON path of each malformed section, and a bad coverage key", async () => {
    const bad = JSON.parse(JSON.stringify(demo)) as Demo & {
      roleAssignments: { properties: { principalId: string } }[];
    };
    bad.roleAssignments[1].properties.principalId = "penny";
    bad.coverage = { unread: { "cluster:aks-1": { status: "not-read", reason: "x" } } };
    const result = await run("import", await write("bad.json", bad));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("$.roleAssignments[1].properties.principalId: must be a GUID");
    expect(result.stderr).toContain('$.coverage.unread["cluster:aks-1"]: must be a coverage source');
    const broken = await run("import", await write("broken.json", '{"version": 1,\n "tenantId": }'));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/not valid JSON \(line 2, column 14\)/);
  });

  it("--fail-on: exit 3 on a failing finding at or above the severity, for import and findings; bad values exit 1", async () => {
    const imported = await run("import", demoTenantPath, "--json", "--fail-on", "critical");
    expect(imported.code).toBe(3);
    expect(JSON.parse(imported.stdout).status).toBe("partial"); // stdout is still the summary alone
    expect(imported.stderr).toMatch(
      /--fail-on critical: \d+ failing findings at or above critical \(exit 3\)/,
    );

    const findings = await run("findings", "--json", "--fail-on", "critical");
    expect(findings.code).toBe(3);
    const parsed = JSON.parse(findings.stdout) as { findings: { status: string; severity: string }[] };
    expect(parsed.findings.some((f) => f.status === "fail" && f.severity === "critical")).toBe(true);
    expect((await run("findings", "--json")).code).toBe(0); // no flag, no gate

    const bad = await run("findings", "--fail-on", "urgent");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--fail-on must be one of critical|high|medium|low|info, got "urgent"');
    const badImport = await run("import", demoTenantPath, "--fail-on", "urgent");
    expect(badImport.code).toBe(1);
  });
});
