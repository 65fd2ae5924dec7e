import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { DriftTimelineChart, type TimelineBar } from "@/app/drift/_components/drift-timeline-chart";
import { ChartContainer } from "@/components/charts/chart-container";
import { chartStyle, legendOrder, SEVERITY_SERIES, seriesColor } from "@/components/charts/palette";
import { PostureTrendChart } from "@/components/charts/posture-trend-chart";
import type { PosturePoint } from "@/lib/queries/get-posture-trend";

// The chart frame, rendered as the server renders it (Recharts draws its SVG only after mounting, so
// what is asserted here is what the server sends: the named figure, the palette as CSS variables, the
// accessible summary and the screen-reader table). The figure is named by its figcaption
// (HTML: https://html.spec.whatwg.org/multipage/grouping-content.html#the-figcaption-element).

// The drift chart navigates on a bar click; outside Next's app router there is no router to mount.
vi.mock("next/navigation", () => ({ useRouter: () => ({ push: () => undefined }) }));

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The `--chart-*` variables of the first element carrying them. */
function chartVariables(html: string): Record<string, string> {
  const style = /style="([^"]*--chart-[^"]*)"/.exec(html)?.[1] ?? "";
  return Object.fromEntries(
    style
      .split(";")
      .filter((part) => part.startsWith("--chart-"))
      .map((part) => {
        const at = part.indexOf(":");
        return [part.slice(0, at), part.slice(at + 1)];
      }),
  );
}

describe("ChartContainer", () => {
  it("is a figure named by its summary, with the palette as CSS variables", () => {
    const html = renderToStaticMarkup(
      createElement(
        ChartContainer,
        {
          id: "demo",
          config: { critical: SEVERITY_SERIES.critical, low: SEVERITY_SERIES.low },
          summary: "3 scans",
        },
        createElement("p", null, "plot"),
      ),
    );
    expect(html).toMatch(/^<figure aria-labelledby="demo-caption"/);
    expect(html).toContain('<figcaption id="demo-caption" class="sr-only">3 scans</figcaption>');
    expect(chartVariables(html)).toEqual({
      "--chart-critical": "var(--color-sev-critical)",
      "--chart-low": "var(--color-sev-low)",
    });
    // no visible title unless one is given
    expect(html).not.toContain("font-medium");
  });

  it("shows a title and a description when given", () => {
    const html = renderToStaticMarkup(
      createElement(ChartContainer, {
        id: "t",
        config: {},
        summary: "s",
        title: "Changes",
        description: "per scan",
      }),
    );
    expect(html).toContain(">Changes</p>");
    expect(html).toContain(">per scan</p>");
  });
});

describe("palette", () => {
  it("paints a series with the variable the container defines", () => {
    expect(seriesColor("critical")).toBe("var(--chart-critical)");
    expect(chartStyle({ critical: SEVERITY_SERIES.critical })).toEqual({
      "--chart-critical": "var(--color-sev-critical)",
    });
  });

  it("refuses a series key that is no CSS name (it would break the style attribute)", () => {
    expect(() => chartStyle({ "a;b": { label: "x", color: "red" } })).toThrow(/not a CSS name/);
  });

  it("orders the legend as the config lists its series, unknown keys last", () => {
    const order = legendOrder(SEVERITY_SERIES);
    const sorted = ["low", "other", "critical", "info", "high"].sort(
      (a, b) => order({ dataKey: a }) - order({ dataKey: b }),
    );
    expect(sorted).toEqual(["critical", "high", "low", "info", "other"]);
  });

  it("is the only place a Recharts user takes a colour from", () => {
    const files = (dir: string): string[] =>
      readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.includes(".test."))
        .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
    const chartFiles = [...files("app"), ...files("components")].filter((file) =>
      readFileSync(path.join(ROOT, file), "utf8").includes('from "recharts"'),
    );
    expect(chartFiles).toContain("components/charts/posture-trend-chart.tsx");
    expect(chartFiles).toContain("app/drift/_components/drift-timeline-chart.tsx");
    const colour = /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?|oklch|oklab)\(|var\(--color-/i;
    const offenders = chartFiles.filter((file) => colour.test(readFileSync(path.join(ROOT, file), "utf8")));
    expect(offenders).toEqual([]);
  });
});

describe("PostureTrendChart", () => {
  const point = (scanId: string, day: number, critical: number, clusterAdmins: number): PosturePoint => ({
    scanId,
    startedAt: `2026-11-0${day}T10:00:00.000Z`,
    failing: { critical, high: 2, medium: 3, low: 4, info: 5 },
    clusterAdmins,
  });

  it("names the figure, sets the severity and brand colours, and lists every scan for screen readers", () => {
    const html = renderToStaticMarkup(
      createElement(PostureTrendChart, {
        points: [point("4", 1, 1, 20), point("5", 2, 0, 22), point("6", 3, 2, 21)],
      }),
    );
    expect(html).toContain(
      '<figcaption id="posture-trend-caption" class="sr-only">Failing findings by severity and principals with cluster-admin over the last 3 scans</figcaption>',
    );
    expect(chartVariables(html)).toEqual({
      "--chart-critical": "var(--color-sev-critical)",
      "--chart-high": "var(--color-sev-high)",
      "--chart-medium": "var(--color-sev-medium)",
      "--chart-low": "var(--color-sev-low)",
      "--chart-clusterAdmins": "var(--color-brand-700)",
    });
    expect(html).toContain("<caption>Posture by scan</caption>");
    expect(html.match(/<tbody>.*<\/tbody>/)?.[0].match(/<tr>/g)).toHaveLength(3);
    expect(html).toMatch(
      /<th scope="row">#5 \([^)]*\)<\/th><td>0<\/td><td>2<\/td><td>3<\/td><td>4<\/td><td>22<\/td>/,
    );
    // the visible plot titles sit with the plots, hidden from assistive technology like the plots
    expect(html).toMatch(/<div aria-hidden="true"><p[^>]*>Failing findings, by severity<\/p>/);
  });
});

describe("DriftTimelineChart", () => {
  const bar = (scanId: string, total: number, baseline = false): TimelineBar => ({
    scanId,
    label: `scan ${scanId}`,
    total,
    baseline,
    bySeverity: { critical: 1, high: 0, medium: 0, low: 0, info: total - 1 },
    byCategory: { access: total, escalation: 0, finding: 0, object: 0 },
  });

  it("names the figure, sets every severity colour, and offers each scan as a link", () => {
    const html = renderToStaticMarkup(
      createElement(DriftTimelineChart, {
        bars: [bar("1", 0, true), bar("2", 3)],
        selected: "2",
        hrefFor: "/drift?to={scan}",
      }),
    );
    expect(html).toContain(
      '<figcaption id="drift-timeline-caption" class="sr-only">Changes per scan by severity, for the last 2 scans; choose a scan below to see its events</figcaption>',
    );
    expect(Object.keys(chartVariables(html))).toEqual([
      "--chart-critical",
      "--chart-high",
      "--chart-medium",
      "--chart-low",
      "--chart-info",
    ]);
    expect(html).toContain('<nav aria-label="Scans in the timeline">');
    expect(html).toMatch(/<a aria-current="page"[^>]*href="\/drift\?to=2"/);
    expect(html).toMatch(/href="\/drift\?to=1"/);
  });
});
