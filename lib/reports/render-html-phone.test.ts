import { beforeAll, describe, expect, it } from "vitest";
import { type DemoAnalysis, demoAnalysis, reportFrom } from "@/lib/reports/fixtures/demo-report";
import { renderReportDocument } from "@/lib/reports/render-html";
import { REPORT_CSS } from "@/lib/reports/report-styles";

// Issue 16 #5: at 390 px the shared report was 636 px wide (its tables widened the page). Each table now
// sits in a box that scrolls sideways; the box is a named, focusable region (WCAG 2.1.1: a scrolling
// region must be reachable by keyboard; axe "scrollable-region-focusable"), and print shows it whole.
// e2e/every-page.spec.ts measures the page in Chromium at 390 px.

describe("the report's tables on a phone", () => {
  let analysis: DemoAnalysis;
  beforeAll(async () => {
    analysis = await demoAnalysis();
  });

  it("every table is inside a labelled, focusable scrolling region", async () => {
    const html = await renderReportDocument(reportFrom(analysis));
    const tables = html.match(/<table>/g) ?? [];
    expect(tables.length).toBeGreaterThan(3);
    const wrapped = [
      ...html.matchAll(/<div class="table-scroll" role="region" tabindex="0" aria-label="([^"]+)"><table>/g),
    ];
    expect(wrapped).toHaveLength(tables.length);
    for (const [, label] of wrapped) expect(label.trim().length).toBeGreaterThan(8);
    expect(wrapped.map(([, label]) => label)).toContain("Clusters in scope");
    // every region closes right after its table
    expect(html.match(/<\/table><\/div>/g)).toHaveLength(tables.length);
  });

  it("scrolls on screen, not in print", () => {
    expect(REPORT_CSS).toMatch(/\.atlas-report \.table-scroll \{[^}]*overflow-x: auto/);
    const print = REPORT_CSS.slice(REPORT_CSS.indexOf("@media print"));
    expect(print).toMatch(/\.atlas-report \.table-scroll \{ overflow: visible; \}/);
    // a finding card with a long unbroken name (an ARM id) made the page 586 px wide at 390 px
    const phone = REPORT_CSS.slice(
      REPORT_CSS.indexOf("@media screen and (max-width: 40rem)"),
      REPORT_CSS.indexOf("@media print"),
    );
    expect(phone).toMatch(/\.atlas-report \.finding[^{]*\{ overflow-wrap: anywhere; \}/);
  });
});
