import type pg from "pg";

// The one shared handle for set-based SQL (docs/architecture.md, "Data access — two tools, nothing
// else"): the scan store, drift, timelines, jobs and snapshot reads take one of these types rather than
// `pg`'s own, so that `pg` itself is imported by lib/db alone (lib/layers.test.ts holds the rule).

/**
 * What set-based SQL needs from a database: a pg Pool, PoolClient or Client. It is plain parameterized
 * SQL on pg rather than Prisma so the same code runs in the app, in a worker, in the CLI and inside a
 * scan's own transaction; values always travel as parameters, never in the text.
 */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** A pool of connections: `pool()` in the app, one of its own in the CLI, a worker or a benchmark. */
export type DbPool = pg.Pool;

/** A connection checked out of a pool: what a transaction or a session-level advisory lock holds. */
export type DbPoolClient = pg.PoolClient;

/** One connection, checked out of a pool or opened alone: BEGIN … COMMIT runs on one of these. */
export type DbConnection = pg.PoolClient | pg.Client;

/**
 * Runs `work` in one transaction on a connection of its own: COMMIT when it returns, ROLLBACK (and the
 * error again) when it throws, and the connection back to the pool either way. A failed ROLLBACK (the
 * connection is gone) does not hide the error that caused it.
 */
export async function withTransaction<T>(
  pool: DbPool,
  work: (client: DbPoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
