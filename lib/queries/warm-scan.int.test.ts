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
import { warmScanReads } from "@/lib/queries/warm-scan";
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
});
