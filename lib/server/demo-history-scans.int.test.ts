import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/prisma";
import { computeDrift } from "@/lib/drift/compute-drift";
import { resolveDriftRange } from "@/lib/drift/scan-range";
import { demoTenantPath, loadDemoTenant } from "@/lib/emulator/demo";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { getPostureTrend } from "@/lib/queries/get-posture-trend";
import { resolveScanScope } from "@/lib/queries/scan-scope";
import { emulatedTenantSource } from "@/lib/scan/emulated-tenant";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { scanDemoHistory } from "./demo-history-scans";

// The demo's first start, as lib/server/background.ts runs it: the back-dated history scanned through the
// emulator and the real SDK path, then the current state ("startup"). Expectations are the article's
// timeline (/work/shared/seed/aks-identity-management-article.txt): Penny's Contributor gives her the
// local admin credential of aks-1..aks-3 while their local accounts are on; disabling them on aks-3 takes
// that route away there.

let db: TestDatabase;
let dataDir: string;
let pool: pg.Pool;
let demo: TenantFile;
const now = new Date();
const DAY = 86_400_000;

type ScanRow = { id: string; trigger: string; status: string; started_at: Date; finished_at: Date };

async function scans(): Promise<ScanRow[]> {
  const { rows } = await pool.query<ScanRow>(
    "SELECT id::text, trigger, status, started_at, finished_at FROM scans ORDER BY id",
  );
  return rows;
}

async function eventsOf(to: string) {
  const range = await resolveDriftRange(pool, { to: BigInt(to) });
  return (await computeDrift(pool, range)).events.map((event) => event.message);
}

const input = () => ({
  pool,
  current: demo,
  tenantFile: demoTenantPath,
  displayName: "Contoso (demo)",
  dataDir: dataDir,
  now,
});

describe("the demo's history", () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), "atlas-demo-history-"));
    pool = new pg.Pool({ connectionString: db.url });
    process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
    demo = await loadDemoTenant();
    const history = await scanDemoHistory(input());
    expect(history).toHaveLength(4);
    // then the startup scan of the current state, dated now
    const { source, emulator } = await emulatedTenantSource({
      tenant: demo,
      tenantFile: demoTenantPath,
      dataDir: dataDir,
      displayName: "Contoso (demo)",
    });
    try {
      await runScan({ pool, tenant: source.tenant, trigger: "startup", collect: source.collect });
    } finally {
      await emulator.close();
    }
  }, 600_000);

  afterAll(async () => {
    await pool?.end();
    await prisma().$disconnect();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("is four weekly scans labelled demo-history, dated in the past and in order, before the current one", async () => {
    const rows = await scans();
    expect(rows.map((row) => row.trigger)).toEqual([
      "demo-history",
      "demo-history",
      "demo-history",
      "demo-history",
      "startup",
    ]);
    // aks-data is a private cluster the scanner cannot reach: every scan is partial, none failed.
    for (const row of rows) expect(["succeeded", "partial"]).toContain(row.status);
    const history = rows.slice(0, 4);
    expect(history.map((row) => Math.round((now.getTime() - row.started_at.getTime()) / DAY))).toEqual([
      28, 21, 14, 7,
    ]);
    for (const row of history) {
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.finished_at.getTime()).toBeLessThan(now.getTime() - 6 * DAY);
    }
    expect(rows[4].started_at.getTime()).toBeGreaterThanOrEqual(now.getTime() - 1000);
  });

  it("shows the article's changes as drift events, one step at a time", async () => {
    const [, penny, aks3, leonard, federated] = (await scans()).map((row) => row.id);
    // messages name the principal with its kind: "User Penny gained cluster-admin on aks-1 through …"
    const pennyEvents = (await eventsOf(penny)).filter((message) => message.includes("Penny"));
    for (const cluster of ["aks-1", "aks-2", "aks-3"])
      expect(pennyEvents, pennyEvents.join("\n")).toContainEqual(
        expect.stringMatching(
          new RegExp(`\\bPenny gained cluster-admin on ${cluster} through local-admin-credential$`),
        ),
      );

    const aks3Events = await eventsOf(aks3);
    expect(aks3Events, aks3Events.join("\n")).toContainEqual(
      expect.stringMatching(/\bPenny lost cluster-admin on aks-3 through local-admin-credential$/),
    );
    // she keeps the user kubeconfig there (credentials-only again), and nothing stronger
    expect(aks3Events.some((message) => /\bPenny gained cluster-admin/.test(message))).toBe(false);

    const leonardEvents = await eventsOf(leonard);
    expect(
      leonardEvents.some((m) => /\bLeonard Hofstadter gained admin in namespace default on aks-1/.test(m)),
    ).toBe(true);

    const federatedEvents = await eventsOf(federated);
    expect(federatedEvents, federatedEvents.join("\n")).toContainEqual(
      expect.stringMatching(/release-bot|id-release-automation/),
    );
  });

  it("gives the posture trend a point per scan, and the points differ", async () => {
    const scope = await resolveScanScope(null);
    if (!scope) throw new Error("no completed scan");
    const trend = await getPostureTrend(scope);
    expect(trend.length).toBeGreaterThanOrEqual(3);
    expect(trend).toHaveLength(5);
    // The story changes failing findings (aks-3's local accounts) more than the number of cluster-admins:
    // every account of the tenant is cluster-admin on aks-dev-1 in every state (`everyone-is-admin`),
    // Penny before her Contributor too.
    expect(
      new Set(trend.map((point) => JSON.stringify([point.clusterAdmins, point.failing]))).size,
    ).toBeGreaterThan(1);
    expect(trend.map((point) => point.startedAt)).toEqual([...trend.map((p) => p.startedAt)].sort());
  });

  it("freezes two reports of the past, so the second shows changes since the first", async () => {
    const { rows } = await pool.query<{ id: string; scan_id: string; created_at: Date; content: string }>(
      "SELECT id::text, scan_id::text, created_at, content FROM reports ORDER BY id",
    );
    const [first, , third] = (await scans()).map((row) => row.id);
    expect(rows.map((row) => row.scan_id)).toEqual([first, third]);
    expect(Math.round((now.getTime() - rows[0].created_at.getTime()) / DAY)).toBe(28);
    const drift = JSON.parse(rows[1].content).drift as {
      previousReport: { id: string } | null;
      clusterAdmins: { gained: { principal: { displayName: string }; cluster: { name: string } }[] };
    };
    expect(drift.previousReport?.id).toBe(rows[0].id);
    expect(
      drift.clusterAdmins.gained.map((admin) => `${admin.principal.displayName} on ${admin.cluster.name}`),
    ).toEqual(expect.arrayContaining(["Penny on aks-1", "Penny on aks-2"]));
  });

  it("is added once: a second start on the same data adds no history", async () => {
    const before = (await scans()).length;
    expect(await scanDemoHistory(input())).toBeNull();
    expect((await scans()).length).toBe(before);
  });
});
