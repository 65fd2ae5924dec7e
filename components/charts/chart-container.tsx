"use client";

import type { ReactElement, ReactNode } from "react";
import { ResponsiveContainer } from "recharts";
import { CHART_INK, type ChartConfig, chartStyle } from "@/components/charts/palette";

// The frame every Recharts chart sits in (openstatus' ChartContainer): a <figure> named by an accessible
// summary, the series colours as CSS variables from the config (components/charts/palette.ts), an
// optional visible title and description, and each plot in a responsive box. The plots are hidden from
// assistive technology: each chart puts the same numbers beside it as a table or a list of links.

export function ChartContainer({
  id,
  config,
  summary,
  title,
  description,
  className = "space-y-2",
  children,
}: {
  /** unique on the page; the summary's id is `<id>-caption` */
  id: string;
  config: ChartConfig;
  /** what the chart shows, in a sentence: the figure's accessible name */
  summary: ReactNode;
  title?: ReactNode;
  description?: ReactNode;
  className?: string;
  children?: ReactNode;
}) {
  return (
    <figure aria-labelledby={`${id}-caption`} className={className} style={chartStyle(config)}>
      <figcaption id={`${id}-caption`} className="sr-only">
        {summary}
      </figcaption>
      {title ? (
        <div>
          <p className="text-sm font-medium text-slate-700">{title}</p>
          {description ? <p className="text-sm text-slate-600">{description}</p> : null}
        </div>
      ) : null}
      {children}
    </figure>
  );
}

/** One plot: a titled (or untitled) box of a fixed height whose chart fills its width. */
export function ChartPlot({
  title,
  heightClass = "h-60",
  children,
}: {
  title?: ReactNode;
  /** a Tailwind height class; the chart takes the box's height */
  heightClass?: string;
  /** one Recharts chart (BarChart, ComposedChart, …) */
  children: ReactElement;
}) {
  const box = (
    <div className={`${heightClass} w-full`}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </div>
  );
  if (!title) return <div aria-hidden="true">{box}</div>;
  return (
    <div aria-hidden="true">
      <p className="mb-1 text-sm font-medium text-slate-700">{title}</p>
      {box}
    </div>
  );
}

/** Tooltip and legend styling shared by every chart: the cards' border and radius, 12 px text. */
export const chartTooltipProps = {
  contentStyle: { borderRadius: 6, borderColor: CHART_INK.grid, fontSize: 12 },
  labelStyle: { color: CHART_INK.axisTitle, fontWeight: 500 },
  cursor: { fill: CHART_INK.hover },
} as const;

export const chartLegendProps = { wrapperStyle: { fontSize: 12 } } as const;
