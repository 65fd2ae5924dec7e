import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { createPool } from "./pool";
import { type DbPool, withTransaction } from "./queryable";

// withTransaction is the one BEGIN … COMMIT / ROLLBACK of the jobs (retention, follow-ups): what it
// commits is seen by others only once it returns, what it rolls back never, and the connection goes
// back to the pool either way (a leak would starve the pool after `max` failures).

describe("withTransaction", () => {
  let db: TestDatabase;
  let pool: DbPool;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    pool = createPool(db.url, 2);
    await pool.query("CREATE TABLE marks (name text PRIMARY KEY)");
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const names = async () => (await pool.query<{ name: string }>("SELECT name FROM marks ORDER BY name")).rows;

  it("commits what the work wrote when it returns, and answers what it returned", async () => {
    const answer = await withTransaction(pool, async (client) => {
      await client.query("INSERT INTO marks (name) VALUES ('kept')");
      // not visible outside the transaction before COMMIT
      expect(await names()).toEqual([]);
      return 42;
    });
    expect(answer).toBe(42);
    expect(await names()).toEqual([{ name: "kept" }]);
  });

  it("rolls back and throws the work's own error when it fails, even a failed statement's", async () => {
    await expect(
      withTransaction(pool, async (client) => {
        await client.query("INSERT INTO marks (name) VALUES ('gone')");
        throw new Error("the work failed");
      }),
    ).rejects.toThrow("the work failed");
    await expect(
      withTransaction(pool, async (client) => {
        await client.query("INSERT INTO marks (name) VALUES ('gone too')");
        await client.query("INSERT INTO marks (name) VALUES ('kept')"); // duplicate key
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await names()).toEqual([{ name: "kept" }]);
  });

  it("gives the connection back every time: more failures than the pool has connections still leave it usable", async () => {
    for (let attempt = 0; attempt < 5; attempt++)
      await expect(
        withTransaction(pool, async () => {
          throw new Error(`attempt ${attempt}`);
        }),
      ).rejects.toThrow(`attempt ${attempt}`);
    expect(pool.totalCount).toBeLessThanOrEqual(2);
    expect(pool.idleCount).toBe(pool.totalCount);
    // …and a transaction left open would show here as the next one's rows already there or locked
    await withTransaction(pool, (client) => client.query("INSERT INTO marks (name) VALUES ('after')"));
    expect(await names()).toEqual([{ name: "after" }, { name: "kept" }]);
  });
});
