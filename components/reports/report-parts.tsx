import { Fragment, type ReactNode } from "react";
import type { PathStep } from "@/lib/access/types";
import type { FindingStatus } from "@/lib/findings/types";
import { STATUS_LABEL } from "./report-format";

// Small building blocks of the compliance report. Server components without state: they render the same in
// the app's report page (React Server Components) and in the standalone document (renderToStaticMarkup).

export function StatusBadge({ status }: { status: FindingStatus }) {
  return <span className={`badge s-${status}`}>{STATUS_LABEL[status]}</span>;
}

export function Severity({ severity }: { severity: string }) {
  return <span className={`sev sev-${severity}`}>{severity}</span>;
}

export function AccessPath({ path }: { path: readonly PathStep[] }) {
  return (
    <div className="path">
      {path.map((step, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a path's steps are ordered, and a label may repeat
        <Fragment key={index}>
          {index > 0 && (
            <span className="arrow" aria-hidden="true">
              →
            </span>
          )}
          {step.label}
        </Fragment>
      ))}
    </div>
  );
}

/** The first `max` paths, and how many more there were (a report keeps the shortest, with their count). */
export function AccessPaths({
  paths,
  total,
  max = 2,
}: {
  paths: readonly PathStep[][];
  total: number;
  max?: number;
}) {
  if (paths.length === 0) return null;
  const shown = paths.slice(0, max);
  const more = total - shown.length;
  return (
    <>
      {shown.map((path, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: paths are shown in their stored order
        <AccessPath key={index} path={path} />
      ))}
      {more > 0 && <div className="path">{`and ${more} more path(s)`}</div>}
    </>
  );
}

export function CountsBar({ counts }: { counts: { pass: number; fail: number; notAssessed: number } }) {
  const total = counts.pass + counts.fail + counts.notAssessed;
  if (total === 0) return <div className="bar" aria-hidden="true" />;
  const width = (n: number) => ({ width: `${((n / total) * 100).toFixed(2)}%` });
  return (
    <div className="bar" aria-hidden="true">
      <span className="b-pass" style={width(counts.pass)} />
      <span className="b-fail" style={width(counts.fail)} />
      <span className="b-na" style={width(counts.notAssessed)} />
    </div>
  );
}

/** The name of a table without a caption: "Table of" and its first columns, as it has always read. */
export function columnsLabel(columns: readonly string[]): string {
  return `Table of ${columns.join(" ").split(" ").slice(0, 6).join(" ")}`;
}

/**
 * A table in a box that scrolls sideways on a narrow screen, so the page itself never grows wider than the
 * phone (issue 16 #5: the shared report was 636 px wide at 390 px). The box is a named, focusable region so
 * the keyboard can scroll it (WCAG 2.1.1, axe scrollable-region-focusable); print shows the table whole.
 * Its name is the caption, else `columnsLabel`, unless `label` says otherwise (to keep names unique).
 */
export function ReportTable({
  caption,
  label,
  columns,
  numeric = [],
  widths,
  children,
}: {
  caption?: string;
  label?: string;
  columns: readonly string[];
  /** columns aligned right */
  numeric?: readonly string[];
  /** the columns' widths, from the first; a missing one takes the rest */
  widths?: readonly string[];
  children: ReactNode;
}) {
  return (
    // A div with the region role rather than a <section>: the tests and the print CSS know the box by
    // `.table-scroll`, and the standalone document's markup stays as it was.
    // biome-ignore lint/a11y/useSemanticElements: see above
    <div
      className="table-scroll"
      role="region"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll it by keyboard (WCAG 2.1.1)
      tabIndex={0}
      aria-label={label ?? caption ?? columnsLabel(columns)}
    >
      <table>
        {caption && <caption>{caption}</caption>}
        {widths && (
          <colgroup>
            {columns.map((column, index) => (
              <col key={column} style={widths[index] ? { width: widths[index] } : undefined} />
            ))}
          </colgroup>
        )}
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} className={numeric.includes(column) ? "num" : undefined}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
