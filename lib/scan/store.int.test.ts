import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SnapshotRecordInput } from "@/lib/model/records";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { storeRecords } from "./store";

// The store compares a scan's records with the current rows by kind, natural key and content hash, and writes
// only the difference. Each way a record can differ from the last scan is one case here; run-scan and
// analyse tests cover the same through whole scans.

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url });
  await pool.query(
    `INSERT INTO tenants (id, display_name, source, updated_at) VALUES ('t', 't', 'import', now())`,
  );
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const CLUSTER =
  "/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-1";

const binding = (name: string, subjects: string[], source = `cluster:${CLUSTER}`): SnapshotRecordInput => ({
  kind: "k8s.roleBinding",
  naturalKey: `${CLUSTER}|RoleBinding|default|${name}`,
  source,
  clusterId: CLUSTER,
  data: { name, namespace: "default", subjects },
});

async function store(records: SnapshotRecordInput[], closableSources: string[]) {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO scans (tenant_id, status, trigger, phase, product_version)
     VALUES ('t', 'running', 'cli', 'store', 'test') RETURNING id`,
  );
  const scanId = BigInt(rows[0].id);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await storeRecords(client, {
      tenantId: "t",
      scanId,
      records,
      closableSources,
      kinds: "inventory",
    });
    await client.query("COMMIT");
    return { ...result, scanId };
  } finally {
    client.release();
  }
}

async function current() {
  const { rows } = await pool.query<{ natural_key: string; data: { subjects: string[] } }>(
    `SELECT natural_key, data FROM snapshot_records
     WHERE tenant_id = 't' AND valid_to_scan IS NULL ORDER BY natural_key`,
  );
  return rows.map((r) => `${r.natural_key.split("|").at(-1)}:${r.data.subjects.join(",")}`);
}

describe("storeRecords", () => {
  it("writes only what changed: unchanged, changed, new, vanished from a read and from an unread source", async () => {
    const other = "cluster:other";
    const first = await store(
      [
        binding("same", ["Penny"]),
        binding("edited", ["Jet"]),
        binding("gone", ["Faye"]),
        binding("unread", ["Leonard"], other),
        // RBAC object names are path segments, not DNS names (kubernetes pkg/apis/rbac/validation:
        // ValidateRBACName = path.IsValidPathSegmentName), so `Cased` and `cased` are two bindings: the store
        // must compare keys byte for byte, never fold their case.
        binding("Cased", ["Ed"]),
      ],
      [`cluster:${CLUSTER}`, other],
    );
    expect(first).toMatchObject({ compared: 0, inserted: 5, closed: 0 });

    const secondRecords = [
      binding("same", ["Penny"]),
      binding("edited", ["Jet", "Spike"]),
      binding("new", ["Ein"]),
      binding("cased", ["Ed"]),
    ];
    // `other` was not read this time: its row carries forward, never "deleted".
    const second = await store(secondRecords, [`cluster:${CLUSTER}`]);
    // compared all 4; inserted: edited (new version), new, cased (another object than Cased);
    // closed: edited (old version), gone, Cased.
    expect(second).toMatchObject({ compared: 4, inserted: 3, closed: 3 });
    expect(await current()).toEqual([
      "cased:Ed",
      "edited:Jet,Spike",
      "new:Ein",
      "same:Penny",
      "unread:Leonard",
    ]);

    // The unchanged row is the first scan's, not a copy; the closed ones were closed by the second scan.
    const { rows } = await pool.query<{ name: string; from: string; to: string | null }>(
      `SELECT split_part(natural_key, '|', 4) AS name, valid_from_scan::text AS from, valid_to_scan::text AS to
       FROM snapshot_records WHERE tenant_id = 't' ORDER BY id`,
    );
    const byName = (name: string) => rows.filter((r) => r.name === name).map((r) => [r.from, r.to]);
    const [s1, s2] = [first.scanId.toString(), second.scanId.toString()];
    expect(byName("same")).toEqual([[s1, null]]);
    expect(byName("edited")).toEqual([
      [s1, s2],
      [s2, null],
    ]);
    expect(byName("gone")).toEqual([[s1, s2]]);
    expect(byName("Cased")).toEqual([[s1, s2]]);
    expect(byName("unread")).toEqual([[s1, null]]);

    // The same records again write nothing.
    const third = await store(secondRecords, [`cluster:${CLUSTER}`]);
    expect(third).toMatchObject({ compared: 4, inserted: 0, closed: 0 });
  });
});
