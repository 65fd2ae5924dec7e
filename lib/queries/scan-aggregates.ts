import { prisma } from "@/lib/db/prisma";
import type { ScanScope } from "@/lib/queries/scan-scope";

// Whole-tenant aggregates of a completed scan, kept in the database past a restart of the server. The per-process
// memos (scan-memo.ts) hold them while the server runs; after a restart the server computed each again, and the
// first visitor of the overview waited for it: 26–28 s on bench/pages' 500-cluster tenant
// (bench/pages/first-visit.ts), most of it the principals' summaries. A completed scan's state never changes, so
// what one build of the code computed for it stays true for that build: rows are keyed by scan and name and
// stamped with the id of the production build serving them (`.next/BUILD_ID`, which scripts/start.mjs and
// deploy/serve.mjs put in ATLAS_BUILD_ID), and a row of another build is computed again and replaced — an upgrade that changes how an aggregate is counted never serves the old count.

/** The production build the server runs; null (tests, `next dev`, the CLI) keeps nothing. */
export function aggregateVersion(): string | null {
  return process.env.ATLAS_BUILD_ID || null;
}

/**
 * `compute()`'s answer for the scan, read from `scan_aggregates` when this build stored it, else computed and
 * stored. Only for answers that survive JSON as they are (strings, numbers, booleans, null, arrays and plain
 * objects): what is read back is what JSON.parse gives. Reading or storing failing costs the computation, never
 * the answer.
 */
export async function keptAcrossRestarts<T>(
  name: string,
  scope: Pick<ScanScope, "tenantId" | "scanId">,
  compute: () => Promise<T>,
): Promise<T> {
  const version = aggregateVersion();
  if (!version) return compute();
  const db = prisma();
  try {
    const rows = await db.$queryRaw<{ data: T }[]>`
      SELECT data FROM scan_aggregates
      WHERE scan_id = ${scope.scanId} AND name = ${name} AND tenant_id = ${scope.tenantId} AND version = ${version}`;
    if (rows.length > 0) return rows[0].data;
  } catch (error) {
    console.warn(
      `[atlas] could not read the kept ${name} of scan ${scope.scanId}: ${(error as Error).message}`,
    );
  }
  const value = await compute();
  try {
    await db.$executeRaw`
      INSERT INTO scan_aggregates (scan_id, name, tenant_id, version, data)
      VALUES (${scope.scanId}, ${name}, ${scope.tenantId}, ${version}, ${JSON.stringify(value)}::jsonb)
      ON CONFLICT (scan_id, name) DO UPDATE
        SET tenant_id = EXCLUDED.tenant_id, version = EXCLUDED.version, data = EXCLUDED.data, computed_at = now()`;
  } catch (error) {
    console.warn(`[atlas] could not keep the ${name} of scan ${scope.scanId}: ${(error as Error).message}`);
  }
  return value;
}
