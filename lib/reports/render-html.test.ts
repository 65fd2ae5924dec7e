import { beforeAll, describe, expect, it } from "vitest";
import { type DemoAnalysis, demoAnalysis, reportFrom } from "@/lib/reports/fixtures/demo-report";
import { renderReportDocument, renderReportFragment } from "@/lib/reports/render-html";
import { reportContentSchema } from "@/lib/reports/report-schema";

const textOf = (html: string) =>
  html
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replaceAll("&amp;", "&")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&#x27;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replace(/\s+/g, " ");

describe("renderReportDocument", () => {
  let analysis: DemoAnalysis;
  beforeAll(async () => {
    analysis = await demoAnalysis();
  });

  it("shows every cluster, every failing finding's summary and every cluster-admin holder", async () => {
    const content = reportFrom(analysis);
    const text = textOf(await renderReportDocument(content));
    for (const cluster of content.scope.clusters) expect(text).toContain(cluster.name);
    for (const finding of content.findings.filter((f) => f.status === "fail"))
      expect(text).toContain(finding.summary);
    for (const holder of content.clusterAdmins.flatMap((c) => c.holders))
      expect(text).toContain(holder.principal.displayName);
    for (const framework of content.frameworks) expect(text).toContain(framework.title);
  });

  it("is a standalone document with its table of contents, print rules and no external resource", async () => {
    const html = await renderReportDocument(reportFrom(analysis), { robots: "noindex" });
    expect(html.startsWith("<!doctype html>")).toBe(true);
    // React writes void elements as `<meta …/>`
    expect(html).toMatch(/<meta name="robots" content="noindex"\/?>/);
    expect(html).toContain("@media print");
    for (const id of ["summary", "controls", "cluster-admins", "drift", "findings", "remediation", "about"]) {
      expect(html).toContain(`href="#${id}"`);
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });

  it("prints page numbers in the contents only when given", async () => {
    const content = reportFrom(analysis);
    expect(await renderReportFragment(content)).not.toContain('class="page"');
    const withPages = await renderReportFragment(content, { tocPages: { summary: 2, controls: 3 } });
    expect(withPages).toMatch(/Summary<\/a><span class="leader"[^>]*><\/span><span class="page">2<\/span>/);
  });

  it("escapes everything that comes from the scan", async () => {
    const content = reportFrom(analysis);
    const hostile = '<img src=x onerror="alert(1)">';
    const html = await renderReportDocument({
      ...content,
      report: { ...content.report, title: hostile },
      findings: content.findings.map((f, i) => (i === 0 ? { ...f, summary: `${hostile} & more` } : f)),
    });
    expect(html).not.toContain(hostile);
    expect(html).not.toMatch(/<img\b/);
    // React's escaping (escapeTextForBrowser in react-dom): & < > " ' in text and attribute values
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; more");
    expect(textOf(html)).toContain(`${hostile} & more`);
  });

  it("says so on the cover when the copy is redacted", async () => {
    const content = reportFrom(analysis);
    expect(textOf(await renderReportDocument(content))).not.toContain("Personal data is redacted");
    expect(
      textOf(await renderReportDocument({ ...content, report: { ...content.report, redacted: true } })),
    ).toContain("Personal data is redacted");
  });

  it("still reads and renders a report stored before pathCount and scanEvents were added", async () => {
    const current = reportFrom(analysis);
    const early = JSON.parse(JSON.stringify(current)) as Record<string, unknown> & typeof current;
    for (const finding of early.findings) delete (finding as { pathCount?: number }).pathCount;
    for (const cluster of early.clusterAdmins) {
      for (const holder of cluster.holders)
        for (const route of holder.routes) delete (route as { pathCount?: number }).pathCount;
    }
    delete (early.drift as { scanEvents?: unknown }).scanEvents;
    const parsed = reportContentSchema.parse(early);
    expect(parsed.drift.scanEvents).toBeNull();
    const text = textOf(await renderReportDocument(parsed));
    for (const cluster of current.scope.clusters) expect(text).toContain(cluster.name);
    expect(text).not.toContain("undefined");
    expect(text).not.toContain("NaN");
  });
});
