import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { contentHash } from "@/lib/model/records";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { generatedTenantFile } from "@/tests/helpers/generated-tenant";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { runScan } from "./run-scan";
import type { CollectFunction } from "./scan-types";

// The step dictionary (docs/scanner.md, "Path steps stored once"; migration 20261205_0600_path_steps): a
// scan stores each distinct path step once in path_steps, and its access rows and findings reference them.
// What a reader gets back through atlas_record_data must be exactly the engine's document: the content hash
// the store took over the engine's document, before any step was replaced, must match the document read
// back, for every row.

function collectFrom(tenant: TenantFile): CollectFunction {
  return async (onProgress) => {
    const model = modelFromTenantFile(tenant);
    onProgress({ done: 1, total: 1 });
    return { model, errors: [], apiCalls: {}, counts: {} };
  };
}

const generated = () =>
  generatedTenantFile({
    seed: 5,
    subscriptions: 2,
    clusters: 4,
    roleAssignments: 600,
    bindings: 600,
    principals: 120,
    identities: 20,
  });

type Row = { kind: string; natural_key: string; content_hash: string; data: unknown; stored: string };

describe("path steps stored once", () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url });
    for (const file of [await loadDemoTenant(), await generated()]) {
      const scan = await runScan({
        pool,
        tenant: { id: file.tenantId, displayName: file.tenantId, source: "import" },
        trigger: "cli",
        collect: collectFrom(file),
      });
      expect(scan.status).not.toBe("failed");
    }
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const pathRows = async () =>
    (
      await pool.query<Row>(
        `SELECT kind, natural_key, content_hash, atlas_record_data(tenant_id, kind, data) AS data,
                data::text AS stored
         FROM snapshot_records WHERE kind IN ('access.grant', 'access.escalation', 'finding')`,
      )
    ).rows;

  it("reads back every access row and finding exactly as the engine produced it", async () => {
    const rows = await pathRows();
    expect(rows.length).toBeGreaterThan(1_000);
    const mismatched = rows.filter((row) => contentHash(row.data) !== row.content_hash);
    expect(mismatched.map((row) => `${row.kind} ${row.natural_key}`)).toEqual([]);
  });

  it("stores references in the paths, each with its step in the tenant's dictionary", async () => {
    const rows = await pathRows();
    const withPaths = rows.filter((row) => row.stored.includes('"paths": [['));
    expect(withPaths.length).toBeGreaterThan(500);
    // no step object is left inline in a stored path: every path element is a reference
    const { rows: inline } = await pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM snapshot_records r,
         jsonb_array_elements(CASE WHEN kind = 'finding' THEN coalesce(data#>'{evidence,paths}', '[]') ELSE data->'paths' END) p,
         jsonb_array_elements(p) s
       WHERE kind IN ('access.grant', 'access.escalation', 'finding') AND jsonb_typeof(s) <> 'string'`,
    );
    expect(inline[0].n).toBe("0");
    const { rows: dangling } = await pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM snapshot_records r,
         jsonb_array_elements(CASE WHEN kind = 'finding' THEN coalesce(data#>'{evidence,paths}', '[]') ELSE data->'paths' END) p,
         jsonb_array_elements_text(p) s(ref)
       WHERE kind IN ('access.grant', 'access.escalation', 'finding')
         AND NOT EXISTS (SELECT 1 FROM path_steps d WHERE d.tenant_id = r.tenant_id AND d.ref = s.ref)`,
    );
    expect(dangling[0].n).toBe("0");
  });

  it("keeps one row per distinct step and tenant, far fewer than the steps the paths hold", async () => {
    const { rows } = await pool.query<{ referenced: string; distinct_refs: string; dictionary: string }>(
      `SELECT (SELECT count(*) FROM snapshot_records r, jsonb_array_elements(r.data->'paths') p, jsonb_array_elements(p) s
               WHERE r.kind LIKE 'access.%' AND r.kind <> 'access.absent' AND r.kind <> 'access.membership')::text AS referenced,
              (SELECT count(DISTINCT (r.tenant_id, s)) FROM snapshot_records r, jsonb_array_elements(r.data->'paths') p,
                 jsonb_array_elements(p) s WHERE r.kind IN ('access.grant', 'access.escalation'))::text AS distinct_refs,
              (SELECT count(*) FROM path_steps)::text AS dictionary`,
    );
    const { referenced, distinct_refs, dictionary } = rows[0];
    expect(Number(referenced)).toBeGreaterThan(5 * Number(distinct_refs));
    // findings reference steps the access rows do not (their own evidence), never fewer
    expect(Number(dictionary)).toBeGreaterThanOrEqual(Number(distinct_refs));
  });

  it("reads a document stored with its steps inline (before the dictionary) as it is", async () => {
    const inline = {
      principal: { id: "p", kind: "User", displayName: "P" },
      paths: [
        [
          { kind: "principal", id: "p", label: "P" },
          { kind: "roleAssignment", id: "/x", label: "X" },
        ],
      ],
    };
    const finding = { evidence: { summary: "s", objects: [], paths: inline.paths } };
    const { rows } = await pool.query<{ access: unknown; finding: unknown }>(
      `SELECT atlas_record_data('t', 'access.grant', $1::jsonb) AS access,
              atlas_record_data('t', 'finding', $2::jsonb) AS finding`,
      [JSON.stringify(inline), JSON.stringify(finding)],
    );
    expect(rows[0].access).toEqual(inline);
    expect(rows[0].finding).toEqual(finding);
  });

  it("leaves a reference the dictionary does not hold as it is, for the reader's schema to refuse", async () => {
    const { rows } = await pool.query<{ data: { paths: unknown[][] } }>(
      `SELECT atlas_record_data('no-such-tenant', 'access.escalation', '{"paths": [["AAAAAAAAAAAAAAAA"]]}') AS data`,
    );
    expect(rows[0].data.paths).toEqual([["AAAAAAAAAAAAAAAA"]]);
  });
});
