import type { CSSProperties } from "react";
import type { Severity } from "@/lib/findings/types";

// The charts' colours, in one place. Series colours are the theme's tokens (app/globals.css), so a chart
// bar and a severity badge are the same red; the chart ink (grid, ticks, axis titles) is Tailwind's slate.
// A chart names its series in a config ({ key: { label, color } }); ChartContainer turns it into CSS
// variables `--chart-<key>` and the chart's elements paint with `seriesColor(key)` (openstatus' and
// shadcn's ChartContainer do the same), so no Recharts user writes a colour of its own.

export type ChartSeries = { label: string; color: string };
export type ChartConfig = Record<string, ChartSeries>;

/** Worst first, the order every legend and list of severities reads in. */
export const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

export const SEVERITY_SERIES = {
  critical: { label: "Critical", color: "var(--color-sev-critical)" },
  high: { label: "High", color: "var(--color-sev-high)" },
  medium: { label: "Medium", color: "var(--color-sev-medium)" },
  low: { label: "Low", color: "var(--color-sev-low)" },
  info: { label: "Info", color: "var(--color-sev-info)" },
} as const satisfies Record<Severity, ChartSeries>;

/** A series that is not a severity: the product's own colour. */
export const BRAND_COLOR = "var(--color-brand-700)";

/**
 * slate-200, slate-600, slate-700 (and slate-100 under the hovered bar): the grid recedes, the figures
 * read at 4.5:1 or better.
 */
export const CHART_INK = {
  grid: "#e2e8f0",
  tick: "#475569",
  axisTitle: "#334155",
  hover: "#f1f5f9",
} as const;

export const AXIS_TICK = { fontSize: 12, fill: CHART_INK.tick };
export const AXIS_TITLE = { fontSize: 12, fill: CHART_INK.axisTitle };

/** The CSS variable a series paints with; ChartContainer defines it from the config. */
export function seriesColor(key: string): string {
  return `var(--chart-${key})`;
}

/** The config as CSS variables, set on the chart's figure. */
export function chartStyle(config: ChartConfig): CSSProperties {
  const style: Record<string, string> = {};
  for (const [key, series] of Object.entries(config)) {
    if (!/^[a-zA-Z][\w-]*$/.test(key))
      throw new Error(`chart series key ${JSON.stringify(key)} is not a CSS name`);
    style[`--chart-${key}`] = series.color;
  }
  return style as CSSProperties;
}

/** Legend items in the config's order (configs list worst first), not Recharts' order of drawing. */
export function legendOrder(config: ChartConfig): (item: { dataKey?: unknown }) => number {
  const keys = Object.keys(config);
  return (item) => {
    const index = keys.indexOf(String(item.dataKey));
    return index === -1 ? keys.length : index;
  };
}
