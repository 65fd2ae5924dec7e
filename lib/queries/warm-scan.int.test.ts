import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/prisma";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { getOverview } from "@/lib/queries/get-overview";
import { findingIndex } from "@/lib/queries/list-findings";
import { identitySummaries } from "@/lib/queries/list-identities";
import { resolveScanScope } from "@/lib/queries/scan-scope";
import { keepLatestScanWarm, warmScanReads } from "@/lib/queries/warm-scan";
import { runScan, type ScanOutcome } from "@/lib/scan/run-scan";
import { onScanCommitted } from "@/lib/scan/scan-events";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

// The server prepares each committed scan's page aggregates (lib/server/background.ts): scan listeners hear
// every committed scan, and after warmScanReads the pages' per-scan reads come from memory.

let db: TestDatabase;
let pool: pg.Pool;
let demo: TenantFile;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  demo = await loadDemoTenant();
});
afterAll(async () => {
  await prisma().$disconnect();
  await pool.end();
  await db.drop();
});

const scanDemo = () =>
  runScan({
    pool,
    tenant: { id: demo.tenantId, displayName: "Contoso", source: "import" },
    trigger: "cli",
    collect: async () => ({ model: modelFromTenantFile(demo), errors: [], apiCalls: {}, counts: {} }),
  });

describe("scan listeners and warmScanReads", () => {
  it("hears every committed scan until the listener is removed", async () => {
    const heard: ScanOutcome[] = [];
    const stop = onScanCommitted((outcome) => heard.push(outcome));
    const first = await scanDemo();
    stop();
    await scanDemo();
    expect(heard.map((outcome) => outcome.scanId)).toEqual([first.scanId]);
    expect(heard[0].status).toBe(first.status);
  });

  it("leaves nothing for the pages' per-scan reads to query", async () => {
    const scan = await scanDemo();
    await warmScanReads(scan.tenantId, scan.scanId);
    const scope = await resolveScanScope(scan.scanId.toString(), scan.tenantId);
    if (!scope) throw new Error("the scan is not readable");
    const queries = vi.spyOn(prisma(), "$queryRaw");
    try {
      const [overview, findings, identities] = await Promise.all([
        getOverview(scope),
        findingIndex(scope),
        identitySummaries(scope),
      ]);
      expect(queries).not.toHaveBeenCalled();
      expect(findings.length).toBeGreaterThan(0);
      expect(identities.length).toBeGreaterThan(0);
      expect(overview).toBeTruthy();
    } finally {
      queries.mockRestore();
    }
  });

  it("warms every per-scan memo the queries keep, so no page computes one on a first visit", async () => {
    // every module of lib/queries loaded, so that every memo is registered (scan-memo.ts)
    for (const file of readdirSync(import.meta.dirname))
      if (/^[a-z-]+\.ts$/.test(file)) await import(pathToFileURL(path.join(import.meta.dirname, file)).href);
    const scan = await scanDemo();
    await warmScanReads(scan.tenantId, scan.scanId);
    const memos = (globalThis as { atlasScanMemos?: Map<string, Map<string, unknown>> }).atlasScanMemos;
    expect(memos?.size).toBeGreaterThanOrEqual(10);
    const keyed = (key: string) => key.includes(scan.tenantId) && key.includes(String(scan.scanId));
    const cold = [...(memos ?? [])]
      .filter(([, entries]) => ![...entries.keys()].some(keyed))
      .map(([name]) => name);
    expect(cold).toEqual([]);
  });

  it("warms the pages' copy of the queries too: Next.js bundles them apart from the server that warms", async () => {
    const scan = await scanDemo();
    await warmScanReads(scan.tenantId, scan.scanId);
    const scope = await resolveScanScope(scan.scanId.toString(), scan.tenantId);
    if (!scope) throw new Error("the scan is not readable");
    // A second instance of the modules, as the pages' bundle holds: the memos were module-level maps, so
    // the server warmed its own and the first visitor computed every aggregate again.
    vi.resetModules();
    const pages = {
      overview: await import("@/lib/queries/get-overview"),
      findings: await import("@/lib/queries/list-findings"),
      identities: await import("@/lib/queries/list-identities"),
    };
    expect(pages.overview.getOverview).not.toBe(getOverview);
    const queries = vi.spyOn(prisma(), "$queryRaw");
    try {
      await Promise.all([
        pages.overview.getOverview(scope),
        pages.findings.findingIndex(scope),
        pages.identities.identitySummaries(scope),
      ]);
      expect(queries).not.toHaveBeenCalled();
    } finally {
      queries.mockRestore();
    }
  });
});

describe("keepLatestScanWarm", () => {
  it("warms the latest completed scan at start and each one committed later elsewhere, once each", async () => {
    const before = await scanDemo();
    const warmed: bigint[] = [];
    const warmer = keepLatestScanWarm({
      intervalMs: 20,
      warm: async (_tenantId, scanId) => {
        warmed.push(scanId);
      },
      onError: (error) => {
        throw error;
      },
    });
    try {
      await vi.waitFor(() => expect(warmed).toEqual([before.scanId]));
      // committed by "another process": nothing tells this one but the database
      const later = await scanDemo();
      await vi.waitFor(() => expect(warmed).toEqual([before.scanId, later.scanId]));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(warmed).toEqual([before.scanId, later.scanId]);
    } finally {
      await warmer.stop();
    }
  });

  it("reports a failed warming and goes on to the next scan", async () => {
    const errors: unknown[] = [];
    const warmed: bigint[] = [];
    const warmer = keepLatestScanWarm({
      intervalMs: 20,
      warm: async (_tenantId, scanId) => {
        warmed.push(scanId);
        if (warmed.length === 1) throw new Error("database went away");
      },
      onError: (error) => errors.push(error),
    });
    try {
      await vi.waitFor(() => expect(errors).toHaveLength(1));
      const next = await scanDemo();
      await vi.waitFor(() => expect(warmed.at(-1)).toBe(next.scanId));
      expect(warmed).toHaveLength(2);
    } finally {
      await warmer.stop();
    }
  });
});
