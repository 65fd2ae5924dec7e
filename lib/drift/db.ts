import type pg from "pg";

/**
 * What drift, jobs and notifications need from a database: a pg Pool, PoolClient or Client. Drift reads
 * use plain parameterized SQL on pg rather than Prisma so the same code runs in the app, in a worker,
 * in the CLI and inside a scan's own transaction; values always travel as parameters, never in the text.
 */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}
