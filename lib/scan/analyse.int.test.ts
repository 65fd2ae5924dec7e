import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { evaluateTenantAccess } from "@/lib/access/evaluate-tenant";
import { accessToRecords } from "@/lib/access/records";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { evaluateFindings } from "@/lib/findings/evaluate-findings";
import { findingsToRecords } from "@/lib/findings/records";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { contentHash, modelToRecords } from "@/lib/model/records";
import type { TenantModel } from "@/lib/model/tenant-model";
import {
  accessLevelRankSql,
  accessLevelSql,
  accessPrincipalSql,
  accessRouteSql,
} from "@/lib/queries/access-keys";
import {
  type ExpandedAccessFilter,
  expandedAccessSql,
  expandedClusterPairsSql,
  visitExpandedRows,
} from "@/lib/queries/expanded-access";
import { asOfCondition, modelAsOfInTransaction } from "@/lib/queries/snapshot";
import { generatedTenantFile, SMALL_GENERATED_TENANT } from "@/tests/helpers/generated-tenant";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { analyseAndStore } from "./analyse";
import { storeRecords } from "./store";

// The scan stores access a batch of clusters at a time (so a large tenant never sits in memory whole). Batching
// must not change what is stored: the rows must be those of the whole-tenant evaluation, a re-run must write
// nothing, and a cluster that is gone must have its access closed.

let db: TestDatabase;
let pool: pg.Pool;
let model: TenantModel;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url });
  // the app's queries (visitExpandedRows) read this database too
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
  model = modelFromTenantFile(await loadDemoTenant());
});
afterAll(async () => {
  await prisma().$disconnect();
  await pool.end();
  await db.drop();
});

/** A Prisma.sql statement's rows through the test's pool (bigint parameters as text, as pg takes them). */
async function rowsOf<Row extends pg.QueryResultRow>(statement: Prisma.Sql): Promise<Row[]> {
  const values = statement.values.map((value) => (typeof value === "bigint" ? value.toString() : value));
  return (await pool.query<Row>(statement.text, values)).rows;
}

describe("analyseAndStore", () => {
  const newScan = async (tenantId: string) => {
    await pool.query(
      `INSERT INTO tenants (id, display_name, source, updated_at) VALUES ($1, $1, 'import', now())
       ON CONFLICT (id) DO NOTHING`,
      [tenantId],
    );
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO scans (tenant_id, status, trigger, phase, product_version)
       VALUES ($1, 'running', 'cli', 'analyse', 'test') RETURNING id`,
      [tenantId],
    );
    return BigInt(rows[0].id);
  };
  const analyse = async (
    tenantId: string,
    scanModel: TenantModel,
    batchRecords: number,
    groupStorage = false,
  ) => {
    const scanId = await newScan(tenantId);
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const outcome = await analyseAndStore(client, {
        tenantId,
        scanId,
        model: scanModel,
        batchRecords,
        groupStorage,
      });
      await client.query("COMMIT");
      return { ...outcome, scanId };
    } finally {
      client.release();
    }
  };
  // the generated tenant with group-level storage, analysed once for the tests that read it (~45 s)
  let generatedScanDone: ReturnType<typeof analyseGenerated> | undefined;
  const analyseGenerated = async () => {
    const generated = modelFromTenantFile(await generatedTenantFile(SMALL_GENERATED_TENANT));
    const tenantId = "generated";
    return { generated, tenantId, ...(await analyse(tenantId, generated, 1, true)) };
  };
  const generatedScan = () => {
    generatedScanDone ??= analyseGenerated();
    return generatedScanDone;
  };
  const currentRows = async (tenantId: string) => {
    const { rows } = await pool.query<{ kind: string; natural_key: string; content_hash: string }>(
      `SELECT kind, natural_key, content_hash FROM snapshot_records
       WHERE tenant_id = $1 AND valid_to_scan IS NULL ORDER BY kind, natural_key`,
      [tenantId],
    );
    return rows.map((r) => `${r.kind} ${r.natural_key} ${r.content_hash}`);
  };

  it("stores, one cluster per batch, exactly the records of the whole-tenant evaluation", async () => {
    const index = buildAccessIndex(model);
    const access = evaluateTenantAccess(model, index);
    const expected = [
      ...accessToRecords(access),
      ...findingsToRecords(evaluateFindings(model, access, { index })),
    ]
      .map((r) => `${r.kind} ${r.naturalKey} ${contentHash(r.data)}`)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

    const batched = await analyse("batched", model, 1);
    const whole = await analyse("whole", model, Number.POSITIVE_INFINITY);
    expect(batched.inserted).toBe(expected.length);
    expect(whole.inserted).toBe(expected.length);
    const stored = await currentRows("batched");
    expect(stored.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(expected);
    expect(await currentRows("whole")).toEqual(stored);
  });

  // Group-level storage (lib/access/group-storage.ts) stores fewer rows; what the readers expand from them
  // (lib/queries/expanded-access.ts) must be exactly the engine's records, batched or not.
  it("stores, with group-level storage, rows that expand to exactly the records of the whole-tenant evaluation", async () => {
    const index = buildAccessIndex(model);
    const expected = accessToRecords(evaluateTenantAccess(model, index))
      .map((r) => `${r.kind} ${r.naturalKey} ${contentHash(r.data)}`)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [tenantId, batchRecords] of [
      ["grouped-batched", 1],
      ["grouped-whole", Number.POSITIVE_INFINITY],
    ] as const) {
      const outcome = await analyse(tenantId, model, batchRecords, true);
      expect(outcome.groupStorage.expandedRows).toBeGreaterThan(0);
      expect(outcome.groupStorage.memberships).toBeGreaterThan(0);
      const statement = Prisma.sql`SELECT kind, natural_key, atlas_record_data(tenant_id, kind, data) AS data FROM ${expandedAccessSql(
        {
          tenantId,
          scanId: outcome.scanId,
        },
      )} e`;
      const rows = await rowsOf<{ kind: string; natural_key: string; data: unknown }>(statement);
      const read = rows
        .map((r) => `${r.kind} ${r.natural_key} ${contentHash(r.data)}`)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(read).toEqual(expected);
      const { rows: stored } = await pool.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM snapshot_records
         WHERE tenant_id = $1 AND kind IN ('access.grant', 'access.escalation')`,
        [tenantId],
      );
      expect(Number(stored[0].n)).toBe(expected.length - outcome.groupStorage.expandedRows);
    }
  });

  // A member's attack path that several of its groups' rows expand to is left out when the preferred one
  // (fewest hops, then lower group id: lib/access/group-storage.ts) reproduces it; every way of reading the
  // access — all of it, a cluster's, a principal's by key range, by natural key — must take that one only.
  it("reads members' attack paths several groups expand to from the preferred group's row, however read", async () => {
    const { generated, tenantId, ...outcome } = await generatedScan();
    const expected = new Map(
      accessToRecords(evaluateTenantAccess(generated, buildAccessIndex(generated))).map((r) => [
        `${r.kind} ${r.naturalKey}`,
        contentHash(r.data),
      ]),
    );
    expect(outcome.groupStorage.preferredRows).toBeGreaterThan(0);
    const read = async (filter: Omit<ExpandedAccessFilter, "tenantId" | "scanId">) => {
      const statement = Prisma.sql`SELECT kind, natural_key, atlas_record_data(tenant_id, kind, data) AS data,
          expanded FROM ${expandedAccessSql({ tenantId, scanId: outcome.scanId, ...filter })} e`;
      return rowsOf<{ kind: string; natural_key: string; data: unknown; expanded: boolean }>(statement);
    };
    const all = await read({});
    const keyOf = (row: { kind: string; natural_key: string }) => `${row.kind} ${row.natural_key}`;
    expect(new Set(all.map(keyOf)).size).toBe(all.length);
    expect(new Map(all.map((row) => [keyOf(row), contentHash(row.data)]))).toEqual(expected);
    // members whose attack paths are read from one of several group rows: a few, each read every other way
    const { rows: stored } = await pool.query<{ natural_key: string }>(
      `SELECT natural_key FROM snapshot_records WHERE tenant_id = $1 AND kind = 'access.escalation'`,
      [tenantId],
    );
    const storedKeys = new Set(stored.map((row) => row.natural_key));
    const expandedAttackPaths = all.filter(
      (row) => row.expanded && row.natural_key.endsWith("|attack-path") && !storedKeys.has(row.natural_key),
    );
    expect(expandedAttackPaths.length).toBeGreaterThan(0);
    const members = [...new Set(expandedAttackPaths.map((row) => row.natural_key.split("|")[1]))].slice(0, 5);
    const asMap = (rows: Awaited<ReturnType<typeof read>>) =>
      new Map(rows.map((row) => [keyOf(row), contentHash(row.data)]));
    const wanted = (rows: Awaited<ReturnType<typeof read>>, keep: (row: (typeof rows)[number]) => boolean) =>
      asMap(rows.filter(keep));
    for (const member of members) {
      const ofMember = (row: { natural_key: string }) => row.natural_key.split("|")[1] === member;
      expect(asMap(await read({ principalId: member }))).toEqual(wanted(all, ofMember));
      // by key range, over the (group, cluster) pairs holding group rows (the principal page's groupClustersOf;
      // this test stores no cluster records for the range reader to list the tenant's clusters from)
      const { rows: groupClusters } = await pool.query<{ groupId: string; clusterId: string }>(
        `SELECT DISTINCT split_part(m.natural_key, '|', 1) AS "groupId", r.cluster_id AS "clusterId"
         FROM snapshot_records m JOIN snapshot_records r ON r.tenant_id = m.tenant_id
           AND r.kind IN ('access.grant', 'access.escalation')
           AND starts_with(r.natural_key, r.cluster_id || '|' || split_part(m.natural_key, '|', 1) || '|')
         WHERE m.tenant_id = $1 AND m.kind = 'access.membership' AND split_part(m.natural_key, '|', 2) = $2`,
        [tenantId, member],
      );
      expect(asMap(await read({ principalId: member, keyRanges: true, groupClusters }))).toEqual(
        wanted(all, ofMember),
      );
      const keys = all.filter(ofMember).map((row) => row.natural_key);
      expect(asMap(await read({ naturalKeys: keys }))).toEqual(wanted(all, ofMember));
    }
    const clusterId = expandedAttackPaths[0].natural_key.split("|")[0];
    const ofCluster = (row: { natural_key: string }) => row.natural_key.split("|")[0] === clusterId;
    expect(asMap(await read({ clusterIds: [clusterId] }))).toEqual(wanted(all, ofCluster));
    expect(asMap(await read({ clusterIds: [clusterId], kinds: ["access.escalation"] }))).toEqual(
      wanted(all, (row) => ofCluster(row) && row.kind === "access.escalation"),
    );
  }, 120_000);

  it("gives, counted per group, exactly the (principal, cluster) pairs and levels of every expanded row", async () => {
    // expandedClusterPairsSql (the principals list's counts) must agree with the expansion it stands for,
    // absent markers and members' own stored rows included. Two rows the scan did not write are then added: a
    // marker that removes a member's pair, and a member's own eligible row of a key its group gives standing
    const { tenantId, scanId } = await generatedScan();
    type Pair = {
      principal_id: string;
      cluster_id: string;
      standing_rank: number | null;
      eligible_rank: number | null;
    };
    const text = (rows: Pair[]) =>
      rows
        .map((row) => `${row.principal_id} ${row.cluster_id} ${row.standing_rank} ${row.eligible_rank}`)
        .sort();
    const pairs = async (kind: "access.grant" | "access.escalation", level?: string) => {
      const grants = kind === "access.grant";
      const eligible = Prisma.sql`coalesce((e.attrs->>'eligible')::boolean, false)`;
      const perRow = await rowsOf<Pair & { derived: boolean }>(Prisma.sql`
        SELECT ${accessPrincipalSql("e")} AS principal_id, e.cluster_id, bool_and(e.expanded) AS derived,
               ${grants ? Prisma.sql`max(${accessLevelRankSql("e")}) FILTER (WHERE NOT ${eligible})` : Prisma.sql`NULL::int`} AS standing_rank,
               ${grants ? Prisma.sql`max(${accessLevelRankSql("e")}) FILTER (WHERE ${eligible})` : Prisma.sql`NULL::int`} AS eligible_rank
        FROM ${expandedAccessSql({ tenantId, scanId, kinds: [kind] })} e
        ${level ? Prisma.sql`WHERE ${accessLevelSql("e")} = ${level}` : Prisma.empty} GROUP BY 1, 2`);
      const perGroup = await rowsOf<Pair>(Prisma.sql`
        SELECT principal_id, cluster_id, standing_rank, eligible_rank
        FROM ${expandedClusterPairsSql({ tenantId, scanId, kind, level })} p`);
      return { perRow, expected: text(perRow), actual: text(perGroup) };
    };
    const insert = (kind: string, naturalKey: string, clusterId: string, data: object) =>
      pool.query(
        `INSERT INTO snapshot_records (tenant_id, kind, natural_key, source, cluster_id, content_hash, data, valid_from_scan)
         VALUES ($1, $2, $3, 'analysis', $4, 'test', $5, $6)`,
        [tenantId, kind, naturalKey, clusterId, JSON.stringify(data), scanId.toString()],
      );
    const [markers] = await rowsOf<{ n: string }>(
      Prisma.sql`SELECT count(*) AS n FROM snapshot_records WHERE tenant_id = ${tenantId} AND kind = 'access.absent'`,
    );
    expect(Number(markers.n)).toBeGreaterThan(0);
    // every row, and a level's (the clusters table's and the trend's cluster-admin holders)
    for (const [kind, level] of [
      ["access.grant", undefined],
      ["access.escalation", undefined],
      ["access.grant", "cluster-admin"],
      ["access.escalation", "cluster-admin"],
    ] as const) {
      const { perRow, expected, actual } = await pairs(kind, level);
      expect(perRow.filter((row) => row.derived).length).toBeGreaterThan(0);
      expect(actual).toEqual(expected);
    }
    // a member's pair reached only through groups, by one derived row, and what is derived there
    const onlyDerived = async (kind: "access.grant" | "access.escalation", standing = false) => {
      for (const pair of (await pairs(kind)).perRow.filter(
        (row) => row.derived && (!standing || row.standing_rank !== null),
      )) {
        const keys = await rowsOf<{ natural_key: string }>(Prisma.sql`
          SELECT e.natural_key FROM ${expandedAccessSql({ tenantId, scanId, kinds: [kind], clusterIds: [pair.cluster_id], principalId: pair.principal_id })} e`);
        if (keys.length === 1) return { pair, key: keys[0].natural_key };
      }
      throw new Error(`no pair of one derived ${kind} row`);
    };
    // a marker naming the one key derived there removes the pair
    const marked = await onlyDerived("access.escalation");
    await insert("access.absent", `access.escalation|${marked.key}`, marked.pair.cluster_id, {
      kind: "access.escalation",
      naturalKey: marked.key,
    });
    const afterMarker = await pairs("access.escalation");
    expect(
      afterMarker.perRow.some(
        (row) => row.principal_id === marked.pair.principal_id && row.cluster_id === marked.pair.cluster_id,
      ),
    ).toBe(false);
    expect(afterMarker.actual).toEqual(afterMarker.expected);
    // the member's own row of the derived key, eligible, replaces the group's standing one: the level moves
    const shadowed = await onlyDerived("access.grant", true);
    await insert("access.grant", shadowed.key, shadowed.pair.cluster_id, { eligible: true });
    const afterShadow = await pairs("access.grant");
    const now = afterShadow.perRow.find(
      (row) => row.principal_id === shadowed.pair.principal_id && row.cluster_id === shadowed.pair.cluster_id,
    );
    expect([now?.standing_rank, now?.eligible_rank]).toEqual([null, shadowed.pair.standing_rank]);
    expect(afterShadow.actual).toEqual(afterShadow.expected);
  });

  it("expands group rows in memory to exactly the rows the reader gives, markers and shadows included", async () => {
    // visitExpandedRows ("who can be cluster-admin") against expandedAccessSql, on the generated tenant as the
    // test above left it (with its added marker and its member's own row of a derived key)
    const { tenantId, scanId } = await generatedScan();
    const fields = (alias: string) =>
      Prisma.sql`${accessPrincipalSql(alias)} AS "principalId", ${accessLevelSql(alias)} AS level,
        ${accessRouteSql(alias)} AS route, split_part(${Prisma.raw(alias)}.natural_key, '|', -2) AS namespace`;
    type Fields = {
      kind: string;
      clusterId: string;
      principalId: string;
      level: string;
      route: string;
      namespace: string;
    };
    const text = (kind: string, principalId: string, row: Omit<Fields, "kind" | "principalId">) =>
      `${kind} ${principalId} ${row.clusterId} ${row.level} ${row.namespace} ${row.route}`;
    const expanded = await rowsOf<Fields>(Prisma.sql`
      SELECT e.kind, e.cluster_id AS "clusterId", ${fields("e")} FROM ${expandedAccessSql({ tenantId, scanId })} e`);
    const stored = await rowsOf<Fields & { naturalKey: string }>(Prisma.sql`
      SELECT s.kind, s.cluster_id AS "clusterId", s.natural_key AS "naturalKey", ${fields("s")}
      FROM snapshot_records s
      WHERE s.tenant_id = ${tenantId} AND s.kind IN ('access.grant', 'access.escalation') AND ${asOfCondition(scanId, "s")}`);
    const visited = new Set<string>();
    await visitExpandedRows({ tenantId, scanId }, stored, (principalId, row) =>
      visited.add(text(row.kind, principalId, row)),
    );
    const expected = new Set(expanded.map((row) => text(row.kind, row.principalId, row)));
    expect(
      expanded.some(
        (row) => !stored.some((s) => s.principalId === row.principalId && s.clusterId === row.clusterId),
      ),
    ).toBe(true);
    expect([...visited].sort()).toEqual([...expected].sort());
  });

  it("writes nothing when run again on the same state", async () => {
    const again = await analyse("batched", model, 1);
    expect([again.inserted, again.closed]).toEqual([0, 0]);
  });

  it("closes the access and findings of a cluster that is gone, and only those", async () => {
    const gone = model.clusters[0];
    const before = await currentRows("batched");
    const outcome = await analyse("batched", { ...model, clusters: model.clusters.slice(1) }, 1);
    const { rows } = await pool.query<{ open: string }>(
      `SELECT count(*) AS open FROM snapshot_records
       WHERE tenant_id = 'batched' AND cluster_id = $1 AND valid_to_scan IS NULL`,
      [gone.id],
    );
    expect(Number(rows[0].open)).toBe(0);
    expect(outcome.closed).toBeGreaterThan(0);
    const after = await currentRows("batched");
    // A row of another cluster may change only because its old version went through the gone cluster:
    // attack paths cross clusters (a pod on one cluster acts as an identity with power over another), so
    // a finding elsewhere can lose a path. Anything else open now was open before.
    const changed = after.filter((row) => !before.includes(row));
    for (const row of changed) {
      const [kind, naturalKey] = row.split(" ");
      const { rows: previous } = await pool.query<{ data: unknown }>(
        `SELECT atlas_record_data(tenant_id, kind, data) AS data FROM snapshot_records
         WHERE tenant_id = 'batched' AND kind = $1 AND natural_key = $2
           AND valid_to_scan IS NOT NULL ORDER BY valid_to_scan DESC LIMIT 1`,
        [kind, naturalKey],
      );
      expect(JSON.stringify(previous[0]?.data ?? null).toLowerCase(), row).toContain(gone.id.toLowerCase());
    }
    expect(before.length - after.length).toBe(outcome.closed - outcome.inserted);
  });

  // A store PostgreSQL refuses (here a COPY naming a column that does not exist) must fail the analysis, so
  // the scan's transaction rolls back rather than committing a partial state; before lib/db/copy.ts raced its
  // waits with the COPY's error, this waited forever for a "drain" that never came.
  it("fails, and leaves nothing, when PostgreSQL refuses a batch's store", async () => {
    const tenantId = "store-fails";
    const scanId = await newScan(tenantId);
    const client = await pool.connect();
    let copies = 0;
    // The second COPY into snapshot_records names a column that does not exist: PostgreSQL refuses it.
    const failingSecondCopy = new Proxy(client, {
      get(target, property, receiver) {
        if (property !== "query") return Reflect.get(target, property, receiver);
        return (...args: unknown[]) => {
          const submitted = args[0] as { text?: unknown };
          if (typeof submitted?.text === "string" && submitted.text.startsWith("COPY snapshot_records")) {
            copies++;
            if (copies === 2) submitted.text = "COPY snapshot_records (no_such_column) FROM STDIN";
          }
          return Reflect.apply(target.query, target, args);
        };
      },
    });
    try {
      await client.query("BEGIN");
      await expect(
        analyseAndStore(failingSecondCopy, { tenantId, scanId, model, batchRecords: 1 }),
      ).rejects.toThrow(/no_such_column/);
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect(copies).toBeGreaterThanOrEqual(2);
    expect(await currentRows(tenantId)).toEqual([]);
  });
});

describe("modelAsOfInTransaction", () => {
  it("reads the same model whatever order its rows were stored in", async () => {
    const records = modelToRecords(model);
    const read = async (tenantId: string, ordered: typeof records) => {
      await pool.query(
        `INSERT INTO tenants (id, display_name, source, updated_at) VALUES ($1, $1, 'import', now())`,
        [tenantId],
      );
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO scans (tenant_id, status, trigger, phase, product_version)
         VALUES ($1, 'running', 'cli', 'store', 'test') RETURNING id`,
        [tenantId],
      );
      const scanId = BigInt(rows[0].id);
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await storeRecords(client, {
          tenantId,
          scanId,
          records: ordered,
          closableSources: [],
          kinds: "inventory",
        });
        const stored = await modelAsOfInTransaction(client, tenantId, scanId, model.coverage);
        await client.query("ROLLBACK");
        return JSON.stringify({ ...stored, tenantId: "" });
      } finally {
        client.release();
      }
    };
    expect(await read("reversed", [...records].reverse())).toBe(await read("forward", records));
  });
});
