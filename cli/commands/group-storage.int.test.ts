import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { demoHistory } from "@/lib/emulator/demo/demo-history";
import { loadDemoTenant } from "@/lib/emulator/demo/index";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { mutateTenant } from "@/lib/emulator/generate/mutate-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";
import { runScan } from "@/lib/scan/run-scan";
import { SMALL_GENERATED_TENANT } from "@/tests/helpers/generated-tenant";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

// Issue 15, acceptance of group-level storage: every `aks-atlas access|findings|who-can|paths|drift --json`
// answer is the same whether access reached through a group is stored once per member (the layout of
// earlier versions, `groupStorage: false`) or once on the group with its memberships, expanded on read
// (docs/scanner.md, "Group-level storage"). Three databases scan the same history of the demo tenant and
// of a generated tenant (mutated, then a user added to a group): every member's rows, group-level
// storage, and a switch from the one to the other half-way (an upgrade over existing data: drift across
// the two layouts must report only real changes).
//
// The layout of earlier versions also stored paths' steps inline; since the step dictionary (docs/scanner.md,
// "Path steps stored once") they are stored once and referenced. The per-member layout here is the old one
// in both respects (`stepDictionary: false`), so the same comparison covers the step dictionary, and the
// switched database holds both kinds of rows at once.

type Layout = "per-member" | "by-group" | "switched";
const LAYOUTS: Layout[] = ["per-member", "by-group", "switched"];

/**
 * One tenant's history: tenant files scanned oldest first; `principals` are asked about (who-can, paths),
 * `joined` is a membership the last state adds.
 */
type History = {
  tenantId: string;
  states: TenantFile[];
  principals: string[];
  joined?: { groupId: string; memberId: string };
};

const principalIds = (tenant: TenantFile) =>
  tenant.principals
    .filter((p) => p.type === "User" || p.type === "Group" || p.type === "ServicePrincipal")
    .map((p) => p.id.toLowerCase())
    .sort();

async function generatedHistory(dir: string): Promise<History> {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  await generateTenant(SMALL_GENERATED_TENANT, out);
  out.end();
  const first = path.join(dir, "generated.json");
  await writeFile(first, Buffer.concat(chunks));
  const second = path.join(dir, "mutated.json");
  await mutateTenant(first, { seed: 5, share: 0.05 }, second, path.join(dir, "manifest.json"));
  const states = [
    parseTenantFile(JSON.parse(await readFile(first, "utf8")), "generated"),
    parseTenantFile(JSON.parse(await readFile(second, "utf8")), "mutated"),
  ];
  // A user joins the group whose members reach the most: one membership, many grants.
  const third = structuredClone(states[1]);
  const users = third.principals.filter((p) => p.type === "User");
  const groups = third.principals.flatMap((p) => (p.type === "Group" && p.members.length > 0 ? [p] : []));
  const group = groups.sort((a, b) => b.members.length - a.members.length)[0];
  const joiner = users.find((user) => !group.members.includes(user.id));
  if (!joiner) throw new Error("every user is already a member");
  group.members.push(joiner.id);
  states.push(third);
  const joined = { groupId: group.id.toLowerCase(), memberId: joiner.id.toLowerCase() };
  // every third principal (the tenant has 160), the group and the joiner: enough variety, a bounded run
  const principals = principalIds(third).filter(
    (id, index) => index % 3 === 0 || id === joined.groupId || id === joined.memberId,
  );
  return { tenantId: states[0].tenantId.toLowerCase(), states, principals, joined };
}

/** Today's layout, or that of earlier versions: every member's rows, with their steps inline. */
const currentLayout = (current: boolean) => ({ groupStorage: current, stepDictionary: current });

async function scanHistory(url: string, history: History, layout: Layout) {
  const pool = new pg.Pool({ connectionString: url });
  try {
    for (const [index, tenant] of history.states.entries()) {
      const model = modelFromTenantFile(tenant);
      await runScan({
        pool,
        tenant: { id: history.tenantId, displayName: tenant.displayName ?? "tenant", source: "import" },
        trigger: "cli",
        collect: async () => ({ model, errors: [], apiCalls: {}, counts: {} }),
        ...currentLayout(
          layout === "by-group" || (layout === "switched" && index >= history.states.length - 2),
        ),
      });
    }
  } finally {
    await pool.end();
  }
}

/** Runs `aks-atlas` in this process against `url`: fresh modules, so no client or memo of another database. */
async function cliAgainst(url: string) {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  (globalThis as { atlasPrisma?: unknown }).atlasPrisma = undefined;
  // the per-scan memos live on globalThis (lib/queries/scan-memo.ts): both databases have a scan 1
  (globalThis as { atlasScanMemos?: unknown }).atlasScanMemos = undefined;
  process.env.DATABASE_URL = url;
  delete process.env.ATLAS_RESOLVED_DATABASE_URL;
  vi.resetModules();
  const { main } = await import("@/cli/main");
  return async (...args: string[]) => {
    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => {
      out.push(parts.join(" "));
    });
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      process.exitCode = undefined;
      const code = await main(["node", "aks-atlas", ...args]);
      return { code, stdout: out.join("\n") };
    } finally {
      log.mockRestore();
      error.mockRestore();
      process.exitCode = undefined;
    }
  };
}

/** Every answer the CLI gives about `history`, by command line. */
async function answers(url: string, history: History): Promise<Map<string, string>> {
  const cli = await cliAgainst(url);
  const result = new Map<string, string>();
  const ask = async (...args: string[]) => {
    const { code, stdout } = await cli(...args, "--tenant", history.tenantId, "--json");
    result.set(args.join(" "), `exit ${code}\n${stdout}`);
    return stdout;
  };
  const { rows: scans } = await withClient(url, (client) =>
    client.query<{ id: string }>(
      "SELECT id::text FROM scans WHERE tenant_id = $1 AND status <> 'failed' ORDER BY id",
      [history.tenantId],
    ),
  );
  const last = history.states.at(-1) as TenantFile;
  const principals = history.principals;
  // the tenant file's Kubernetes data is keyed by cluster id
  const clusters = Object.keys(last.clusters).sort();
  for (const { id: scan } of scans) {
    await ask("findings", "--scan", scan);
    for (const cluster of clusters) await ask("access", "--cluster", cluster, "--scan", scan);
  }
  const latest = scans.at(-1)?.id ?? "";
  for (const id of principals) {
    await ask("who-can", "--principal", id, "--scan", latest);
    await ask("paths", "--from", id, "--scan", latest);
  }
  for (let i = 1; i < scans.length; i++) {
    for (let j = 0; j < i; j++) await ask("drift", "--from", scans[j].id, "--to", scans[i].id);
    await ask("drift", "--from", scans[i - 1].id, "--to", scans[i].id, "--cluster", clusters[0]);
  }
  return result;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function accessRows(url: string, tenantId: string) {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ kind: string; rows: number; current: number }>(
      `SELECT kind, count(*)::int AS rows, count(*) FILTER (WHERE valid_to_scan IS NULL)::int AS current
       FROM snapshot_records WHERE tenant_id = $1 AND kind LIKE 'access.%' GROUP BY kind ORDER BY kind`,
      [tenantId],
    );
    return Object.fromEntries(rows.map((row) => [row.kind, { rows: row.rows, current: row.current }]));
  });
}

describe("group-level storage answers exactly what per-member storage answers", () => {
  const databases = new Map<Layout, TestDatabase>();
  const histories: History[] = [];
  let dir: string;
  const saved = process.env.DATABASE_URL;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "group-storage-"));
    const demo = await loadDemoTenant();
    histories.push({
      tenantId: demo.tenantId.toLowerCase(),
      states: [...demoHistory(demo).map((state) => state.tenant), demo],
      principals: principalIds(demo),
    });
    histories.push(await generatedHistory(dir));
    for (const layout of LAYOUTS) {
      const db = await createTestDatabase();
      databases.set(layout, db);
      for (const history of histories) await scanHistory(db.url, history, layout);
    }
  }, 600_000);

  afterAll(async () => {
    const { closePool } = await import("@/lib/db/pool");
    await closePool();
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    for (const db of databases.values()) await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  for (const [index, name] of ["demo", "generated"].entries()) {
    it(`every access, findings, who-can, paths and drift answer on the ${name} tenant`, async () => {
      const history = histories[index];
      const expected = await answers(databases.get("per-member")?.url ?? "", history);
      expect(expected.size).toBeGreaterThan(50);
      for (const layout of ["by-group", "switched"] as const) {
        const actual = await answers(databases.get(layout)?.url ?? "", history);
        expect([...actual.keys()]).toEqual([...expected.keys()]);
        const differing = [...expected].filter(([command, answer]) => actual.get(command) !== answer);
        if (differing.length > 0) {
          console.info(
            `${layout}: ${differing.length} answers differ: ${differing.map(([c]) => c).join("; ")}`,
          );
          const [command, answer] = differing[0];
          // the first differing answer in full, so a failure says what differs
          expect({ layout, command, answer: actual.get(command) }).toEqual({ layout, command, answer });
        }
        expect(differing.map(([command]) => command)).toEqual([]);
      }
    }, 600_000);
  }

  it("reports a user joining a group as one drift event, with what the group brings", async () => {
    const history = histories[1];
    const joined = history.joined as { groupId: string; memberId: string };
    for (const layout of ["per-member", "by-group"] as const) {
      const cli = await cliAgainst(databases.get(layout)?.url ?? "");
      const { stdout } = await cli("drift", "--tenant", history.tenantId, "--json");
      const report = JSON.parse(stdout) as {
        events: { kind: string; message: string; subject: { kind: string; key: string }; after: unknown }[];
      };
      // the group, and any group it is nested in (the user joined those too, transitively): one event each
      const membership = report.events.filter((event) => event.subject.kind === "access.membership");
      expect(membership.map((event) => event.subject.key)).toContain(`${joined.groupId}|${joined.memberId}`);
      expect(membership.every((event) => event.subject.key.endsWith(`|${joined.memberId}`))).toBe(true);
      expect(membership.every((event) => event.kind === "access.gained")).toBe(true);
      expect(membership[0].message).toMatch(/^User .+ gained [a-z-]+ on .+ through joining .+/);
      const brings = membership.flatMap(
        (event) => (event.after as { access: { kind: string; key: string }[] }).access,
      );
      expect(brings.length).toBeGreaterThan(1);
      // none of what it brings is an event of its own
      const subjects = new Set(report.events.map((event) => event.subject.key));
      expect(brings.filter((subject) => subjects.has(subject.key))).toEqual([]);
      expect(brings.every((subject) => subject.key.includes(`|${joined.memberId}|`))).toBe(true);
    }
  }, 120_000);

  it("gives an expanded grant the same versions in the object history as a stored one", async () => {
    const history = histories[1];
    const joined = history.joined as { groupId: string; memberId: string };
    const { objectDiff } = await import("@/lib/drift/object-history");
    const { resolveDriftRange } = await import("@/lib/drift/scan-range");
    // an expanded row's hash names the rows it comes from: what is compared is what it says, and when
    const strip = <T extends { contentHash: string }>(version: T | null) =>
      version ? { ...version, contentHash: "" } : version;
    const diffsIn = (layout: Layout, keys: { kind: string; natural_key: string }[]) =>
      withClient(databases.get(layout)?.url ?? "", async (client) => {
        const range = await resolveDriftRange(client, { tenantId: history.tenantId });
        const diffs = [];
        for (const { kind, natural_key } of keys) {
          const diff = await objectDiff(client, range, kind, natural_key);
          diffs.push({
            ...diff,
            before: strip(diff.before),
            after: strip(diff.after),
            history: diff.history.map(strip),
          });
        }
        return diffs;
      });
    // the joiner's rows, as the per-member database stores them (by group, most are expanded, not stored)
    const keys = await withClient(databases.get("per-member")?.url ?? "", async (client) => {
      const { rows } = await client.query<{ kind: string; natural_key: string }>(
        `SELECT DISTINCT kind, natural_key FROM snapshot_records
         WHERE tenant_id = $1 AND kind IN ('access.grant', 'access.escalation')
           AND natural_key LIKE '%|' || $2 || '|%' ORDER BY kind, natural_key LIMIT 8`,
        [history.tenantId, joined.memberId],
      );
      return rows;
    });
    expect(keys.length).toBeGreaterThan(0);
    expect(await diffsIn("by-group", keys)).toEqual(await diffsIn("per-member", keys));
  }, 120_000);

  it("stores fewer access rows on the generated tenant", async () => {
    const { tenantId } = histories[1];
    const perMember = await accessRows(databases.get("per-member")?.url ?? "", tenantId);
    const byGroup = await accessRows(databases.get("by-group")?.url ?? "", tenantId);
    const total = (counts: Record<string, { rows: number }>) =>
      Object.values(counts).reduce((sum, { rows }) => sum + rows, 0);
    console.info(
      `access rows, generated tenant: per member ${JSON.stringify(perMember)} = ${total(perMember)}; by group ${JSON.stringify(byGroup)} = ${total(byGroup)}`,
    );
    expect(byGroup["access.membership"]?.current ?? 0).toBeGreaterThan(0);
    expect(total(byGroup)).toBeLessThan(total(perMember));
  });

  // The comparison above covers the routes listed beside a shortest eligible path only if the tenant has
  // some, on groups too (a group's row expands into its members').
  it("compares routes beside a shortest path, a group's among them, on the generated tenant", async () => {
    const { tenantId } = histories[1];
    const beside = await withClient(databases.get("by-group")?.url ?? "", async (client) => {
      const { rows } = await client.query<{ all: number; groups: number }>(
        `SELECT count(*)::int AS all, count(*) FILTER (WHERE data->'principal'->>'kind' = 'Group')::int AS groups
         FROM snapshot_records WHERE tenant_id = $1 AND kind = 'access.escalation'
           AND natural_key LIKE '%|cluster-admin|alternative|attack-path'`,
        [tenantId],
      );
      return rows[0];
    });
    expect(beside.all).toBeGreaterThan(0);
    expect(beside.groups).toBeGreaterThan(0);
  });
});
