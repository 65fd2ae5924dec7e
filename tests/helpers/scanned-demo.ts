import type pg from "pg";
import { closePool, createPool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";
import { resolveScanScope, type ScanScope } from "@/lib/queries/scan-scope";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

/** A fresh test database holding one scan (of the demo tenant, or of a model), the app's queries pointed at it. */
export type ScannedDemo = {
  db: TestDatabase;
  pool: pg.Pool;
  scope: ScanScope;
  /** Every client closed before the database is dropped. */
  close(): Promise<void>;
};

export async function scanDemoIntoTestDatabase(): Promise<ScannedDemo> {
  const demo = await loadDemoTenant();
  return scanModelIntoTestDatabase(modelFromTenantFile(demo), "Contoso");
}

/** A fresh test database holding one scan of `model` (a hand-built one: AccessModelBuilder), the app's queries pointed at it. */
export async function scanModelIntoTestDatabase(
  model: TenantModel,
  displayName: string,
): Promise<ScannedDemo> {
  const db = await createTestDatabase();
  const pool = createPool(db.url, 4);
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
  await scanModel(pool, model, displayName);
  const scope = await resolveScanScope(null);
  if (!scope) throw new Error("no scan");
  return {
    db,
    pool,
    scope,
    close: async () => {
      // A connection the drop terminates (57P01) on a pool without an error listener is an
      // unhandled error that fails the run: close every client first.
      await prisma().$disconnect();
      await closePool();
      await pool.end();
      await db.drop();
    },
  };
}

/** One more scan of `model` (the tenant's next state) into the database `pool` reaches; its scan id. */
export async function scanModel(pool: pg.Pool, model: TenantModel, displayName: string): Promise<bigint> {
  const outcome = await runScan({
    pool,
    tenant: { id: model.tenantId, displayName, source: "import" },
    trigger: "cli",
    collect: async () => ({ model, errors: [], apiCalls: {}, counts: {} }),
  });
  return outcome.scanId;
}
