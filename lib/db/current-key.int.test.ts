import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

// At most one current row per (tenant, kind, natural key): the guard behind the store's "nothing is current,
// COPY straight in" shortcut (lib/scan/store.ts). Since migration 20261204_2000_current_key_hash it is a
// unique index on the MD5 of the key (16 bytes, not the ~230-character key), so it must still tell apart
// every pair of distinct keys the product writes — Kubernetes names differ by case alone
// (https://kubernetes.io/docs/reference/access-authn-authz/rbac/: subject names are case-sensitive).

let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(
    `INSERT INTO tenants (id, display_name, source, updated_at) VALUES ('t1', 'T', 'test', now())`,
  );
});
afterAll(async () => {
  await client.end();
  await db.drop();
});

const key =
  "/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-1|Alice|admin";

async function insert(naturalKey: string, validTo: number | null, kind = "access.grant") {
  await client.query(
    `INSERT INTO snapshot_records (tenant_id, kind, natural_key, source, cluster_id, content_hash, data,
       valid_from_scan, valid_to_scan)
     VALUES ('t1', $1, $2, 'analysis', NULL, 'h', '{}', 1, $3)`,
    [kind, naturalKey, validTo],
  );
}

describe("snapshot_records: one current row per key", () => {
  it("refuses a second current row of the same key, on the hashed index", async () => {
    await client.query("BEGIN");
    await insert(key, null);
    await expect(insert(key, null)).rejects.toThrow(/snapshot_records_current_key_uq/);
    await client.query("ROLLBACK");
  });

  it("keeps any number of closed versions beside the current one", async () => {
    await client.query("BEGIN");
    await insert(key, 2);
    await insert(key, 3);
    await insert(key, null);
    const { rows } = await client.query(
      "SELECT count(*)::int AS n FROM snapshot_records WHERE natural_key = $1",
      [key],
    );
    expect(rows[0].n).toBe(3);
    await client.query("ROLLBACK");
  });

  it("tells apart keys that differ by case alone, and the same key of another kind", async () => {
    await client.query("BEGIN");
    await insert(key, null);
    await insert(key.replace("Alice", "alice"), null);
    await insert(key, null, "access.escalation");
    await client.query("ROLLBACK");
  });

  it("no longer holds the whole key twice: the old unique index is gone", async () => {
    const { rows } = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'snapshot_records' ORDER BY indexname`,
    );
    const names = rows.map((row) => row.indexname);
    expect(names).not.toContain("snapshot_records_current_uq");
    expect(rows.find((row) => row.indexname === "snapshot_records_current_key_uq")?.indexdef).toMatch(
      /UNIQUE INDEX .*decode\(md5\(natural_key\), 'hex'::text\).*WHERE \(valid_to_scan IS NULL\)/,
    );
  });
});
