import pg from "pg";

export interface DatabaseHealth {
  state: "up" | "down";
  latencyMs: number | null;
  migrations: number | null;
  serverVersion: string | null;
  message?: string;
}

/** A direct, short-lived probe: health must answer even when the Prisma pool is wedged. */
export async function probeDatabase(url: string | undefined): Promise<DatabaseHealth> {
  if (!url)
    return {
      state: "down",
      latencyMs: null,
      migrations: null,
      serverVersion: null,
      message: "not configured",
    };
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 3000,
    statement_timeout: 3000,
  });
  const started = performance.now();
  try {
    await client.connect();
    const version = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const migrations = await client.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM "_atlas_migrations"`,
    );
    return {
      state: "up",
      latencyMs: Math.round(performance.now() - started),
      migrations: Number(migrations.rows[0]?.n ?? 0),
      serverVersion: version.rows[0]?.v ?? null,
    };
  } catch (error) {
    return {
      state: "down",
      latencyMs: null,
      migrations: null,
      serverVersion: null,
      message: (error as Error).message,
    };
  } finally {
    await client.end().catch(() => {});
  }
}
