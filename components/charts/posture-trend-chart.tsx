"use client";

import { Bar, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from "recharts";
import {
  ChartContainer,
  ChartPlot,
  chartLegendProps,
  chartTooltipProps,
} from "@/components/charts/chart-container";
import {
  AXIS_TICK,
  AXIS_TITLE,
  BRAND_COLOR,
  CHART_INK,
  type ChartConfig,
  legendOrder,
  SEVERITY_SERIES,
  seriesColor,
} from "@/components/charts/palette";
import { formatDateTime, formatDay, plural } from "@/components/ui/format";
import type { PosturePoint } from "@/lib/queries/get-posture-trend";

// Posture over past scans: failing findings stacked by severity, and the number of principals
// holding cluster-admin as a line, each in its own chart with its own titled axis. A client leaf fed
// chart-ready rows; colours come from the palette. The same numbers are in a table for screen readers.

const chartConfig = {
  critical: SEVERITY_SERIES.critical,
  high: SEVERITY_SERIES.high,
  medium: SEVERITY_SERIES.medium,
  low: SEVERITY_SERIES.low,
  clusterAdmins: { label: "Principals with cluster-admin", color: BRAND_COLOR },
} satisfies ChartConfig;

// drawn bottom-up: the worst severity on top of the stack
const SERIES = ["low", "medium", "high", "critical"] as const;

export function PostureTrendChart({ points }: { points: PosturePoint[] }) {
  const rows = points.map((point) => ({
    scan: `#${point.scanId}`,
    day: formatDay(point.startedAt),
    date: formatDateTime(point.startedAt),
    ...point.failing,
    clusterAdmins: point.clusterAdmins,
  }));
  const tooltipLabel = (label: unknown, payload: readonly { payload?: { scan?: string; date?: string } }[]) =>
    `Scan ${payload?.[0]?.payload?.scan ?? ""} · ${payload?.[0]?.payload?.date ?? String(label)}`;
  // Two charts, one axis each: findings and principals are different units, and a shared plot made the
  // line's 22 sit at the bars' height 37.
  return (
    <ChartContainer
      id="posture-trend"
      config={chartConfig}
      summary={`Failing findings by severity and principals with cluster-admin over the last ${plural(points.length, "scan")}`}
    >
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <ChartPlot title="Failing findings, by severity">
          <ComposedChart
            accessibilityLayer={false}
            data={rows}
            margin={{ top: 8, right: 8, bottom: 0, left: 4 }}
          >
            <CartesianGrid strokeDasharray="3 3" stroke={CHART_INK.grid} vertical={false} />
            <XAxis dataKey="day" tick={AXIS_TICK} />
            <YAxis
              allowDecimals={false}
              tick={AXIS_TICK}
              width={48}
              label={{ value: "Findings", angle: -90, position: "insideLeft", style: AXIS_TITLE }}
            />
            <Tooltip {...chartTooltipProps} labelFormatter={tooltipLabel} />
            <Legend {...chartLegendProps} itemSorter={legendOrder(chartConfig)} />
            {SERIES.map((series) => (
              <Bar
                key={series}
                dataKey={series}
                stackId="failing"
                name={chartConfig[series].label}
                fill={seriesColor(series)}
                isAnimationActive={false}
              />
            ))}
          </ComposedChart>
        </ChartPlot>
        <ChartPlot title="Principals with cluster-admin (groups included)">
          <ComposedChart
            accessibilityLayer={false}
            data={rows}
            margin={{ top: 8, right: 8, bottom: 0, left: 4 }}
          >
            <CartesianGrid strokeDasharray="3 3" stroke={CHART_INK.grid} vertical={false} />
            <XAxis dataKey="day" tick={AXIS_TICK} />
            <YAxis
              allowDecimals={false}
              tick={AXIS_TICK}
              width={48}
              label={{ value: "Principals", angle: -90, position: "insideLeft", style: AXIS_TITLE }}
            />
            <Tooltip {...chartTooltipProps} labelFormatter={tooltipLabel} />
            <Line
              dataKey="clusterAdmins"
              name={chartConfig.clusterAdmins.label}
              stroke={seriesColor("clusterAdmins")}
              strokeWidth={2}
              dot={{ r: 3 }}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ChartPlot>
      </div>
      {/* sr-only on the wrapper: a table ignores width: 1px and would widen the page */}
      <div className="sr-only">
        <table>
          <caption>Posture by scan</caption>
          <thead>
            <tr>
              <th scope="col">Scan</th>
              <th scope="col">Critical</th>
              <th scope="col">High</th>
              <th scope="col">Medium</th>
              <th scope="col">Low</th>
              <th scope="col">Principals with cluster-admin</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.scan}>
                <th scope="row">
                  {row.scan} ({row.date})
                </th>
                <td>{row.critical}</td>
                <td>{row.high}</td>
                <td>{row.medium}</td>
                <td>{row.low}</td>
                <td>{row.clusterAdmins}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </ChartContainer>
  );
}
