import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { migrate } from "@/lib/db/migrate";
import { createPrismaClient } from "@/lib/db/prisma";

export interface TestDatabase {
  url: string;
  name: string;
  prisma: ReturnType<typeof createPrismaClient>;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file, so tests never see each other's rows. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = inject("databaseUrl");
  const name = `atlas_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (options.migrate !== false) await migrate(url.toString());
  const prisma = createPrismaClient(url.toString());
  return {
    url: url.toString(),
    name,
    prisma,
    async drop() {
      await prisma.$disconnect();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      // A pool's $disconnect can resolve while its clients are still closing; FORCE would then end them
      // with 57P01, an error their pool has no listener for (an unhandled error failing the run). Give the
      // file's connections a moment to close first; only those left after it are forced.
      for (let waited = 0; waited < 2_000; waited += 50) {
        const { rows } = await c.query<{ open: number }>(
          "SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = $1",
          [name],
        );
        if (rows[0].open === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
