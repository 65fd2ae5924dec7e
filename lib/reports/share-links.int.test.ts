import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { ReportNotFoundError } from "@/lib/reports/report-errors";
import { createReport } from "@/lib/reports/report-store";
import { createShare, listShares, openShare, revokeShare } from "@/lib/reports/share-links";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("share links", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let demo: TenantFile;
  let reportId: bigint;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
    pool = new pg.Pool({ connectionString: db.url });
    demo = await loadDemoTenant();
    const model = modelFromTenantFile(demo);
    await runScan({
      pool,
      tenant: { id: demo.tenantId, displayName: "Contoso", source: "import" },
      trigger: "cli",
      collect: async () => ({ model, errors: [], apiCalls: {}, counts: {} }),
    });
    reportId = BigInt((await createReport({})).id);
  });
  afterAll(async () => {
    // Close every connection to the test database before it is dropped (a killed idle client errors).
    await prisma().$disconnect();
    await closePool();
    await pool.end();
    await db.drop();
  });

  it("open with their token, count each view, and store only the token's hash", async () => {
    const share = await createShare(reportId, {});
    expect(share.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(share.path).toBe(`/share/${share.token}`);
    const days = (Date.parse(share.expiresAt) - Date.parse(share.createdAt)) / 86_400_000;
    expect(days).toBe(7);
    const { rows } = await pool.query<{ token_hash: string }>(
      "SELECT token_hash FROM report_shares WHERE id = $1",
      [share.id],
    );
    expect(rows[0].token_hash).toBe(sha256(share.token));
    const dump = JSON.stringify((await pool.query("SELECT * FROM report_shares")).rows);
    expect(dump).not.toContain(share.token);

    const first = await openShare(share.token);
    const second = await openShare(share.token);
    expect(first.status).toBe("ok");
    expect(second.status === "ok" && second.content.report.id).toBe(reportId.toString());
    const listed = (await listShares(reportId)).find((s) => s.id === share.id);
    expect(listed?.views).toBe(2);
    expect(listed?.status).toBe("active");
  });

  it("answer not-found for a tampered or malformed token, gone once revoked or expired", async () => {
    const share = await createShare(reportId, { expiresInDays: 30 });
    const i = 20;
    const tampered = `${share.token.slice(0, i)}${share.token[i] === "x" ? "y" : "x"}${share.token.slice(i + 1)}`;
    expect(await openShare(tampered)).toEqual({ status: "not-found" });
    expect(await openShare("not-a-token")).toEqual({ status: "not-found" });

    expect((await openShare(share.token)).status).toBe("ok");
    const revoked = await revokeShare(BigInt(share.id));
    expect(revoked?.status).toBe("revoked");
    expect(await openShare(share.token)).toEqual({ status: "gone", reason: "revoked" });
    expect((await revokeShare(BigInt(share.id)))?.revokedAt).toBe(revoked?.revokedAt);
    expect(await revokeShare(999999n)).toBeNull();

    const expiring = await createShare(reportId, {});
    await pool.query("UPDATE report_shares SET expires_at = now() - interval '1 second' WHERE id = $1", [
      expiring.id,
    ]);
    expect(await openShare(expiring.token)).toEqual({ status: "gone", reason: "expired" });
    const views = (await listShares(reportId)).find((s) => s.id === expiring.id)?.views;
    expect(views).toBe(0);
  });

  it("refuse an expiry beyond ATLAS_SHARE_MAX_DAYS", async () => {
    const saved = process.env.ATLAS_SHARE_MAX_DAYS;
    process.env.ATLAS_SHARE_MAX_DAYS = "10";
    try {
      await expect(createShare(reportId, { expiresInDays: 11 })).rejects.toThrow(/at most 10 days/);
      expect((await createShare(reportId, { expiresInDays: 10 })).status).toBe("active");
    } finally {
      if (saved === undefined) delete process.env.ATLAS_SHARE_MAX_DAYS;
      else process.env.ATLAS_SHARE_MAX_DAYS = saved;
    }
    await expect(createShare(999999n, {})).rejects.toBeInstanceOf(ReportNotFoundError);
  });

  it("pseudonymise personal data when the link asks for it", async () => {
    const share = await createShare(reportId, { redact: true });
    const opened = await openShare(share.token);
    expect(opened.status).toBe("ok");
    if (opened.status !== "ok") return;
    expect(opened.content.report.redacted).toBe(true);
    const text = JSON.stringify(opened.content);
    for (const user of modelFromTenantFile(demo).principals.filter((p) => p.kind === "User")) {
      expect(text).not.toContain(user.displayName);
      if (user.userPrincipalName) expect(text).not.toContain(user.userPrincipalName);
    }
  });

  it("keeps a redacted report redacted through a link that did not ask for it", async () => {
    const redactedReport = await createReport({ redact: true });
    const share = await createShare(BigInt(redactedReport.id), { redact: false });
    expect(share.redact).toBe(true);
    const opened = await openShare(share.token);
    expect(opened.status === "ok" && opened.content.report.redacted).toBe(true);
  });
});
