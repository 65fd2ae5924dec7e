import pg from "pg";
import { readDatabaseConfig } from "./config";
import { type EmbeddedPostgresHandle, startEmbeddedPostgres, withDatabase } from "./embedded-postgres";
import { type MigrateResult, migrate } from "./migrate";

export interface OpenDatabase {
  url: string;
  embedded: EmbeddedPostgresHandle | null;
  migrations: MigrateResult;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** join an embedded server that another live process owns (CLI) instead of refusing (server) */
  attach?: boolean;
  env?: Record<string, string | undefined>;
}

async function ensureDatabase(maintenanceUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    // Two starters may race to create it; the loser sees a duplicate.
    if ((error as { code?: string }).code !== "42P04") throw error;
  } finally {
    await client.end();
  }
}

/**
 * The one way every entry point (server, worker, CLI, tests) gets a database: DATABASE_URL when set,
 * otherwise the embedded PostgreSQL in ATLAS_DATA_DIR; migrated before anyone reads it.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenDatabase> {
  const config = readDatabaseConfig(options.env);
  if (config.databaseUrl) {
    const migrations = await migrate(config.databaseUrl);
    return { url: config.databaseUrl, embedded: null, migrations, close: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, attach: options.attach });
  try {
    await ensureDatabase(withDatabase(embedded.url, "postgres"), "atlas");
    const migrations = await migrate(embedded.url);
    return { url: embedded.url, embedded, migrations, close: () => embedded.stop() };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}
