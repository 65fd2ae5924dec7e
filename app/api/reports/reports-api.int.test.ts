import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getReportRoute } from "@/app/api/reports/[id]/route";
import { POST as createShareRoute, GET as listSharesRoute } from "@/app/api/reports/[id]/shares/route";
import { POST as createReportRoute, GET as listReportsRoute } from "@/app/api/reports/route";
import { GET as getShareFile } from "@/app/api/share/[token]/route";
import { DELETE as revokeShareRoute } from "@/app/api/shares/[id]/route";
import { GET as sharePage } from "@/app/share/[token]/route";
import { closePool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

// The report and share route handlers, called as Next calls them, against a database of their own.

const base = "http://atlas.test";

function request(
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
) {
  return new NextRequest(new URL(path, base), {
    method: init.method ?? "GET",
    body: init.body,
    headers: init.headers,
  });
}
const params = <T>(value: T) => ({ params: Promise.resolve(value) });

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code };
}

describe("report and share routes", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let reportId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
    pool = new pg.Pool({ connectionString: db.url });
    const demo = await loadDemoTenant();
    const model = modelFromTenantFile(demo);
    await runScan({
      pool,
      tenant: { id: demo.tenantId, displayName: "Contoso", source: "import" },
      trigger: "cli",
      collect: async () => ({ model, errors: [], apiCalls: {}, counts: {} }),
    });
  });
  afterAll(async () => {
    // Close every connection to the test database before it is dropped (a killed idle client errors).
    await prisma().$disconnect();
    await closePool();
    await pool.end();
    await db.drop();
  });

  it("creates a report (201) and answers bad input with 400 and unknown scans with 404", async () => {
    const created = await createReportRoute(
      request("/api/reports", { method: "POST", body: JSON.stringify({ title: "API report" }) }),
    );
    expect(created.status).toBe(201);
    const report = (await created.json()) as { id: string; title: string; links: { self: string } };
    expect(report.title).toBe("API report");
    expect(created.headers.get("location")).toBe(report.links.self);
    reportId = report.id;

    const bad = [
      ["not json", "invalid_json"],
      [JSON.stringify({ frameworks: [] }), "invalid_body"],
      [JSON.stringify({ frameworks: ["iso-27001"] }), "invalid_body"],
      [JSON.stringify({ surprise: true }), "invalid_body"],
      [JSON.stringify({ scope: { clusters: ["no-such-cluster"] } }), "invalid_scope"],
    ] as const;
    for (const [body, code] of bad) {
      expect(
        await errorOf(await createReportRoute(request("/api/reports", { method: "POST", body }))),
      ).toEqual({
        status: 400,
        code,
      });
    }
    const unknownScan = await createReportRoute(
      request("/api/reports", { method: "POST", body: JSON.stringify({ scanId: "999999" }) }),
    );
    expect(await errorOf(unknownScan)).toEqual({ status: 404, code: "scan_not_found" });

    const list = (await (await listReportsRoute(request("/api/reports?limit=5"))).json()) as {
      reports: { id: string }[];
    };
    expect(list.reports.map((r) => r.id)).toContain(reportId);
    expect((await listReportsRoute(request("/api/reports?limit=0"))).status).toBe(400);
  });

  it("serves a report's metadata and its four formats, and parses the extension strictly", async () => {
    const meta = await getReportRoute(request(`/api/reports/${reportId}`), params({ id: reportId }));
    expect(meta.status).toBe(200);
    const json = await getReportRoute(
      request(`/api/reports/${reportId}.json`),
      params({ id: `${reportId}.json` }),
    );
    expect(json.headers.get("content-type")).toContain("application/json");
    expect(json.headers.get("content-disposition")).toContain(`atlas-report-${reportId}.json`);
    const content = (await json.json()) as { schemaVersion: number; report: { id: string } };
    expect(content.schemaVersion).toBe(1);
    expect(content.report.id).toBe(reportId);

    const csv = await getReportRoute(
      request(`/api/reports/${reportId}.csv`),
      params({ id: `${reportId}.csv` }),
    );
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect((await csv.text()).split("\r\n")[0]).toContain("framework,control_id");
    const html = await getReportRoute(
      request(`/api/reports/${reportId}.html`),
      params({ id: `${reportId}.html` }),
    );
    expect(html.headers.get("content-disposition")).toMatch(/^inline/);
    expect(await html.text()).toContain("Who holds cluster-admin");
    const redacted = await getReportRoute(
      request(`/api/reports/${reportId}.csv?redact=true`),
      params({ id: `${reportId}.csv` }),
    );
    expect(await redacted.text()).not.toContain("Penny");

    for (const [id, status, code] of [
      ["abc", 400, "invalid_report_id"],
      [`${reportId}.docx`, 400, "unknown_format"],
      ["0", 400, "invalid_report_id"],
      ["999999", 404, "not_found"],
      ["999999.pdf", 404, "not_found"],
    ] as const) {
      expect(await errorOf(await getReportRoute(request(`/api/reports/${id}`), params({ id })))).toEqual({
        status,
        code,
      });
    }
  });

  it("shares a report: the page opens with no session, carries noindex and no-referrer, links nowhere into the app", async () => {
    const created = await createShareRoute(
      request(`/api/reports/${reportId}/shares`, {
        method: "POST",
        body: JSON.stringify({ expiresInDays: 3 }),
      }),
      params({ id: reportId }),
    );
    expect(created.status).toBe(201);
    const share = (await created.json()) as { id: string; token: string; url: string; expiresAt: string };
    expect(share.url).toBe(`${base}/share/${share.token}`);

    const page = await sharePage(request(`/share/${share.token}`), params({ token: share.token }));
    expect(page.status).toBe(200);
    expect(page.headers.get("x-robots-tag")).toContain("noindex");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await page.text();
    expect(html).toMatch(/<meta name="robots" content="noindex"\/?>/); // React closes void elements: `/>`
    expect(html).toContain("aks-1");
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(5);
    for (const href of hrefs)
      expect(href.startsWith("#") || href.startsWith(`/api/share/${share.token}.`)).toBe(true);
    expect(html).not.toMatch(/<(script|form|nav aria-label="Main")/);

    const csv = await getShareFile(
      request(`/api/share/${share.token}.csv`),
      params({ token: `${share.token}.csv` }),
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const pdf = await getShareFile(
      request(`/api/share/${share.token}.pdf`),
      params({ token: `${share.token}.pdf` }),
    );
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    const listed = await listSharesRoute(
      request(`/api/reports/${reportId}/shares`),
      params({ id: reportId }),
    );
    const { shares } = (await listed.json()) as { shares: { id: string; views: number }[] };
    expect(shares.find((s) => s.id === share.id)?.views).toBe(3);
    expect(JSON.stringify(shares)).not.toContain(share.token);
  });

  it("answers 404 for a tampered token and 410 once revoked", async () => {
    const created = await createShareRoute(
      request(`/api/reports/${reportId}/shares`, { method: "POST", body: "{}" }),
      params({ id: reportId }),
    );
    const { id, token } = (await created.json()) as { id: string; token: string };
    const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    const notFound = await sharePage(request(`/share/${tampered}`), params({ token: tampered }));
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get("x-robots-tag")).toContain("noindex");
    expect((await sharePage(request("/share/short"), params({ token: "short" }))).status).toBe(404);
    expect(
      (await getShareFile(request(`/api/share/${token}.exe`), params({ token: `${token}.exe` }))).status,
    ).toBe(404);

    const revoked = await revokeShareRoute(
      request(`/api/shares/${id}`, { method: "DELETE" }),
      params({ id }),
    );
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { status: string }).status).toBe("revoked");
    const gone = await sharePage(request(`/share/${token}`), params({ token }));
    expect(gone.status).toBe(410);
    expect(await gone.text()).not.toContain("aks-1");
    expect(
      (await getShareFile(request(`/api/share/${token}.pdf`), params({ token: `${token}.pdf` }))).status,
    ).toBe(410);

    expect(
      await errorOf(
        await revokeShareRoute(request("/api/shares/x", { method: "DELETE" }), params({ id: "x" })),
      ),
    ).toEqual({
      status: 400,
      code: "invalid_share_id",
    });
    expect(
      await errorOf(
        await revokeShareRoute(request("/api/shares/999999", { method: "DELETE" }), params({ id: "999999" })),
      ),
    ).toEqual({ status: 404, code: "not_found" });
  });

  it("refuses share bodies it does not understand and expiries past the maximum", async () => {
    for (const body of [
      '{"expiresInDays": 0}',
      '{"expiresInDays": "7"}',
      '{"redact": "yes"}',
      "[",
      '{"x":1}',
    ]) {
      const response = await createShareRoute(
        request(`/api/reports/${reportId}/shares`, { method: "POST", body }),
        params({ id: reportId }),
      );
      expect(response.status, body).toBe(400);
    }
    const tooLong = await createShareRoute(
      request(`/api/reports/${reportId}/shares`, { method: "POST", body: '{"expiresInDays": 91}' }),
      params({ id: reportId }),
    );
    expect(await errorOf(tooLong)).toEqual({ status: 400, code: "expiry_too_long" });
    const unknown = await createShareRoute(
      request("/api/reports/999999/shares", { method: "POST", body: "{}" }),
      params({ id: "999999" }),
    );
    expect(unknown.status).toBe(404);
  });
});
