import { beforeAll, describe, expect, it } from "vitest";
import { type DemoAnalysis, demoAnalysis, reportFrom } from "@/lib/reports/fixtures/demo-report";
import { renderReportDocument } from "@/lib/reports/render-html";

// Issue 16, acceptance: axe with no violation, landmarks and heading order included (best-practice rules
// region, landmark-one-main, landmark-unique, heading-order: https://github.com/dequelabs/axe-core/blob/develop/doc/rule-descriptions.md).
// The shared report is a document of its own (app/share/[token]/route.ts), so it carries its own
// landmarks; e2e/every-page.spec.ts runs axe on it in Chromium.

describe("the report document's landmarks and headings", () => {
  let analysis: DemoAnalysis;
  beforeAll(async () => {
    analysis = await demoAnalysis();
  });

  it("puts everything in one main landmark", async () => {
    const html = await renderReportDocument(reportFrom(analysis));
    const body = html.slice(html.indexOf("<body>") + "<body>".length, html.indexOf("</body>")).trim();
    expect(html.match(/<main[\s>]/g)).toHaveLength(1);
    expect(body.startsWith("<main>")).toBe(true);
    expect(body.endsWith("</main>")).toBe(true);
  });

  it("names each scrolling table region uniquely", async () => {
    const html = await renderReportDocument(reportFrom(analysis));
    const labels = [
      ...html.matchAll(/class="table-scroll" role="region" tabindex="0" aria-label="([^"]+)"/g),
    ].map(([, label]) => label);
    // the demo has one "who holds cluster-admin" table per cluster, all with the same columns
    expect(labels.filter((label) => label.startsWith("Table of Holder Route How")).length).toBeGreaterThan(1);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it("never skips a heading level", async () => {
    const html = await renderReportDocument(reportFrom(analysis));
    const levels = [...html.matchAll(/<h([1-6])[\s>]/g)].map(([, level]) => Number(level));
    expect(levels[0]).toBe(1);
    const skips = levels.flatMap((level, index) =>
      index > 0 && level > levels[index - 1] + 1
        ? [`h${levels[index - 1]} → h${level} at heading ${index}`]
        : [],
    );
    expect(skips).toEqual([]);
    // the remediation steps are h3 under their h2
    expect(html).toMatch(/<h3 class="step-title">1\. /);
  });
});
