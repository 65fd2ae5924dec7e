import pg from "pg";
import { resolvedDatabaseUrl } from "./prisma";

const globalForPool = globalThis as unknown as { atlasPool?: pg.Pool };

/** The process-wide pg pool for raw SQL work (scans, COPY); Prisma keeps its own. */
export function pool(): pg.Pool {
  globalForPool.atlasPool ??= new pg.Pool({ connectionString: resolvedDatabaseUrl(), max: 10 });
  return globalForPool.atlasPool;
}

export async function closePool(): Promise<void> {
  await globalForPool.atlasPool?.end();
  globalForPool.atlasPool = undefined;
}
