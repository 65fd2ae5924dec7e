import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { createPool } from "./pool";

// A database that ends an idle connection (restart, failover, pg_terminate_backend) must not end the process.

describe("createPool", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db.drop();
  });

  it("survives the server ending an idle connection, and the next query reconnects", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const pool = createPool(db.url, 2);
    try {
      const { rows } = await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      await admin.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
      await admin.end();
      await vi.waitFor(() =>
        expect(logged).toHaveBeenCalledWith(expect.stringMatching(/idle database connection was lost/)),
      );
      const again = await pool.query<{ one: number }>("SELECT 1 AS one");
      expect(again.rows[0].one).toBe(1);
    } finally {
      await pool.end();
      logged.mockRestore();
    }
  });
});
