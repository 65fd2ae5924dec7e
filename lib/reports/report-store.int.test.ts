import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { withLocalAccountsDisabled } from "@/lib/reports/fixtures/tenant-variants";
import { ReportInputError, ReportNotFoundError } from "@/lib/reports/report-errors";
import { reportContentSchema } from "@/lib/reports/report-schema";
import {
  createReport,
  getReport,
  getReportContentText,
  listReports,
  loadReportContent,
} from "@/lib/reports/report-store";
import { runScan, type ScanTenantInfo } from "@/lib/scan/run-scan";
import type { CollectFunction } from "@/lib/scan/scan-types";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

function collectFrom(tenant: TenantFile): CollectFunction {
  return async (onProgress) => {
    const model = modelFromTenantFile(tenant);
    onProgress({ done: 1, total: 1 });
    return { model, errors: [], apiCalls: { arm: 0 }, counts: { cluster: model.clusters.length } };
  };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("report store and share links", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let demo: TenantFile;
  let tenant: ScanTenantInfo;
  let firstScan: bigint;

  beforeAll(async () => {
    db = await createTestDatabase();
    // lib/db/prisma reads this on first use: the store under test talks to this test's own database.
    process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
    pool = new pg.Pool({ connectionString: db.url });
    demo = await loadDemoTenant();
    tenant = { id: demo.tenantId, displayName: "Contoso", source: "import" };
    firstScan = (await runScan({ pool, tenant, trigger: "cli", collect: collectFrom(demo) })).scanId;
  });
  afterAll(async () => {
    // Close every connection to the test database before it is dropped (a killed idle client errors).
    await prisma().$disconnect();
    await closePool();
    await pool.end();
    await db.drop();
  });

  it("freezes a report: its bytes stay the same after a new scan changes the tenant", async () => {
    const report = await createReport({ scanId: firstScan.toString(), title: "Before the fix" });
    const before = await getReportContentText(BigInt(report.id));
    expect(before).not.toBeNull();
    expect(report.contentHash).toBe(sha256(before ?? ""));
    const content = reportContentSchema.parse(JSON.parse(before ?? ""));
    expect(content.scan.id).toBe(firstScan.toString());
    expect(content.report.id).toBe(report.id);

    const fixed = await runScan({
      pool,
      tenant,
      trigger: "cli",
      collect: collectFrom(withLocalAccountsDisabled(demo, "aks-1")),
    });
    expect(fixed.rowsInserted + fixed.rowsClosed).toBeGreaterThan(0);

    expect(await getReportContentText(BigInt(report.id))).toBe(before);
    expect((await getReport(BigInt(report.id)))?.contentHash).toBe(report.contentHash);
    // A report made now, of the same scope, does see the change: the freeze is the report's, not the data's.
    const after = await createReport({ title: "After the fix" });
    expect(after.scanId).toBe(fixed.scanId.toString());
    expect(after.contentHash).not.toBe(report.contentHash);
  });

  it("refuses to change a stored report's content, even through SQL", async () => {
    const [report] = await listReports({ limit: 1 });
    await expect(pool.query(`UPDATE reports SET content = '{}' WHERE id = $1`, [report.id])).rejects.toThrow(
      /frozen/,
    );
  });

  it("fills the drift section from the previous report of the same scope only", async () => {
    const reports = await listReports();
    const [latest, previous] = reports;
    const { content } = await loadReportContent(BigInt(latest.id));
    expect(content.drift.previousReport?.id).toBe(previous.id);
    expect(
      content.drift.findings.resolved.some(
        (f) => f.ruleId === "local-accounts-enabled" && f.cluster.name === "aks-1",
      ),
    ).toBe(true);
    expect(content.drift.clusterAdmins.lost.some((a) => a.principal.displayName === "Penny")).toBe(true);
    // lib/drift's events between the two reports' scans: the fix itself and what it resolved.
    const events = content.drift.scanEvents;
    expect(events?.fromScan).toBe(firstScan.toString());
    expect(events?.toScan).toBe(latest.scanId);
    expect(events?.events.some((e) => e.kind === "finding.resolved" && e.cluster?.name === "aks-1")).toBe(
      true,
    );
    expect(events?.events.some((e) => e.kind === "access.lost" && e.message.includes("Penny"))).toBe(true);
    expect(events?.total).toBe(events?.events.length);

    const scoped = await createReport({ scope: { clusters: ["aks-1"] } });
    const scopedContent = (await loadReportContent(BigInt(scoped.id))).content;
    expect(scopedContent.drift.previousReport).toBeNull();
    expect(scopedContent.scope.clusters.map((c) => c.name)).toEqual(["aks-1"]);
    const again = await createReport({
      scope: { clusters: [scopedContent.scope.clusterIds[0].toUpperCase()] },
    });
    expect((await loadReportContent(BigInt(again.id))).content.drift.previousReport?.id).toBe(scoped.id);
  });

  it("answers typed errors for an unknown scan and an unknown cluster", async () => {
    await expect(createReport({ scanId: "999999" })).rejects.toBeInstanceOf(ReportNotFoundError);
    await expect(createReport({ scope: { clusters: ["no-such-cluster"] } })).rejects.toBeInstanceOf(
      ReportInputError,
    );
    await expect(loadReportContent(999999n)).rejects.toBeInstanceOf(ReportNotFoundError);
  });

  it("a redacted report renders redacted everywhere", async () => {
    const report = await createReport({ scanId: firstScan.toString(), redact: true });
    const { content } = await loadReportContent(BigInt(report.id));
    expect(content.report.redacted).toBe(true);
    expect(JSON.stringify(content)).not.toContain("penny@contoso.example");
    // The stored snapshot keeps the facts; only renderings are pseudonymised.
    expect(await getReportContentText(BigInt(report.id))).toContain("penny@contoso.example");
  });
});
