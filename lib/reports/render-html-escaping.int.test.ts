import pg from "pg";
import { isValidElement, type ReactNode } from "react";
import { prerenderToNodeStream } from "react-dom/static";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ReportPage from "@/app/reports/[id]/page";
import { ReportView } from "@/components/reports/report-view";
import { closePool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { renderReportDocument } from "@/lib/reports/render-html";
import { renderReport } from "@/lib/reports/report-formats";
import type { ReportContent } from "@/lib/reports/report-schema";
import { createReport, loadReportContent } from "@/lib/reports/report-store";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

// Issue 17: the report is React components shared by the app's page and the standalone document, and
// escaping is React's (react-dom escapes & < > " ' in text and attribute values: escapeTextForBrowser,
// https://github.com/facebook/react/blob/main/packages/react-dom-bindings/src/server/escapeTextForBrowser.js).
// A directory display name is whatever an Entra admin typed, so one with markup and quotes goes through a
// real scan, a stored report, the .html file and the report page.

const HOSTILE = 'Penny <script>alert("owned")</script> "Lane"';
const ESCAPED = "Penny &lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &quot;Lane&quot;";

/** Every element of a rendered tree, awaited where a server component is async (as React would). */
function* elementsOf(node: ReactNode): Generator<{ type: unknown; props: Record<string, unknown> }> {
  if (Array.isArray(node)) {
    for (const child of node) yield* elementsOf(child);
  } else if (isValidElement<Record<string, unknown>>(node)) {
    yield { type: node.type, props: node.props };
    yield* elementsOf(node.props.children as ReactNode);
  }
}

async function prerender(node: ReactNode): Promise<string> {
  const { prelude } = await prerenderToNodeStream(node);
  const chunks: Buffer[] = [];
  for await (const chunk of prelude) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/** The report's article, without the separators React puts between adjacent text nodes of a page. */
const articleOf = (html: string) =>
  /<article class="atlas-report"[\s\S]*<\/article>/.exec(html.replaceAll("<!-- -->", ""))?.[0] ?? "";

describe("a display name with markup and quotes in the report", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let reportId: string;
  let content: ReportContent;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
    pool = new pg.Pool({ connectionString: db.url });
    const demo = await loadDemoTenant();
    const penny = demo.principals.find((p) => p.displayName === "Penny");
    if (!penny) throw new Error("the demo tenant has no Penny");
    penny.displayName = HOSTILE;
    await runScan({
      pool,
      tenant: { id: demo.tenantId, displayName: "Contoso", source: "import" },
      trigger: "cli",
      collect: async () => ({ model: modelFromTenantFile(demo), errors: [], apiCalls: {}, counts: {} }),
    });
    reportId = (await createReport({})).id;
    content = (await loadReportContent(BigInt(reportId))).content;
  });
  afterAll(async () => {
    await prisma().$disconnect();
    await closePool();
    await pool.end();
    await db.drop();
  });

  it("is stored as the name it is (data, not markup), as a cluster-admin holder", () => {
    const holders = content.clusterAdmins.flatMap((c) => c.holders.map((h) => h.principal.displayName));
    expect(holders).toContain(HOSTILE);
  });

  it("is escaped in the .html file", async () => {
    const html = Buffer.from(await renderReport(content, "html")).toString("utf8");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain(`<strong>${ESCAPED}</strong>`);
  });

  it("is escaped in the report page, which renders the shared components (no inner HTML)", async () => {
    const page = await ReportPage({ params: Promise.resolve({ id: reportId }) });
    const elements = [...elementsOf(page)];
    // the page hands the report's data to <ReportView>, never a string of markup
    expect(elements.filter((e) => "dangerouslySetInnerHTML" in e.props)).toEqual([]);
    const views = elements.filter((e) => e.type === ReportView);
    expect(views).toHaveLength(1);
    expect(views[0].props.content).toEqual(content);

    const html = await prerender(page);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain(`<strong>${ESCAPED}</strong>`);
    // the same report markup as the standalone document: one set of components for both
    const article = articleOf(html);
    expect(article.length).toBeGreaterThan(10_000);
    expect(article).toBe(articleOf(await renderReportDocument(content)));
  });
});
