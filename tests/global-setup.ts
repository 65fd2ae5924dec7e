import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the test PostgreSQL server's maintenance database; each test file creates its own database. */
    databaseUrl: string;
  }
}

/**
 * Integration tests run against a real PostgreSQL: TEST_DATABASE_URL when set, otherwise an embedded server in
 * .data/test (apart from the app's .data so a running `npm start` is never touched).
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide("databaseUrl", process.env.TEST_DATABASE_URL);
    return;
  }
  const dataDir = path.resolve(process.env.ATLAS_TEST_DATA_DIR ?? ".data/test");
  const pg = await startEmbeddedPostgres({ dataDir });
  const url = new URL(pg.url);
  url.pathname = "/postgres";
  project.provide("databaseUrl", url.toString());
  return async () => {
    await pg.stop();
  };
}
