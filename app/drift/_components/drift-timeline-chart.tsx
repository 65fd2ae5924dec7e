"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import {
  ChartContainer,
  ChartPlot,
  chartLegendProps,
  chartTooltipProps,
} from "@/components/charts/chart-container";
import {
  AXIS_TICK,
  CHART_INK,
  type ChartConfig,
  legendOrder,
  SEVERITY_ORDER,
  SEVERITY_SERIES,
  seriesColor,
} from "@/components/charts/palette";
import { plural } from "@/components/ui/format";
import type { Severity } from "@/lib/findings/types";

// Changes per scan, stacked by severity: a client leaf fed chart-ready rows. Clicking a bar opens that
// scan's events; the same choice is a row of links under the chart for keyboards and screen readers.

export type TimelineBar = {
  scanId: string;
  label: string;
  total: number;
  baseline: boolean;
  bySeverity: Record<Severity, number>;
  byCategory: Record<"access" | "escalation" | "finding" | "object", number>;
};

// worst first (the legend's order); drawn bottom-up, so the worst severity tops the stack
const chartConfig = SEVERITY_SERIES satisfies ChartConfig;
const SERIES: Severity[] = [...SEVERITY_ORDER].reverse();

export function DriftTimelineChart({
  bars,
  selected,
  hrefFor,
}: {
  bars: TimelineBar[];
  selected: string;
  /** the page path of one scan's events; a template with `{scan}` (functions cannot cross to the client) */
  hrefFor: string;
}) {
  const router = useRouter();
  const href = (scanId: string) => hrefFor.replace("{scan}", scanId);
  const rows = bars.map((bar) => ({ ...bar, scan: `#${bar.scanId}`, ...bar.bySeverity }));
  return (
    <ChartContainer
      id="drift-timeline"
      config={chartConfig}
      className="space-y-3"
      summary={`Changes per scan by severity, for the last ${plural(bars.length, "scan")}; choose a scan below to see its events`}
    >
      <ChartPlot heightClass="h-56">
        <BarChart
          // The bars are mouse-only; keyboards and screen readers use the list of scans below.
          accessibilityLayer={false}
          data={rows}
          margin={{ top: 8, right: 8, bottom: 0, left: -16 }}
          onClick={(state) => {
            const index = state?.activeTooltipIndex;
            const row =
              typeof index === "number"
                ? rows[index]
                : typeof index === "string"
                  ? rows[Number(index)]
                  : undefined;
            if (row) router.push(href(row.scanId));
          }}
          style={{ cursor: "pointer" }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke={CHART_INK.grid} vertical={false} />
          <XAxis dataKey="scan" tick={AXIS_TICK} />
          <YAxis allowDecimals={false} tick={AXIS_TICK} />
          <Tooltip
            {...chartTooltipProps}
            labelFormatter={(label, payload) => {
              const row = payload?.[0]?.payload as (typeof rows)[number] | undefined;
              return row
                ? `Scan ${label} · ${row.label}${row.baseline ? " · first scan" : ""}`
                : String(label);
            }}
          />
          <Legend {...chartLegendProps} itemSorter={legendOrder(chartConfig)} />
          {SERIES.map((series) => (
            <Bar
              key={series}
              dataKey={series}
              stackId="changes"
              name={chartConfig[series].label}
              fill={seriesColor(series)}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ChartPlot>
      <nav aria-label="Scans in the timeline">
        <ul className="flex flex-wrap gap-1.5 text-xs">
          {bars.map((bar) => {
            const current = bar.scanId === selected;
            return (
              <li key={bar.scanId}>
                <Link
                  href={href(bar.scanId)}
                  aria-current={current ? "page" : undefined}
                  title={bar.label}
                  className={`inline-block rounded border px-2 py-0.5 tabular-nums hover:border-brand-500 ${
                    current
                      ? "border-brand-600 bg-brand-50 font-semibold text-brand-900"
                      : "border-slate-200 bg-white text-slate-700"
                  }`}
                >
                  #{bar.scanId}
                  <span className="ml-1 text-slate-600">
                    {bar.baseline ? "first" : `${bar.total} change${bar.total === 1 ? "" : "s"}`}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
    </ChartContainer>
  );
}
