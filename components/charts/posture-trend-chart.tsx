"use client";

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatDateTime, formatDay, plural } from "@/components/ui/format";
import type { PosturePoint } from "@/lib/queries/get-posture-trend";

// Posture over past scans: failing findings stacked by severity, and the number of principals
// holding cluster-admin as a line, each in its own chart with its own titled axis. A client leaf fed chart-ready rows; colours are the theme's
// severity tokens. The same numbers are in a table for screen readers.

const chartConfig = {
  critical: { label: "Critical", color: "var(--color-sev-critical)" },
  high: { label: "High", color: "var(--color-sev-high)" },
  medium: { label: "Medium", color: "var(--color-sev-medium)" },
  low: { label: "Low", color: "var(--color-sev-low)" },
  clusterAdmins: { label: "Principals with cluster-admin", color: "var(--color-brand-700)" },
} satisfies Record<string, { label: string; color: string }>;

const SERIES = ["low", "medium", "high", "critical"] as const;
const LEGEND_ORDER = ["critical", "high", "medium", "low", "clusterAdmins"];

const AXIS_TICK = { fontSize: 12, fill: "#475569" };
const AXIS_LABEL = { fontSize: 12, fill: "#334155" };

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
    <figure aria-labelledby="posture-trend-caption" className="space-y-2">
      <figcaption id="posture-trend-caption" className="sr-only">
        Failing findings by severity and principals with cluster-admin over the last{" "}
        {plural(points.length, "scan")}
      </figcaption>
      <div aria-hidden="true" className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <div>
          <p className="mb-1 text-sm font-medium text-slate-700">Failing findings, by severity</p>
          <div className="h-60 w-full">
            <ResponsiveContainer width="100%" height="100%">
              <ComposedChart
                accessibilityLayer={false}
                data={rows}
                margin={{ top: 8, right: 8, bottom: 0, left: 4 }}
              >
                <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
                <XAxis dataKey="day" tick={AXIS_TICK} />
                <YAxis
                  allowDecimals={false}
                  tick={AXIS_TICK}
                  width={48}
                  label={{ value: "Findings", angle: -90, position: "insideLeft", style: AXIS_LABEL }}
                />
                <Tooltip labelFormatter={tooltipLabel} />
                <Legend
                  wrapperStyle={{ fontSize: 12 }}
                  // worst first, as everywhere else, rather than alphabetical
                  itemSorter={(item) => LEGEND_ORDER.indexOf(String(item.dataKey))}
                />
                {SERIES.map((series) => (
                  <Bar
                    key={series}
                    dataKey={series}
                    stackId="failing"
                    name={chartConfig[series].label}
                    fill={chartConfig[series].color}
                    isAnimationActive={false}
                  />
                ))}
              </ComposedChart>
            </ResponsiveContainer>
          </div>
        </div>
        <div>
          <p className="mb-1 text-sm font-medium text-slate-700">
            Principals with cluster-admin (groups included)
          </p>
          <div className="h-60 w-full">
            <ResponsiveContainer width="100%" height="100%">
              <ComposedChart
                accessibilityLayer={false}
                data={rows}
                margin={{ top: 8, right: 8, bottom: 0, left: 4 }}
              >
                <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
                <XAxis dataKey="day" tick={AXIS_TICK} />
                <YAxis
                  allowDecimals={false}
                  tick={AXIS_TICK}
                  width={48}
                  label={{ value: "Principals", angle: -90, position: "insideLeft", style: AXIS_LABEL }}
                />
                <Tooltip labelFormatter={tooltipLabel} />
                <Line
                  dataKey="clusterAdmins"
                  name={chartConfig.clusterAdmins.label}
                  stroke={chartConfig.clusterAdmins.color}
                  strokeWidth={2}
                  dot={{ r: 3 }}
                  isAnimationActive={false}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
        </div>
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
    </figure>
  );
}
