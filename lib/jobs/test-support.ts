import { readFile } from "node:fs/promises";
import path from "node:path";
import type { DbPool } from "@/lib/db/queryable";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";
import type { CollectFunction } from "@/lib/scan/scan-types";
import type { TenantSource } from "@/lib/scan/tenant-sources";

// Shared by the job tests: a small tenant whose scans read a tenant file in process (no emulator), and a
// way to wait for the queue to settle without a wall-clock limit.

export async function smallTenant(): Promise<TenantFile> {
  const file = path.join(process.cwd(), "lib/emulator/test-fixtures/small-tenant.json");
  return parseTenantFile(JSON.parse(await readFile(file, "utf8")) as unknown, file);
}

/** A tenant source over a tenant file, counting its collections by the runner that made them. */
export function countingSource(
  tenant: TenantFile,
  counts: Map<string, number>,
  runner: string,
): TenantSource {
  const collect: CollectFunction = async (onProgress) => {
    counts.set(runner, (counts.get(runner) ?? 0) + 1);
    const model = modelFromTenantFile(tenant);
    onProgress({ done: 1, total: 1 });
    return { model, errors: [], apiCalls: {}, counts: { cluster: model.clusters.length } };
  };
  return {
    tenant: {
      id: tenant.tenantId.toLowerCase(),
      displayName: tenant.displayName ?? "test",
      source: "import",
    },
    collect,
  };
}

/** Jobs of a queue that are waiting or running (pg-boss keeps its jobs in the pgboss schema). */
export async function openJobs(pool: DbPool, queue: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')",
    [queue],
  );
  return Number(rows[0].n);
}

/** Real-time pause between polls of the database while job handlers (which run on real time) finish. */
export function pause(ms = 50): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
