import pg from "pg";
import { resolvedDatabaseUrl } from "./prisma";

const globalForPool = globalThis as unknown as { atlasPool?: pg.Pool };

/**
 * A pg pool that survives losing a connection it was not using: when the server ends an idle connection (a
 * restart, a failover, an administrator), pg-pool drops it and emits 'error', which without a listener would
 * end the whole process. The next query opens a fresh connection.
 */
export function createPool(connectionString: string, max: number): pg.Pool {
  const created = new pg.Pool({ connectionString, max });
  created.on("error", (error) =>
    console.error(`[atlas] an idle database connection was lost: ${error.message}`),
  );
  return created;
}

/** The process-wide pg pool for raw SQL work (scans, COPY); Prisma keeps its own. */
export function pool(): pg.Pool {
  globalForPool.atlasPool ??= createPool(resolvedDatabaseUrl(), 10);
  return globalForPool.atlasPool;
}

export async function closePool(): Promise<void> {
  await globalForPool.atlasPool?.end();
  globalForPool.atlasPool = undefined;
}
