import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { copyRows } from "./copy";

// COPY … FROM STDIN can be refused before any row is sent (an unknown column) or in the middle of the data (a
// unique violation: PostgreSQL answers ErrorResponse and stops reading, https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-COPY).
// Either way copyRows must reject with PostgreSQL's error, and leave the connection usable for ROLLBACK: a
// scan whose store is refused fails and rolls back; it must never wait forever for a "drain" that will not come.

let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query("CREATE TABLE copied (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
});
afterAll(async () => {
  await client.end();
  await db.drop();
});

/** Rows of ~100 KB each, so a COPY spans many 1 MiB chunks and waits for "drain" between them. */
function* rows(count: number, duplicateAt?: number) {
  const payload = "x".repeat(100_000);
  for (let i = 0; i < count; i++)
    yield [String(duplicateAt !== undefined && i > duplicateAt ? 0 : i), payload];
}

describe("copyRows", () => {
  it("copies every row", async () => {
    await client.query("BEGIN");
    expect(await copyRows(client, "copied", ["id", "payload"], rows(300))).toBe(300);
    expect((await client.query("SELECT count(*)::int AS n FROM copied")).rows[0].n).toBe(300);
    await client.query("ROLLBACK");
  });

  it("rejects a COPY PostgreSQL refuses before the data (an unknown column)", async () => {
    await client.query("BEGIN");
    await expect(copyRows(client, "copied", ["id", "no_such_column"], rows(300))).rejects.toThrow(
      /column "no_such_column" of relation "copied" does not exist/,
    );
    await client.query("ROLLBACK");
    expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
  });

  it("rejects a COPY PostgreSQL refuses in the middle of the data (a unique violation)", async () => {
    await client.query("BEGIN");
    await expect(copyRows(client, "copied", ["id", "payload"], rows(300, 100))).rejects.toThrow(
      /duplicate key value violates unique constraint "copied_pkey"/,
    );
    await client.query("ROLLBACK");
    expect((await client.query("SELECT count(*)::int AS n FROM copied")).rows[0].n).toBe(0);
  });
});
