import Link from "next/link";
import type { ReactNode } from "react";
import { hrefWith, Pagination } from "@/components/ui/pagination";

// The one table the list pages (clusters, principals, identities) render: a caption, column headers
// with scope, optional sort links, rows, pagination and the empty state. It only renders: which rows,
// in which order, on which page is decided by the use case in lib/ that the page called, from the URL
// (every view can be bookmarked and shared). A server component, so cell renderers may be functions.

export type SortDirection = "asc" | "desc";

export type DataTableColumn<Row, Key extends string = string> = {
  /** stable id, used as React key */
  id: string;
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** the cell that names the row: rendered as <th scope="row"> */
  rowHeader?: boolean;
  /** numbers: right-aligned, tabular figures */
  align?: "start" | "end";
  /** the value of `?sort=` that orders by this column; no sort link without it */
  sortKey?: Key;
  /** extra classes of the body cell (e.g. muted text) */
  cellClassName?: string;
};

/** The view the rows show, as it sits in the URL (without `page`, which the table sets itself). */
export type DataTableUrl = {
  basePath: string;
  params: Record<string, string | undefined>;
};

export type DataTableSort<Key extends string = string> = {
  key: Key;
  direction: SortDirection;
  /** the direction a column sorts in when first chosen (counts most-first, names A→Z) */
  defaultDirection: (key: Key) => SortDirection;
};

export type DataTableProps<Row, Key extends string = string> = {
  /** what the rows are, capitalised ("Clusters"): names the pagination landmark "<label> pages" */
  label: string;
  caption: ReactNode;
  columns: readonly DataTableColumn<Row, Key>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  url: DataTableUrl;
  sort?: DataTableSort<Key>;
  pagination: { page: number; pageSize: number; total: number };
  /** shown instead of the table when no row matches */
  empty: ReactNode;
  /** the table's min width class (`min-w-[64rem]`): below it, the card scrolls sideways */
  minWidthClass?: string;
  /** rows whose cells hold lists read better top-aligned */
  alignTop?: boolean;
  hoverRows?: boolean;
};

const CARD = "rounded-lg border border-slate-200 bg-white";
const HEAD = "border-y border-slate-200 bg-slate-50 text-slate-700";
const CELL = "px-3 py-2";

/** The href of a sort header: a new column starts in its own direction; the current one flips. Page 1. */
export function sortHref<Key extends string>(url: DataTableUrl, sort: DataTableSort<Key>, key: Key): string {
  const next: SortDirection =
    sort.key === key ? (sort.direction === "asc" ? "desc" : "asc") : sort.defaultDirection(key);
  return hrefWith(url.basePath, url.params, { sort: key, dir: next, page: undefined });
}

function SortHeader<Key extends string>({
  url,
  sort,
  sortKey,
  children,
}: {
  url: DataTableUrl;
  sort: DataTableSort<Key>;
  sortKey: Key;
  children: ReactNode;
}) {
  const active = sort.key === sortKey;
  return (
    <Link href={sortHref(url, sort, sortKey)} className="inline-flex items-center gap-1 hover:underline">
      {children}
      <span aria-hidden="true" className="text-slate-500">
        {active ? (sort.direction === "asc" ? "▲" : "▼") : "↕"}
      </span>
      <span className="sr-only">
        {active ? `, sorted ${sort.direction === "asc" ? "ascending" : "descending"}` : ", sort"}
      </span>
    </Link>
  );
}

function ariaSort<Key extends string>(sort: DataTableSort<Key> | undefined, key: Key | undefined) {
  if (!sort || key === undefined) return undefined;
  if (sort.key !== key) return "none";
  return sort.direction === "asc" ? "ascending" : "descending";
}

export function DataTable<Row, Key extends string = string>({
  label,
  caption,
  columns,
  rows,
  rowKey,
  url,
  sort,
  pagination,
  empty,
  minWidthClass = "min-w-[48rem]",
  alignTop = false,
  hoverRows = true,
}: DataTableProps<Row, Key>) {
  if (pagination.total === 0) {
    return <p className={`${CARD} p-4 text-sm text-slate-600`}>{empty}</p>;
  }
  const pages = Math.max(1, Math.ceil(pagination.total / pagination.pageSize));
  return (
    <div className={CARD}>
      <div className="relative overflow-x-auto">
        <table className={`w-full ${minWidthClass} text-left text-sm`}>
          <caption className="px-3 py-2 text-left text-slate-600">{caption}</caption>
          <thead className={HEAD}>
            <tr>
              {columns.map((column) => (
                <th
                  key={column.id}
                  scope="col"
                  aria-sort={ariaSort(sort, column.sortKey)}
                  className={`${CELL} font-medium ${column.align === "end" ? "text-right" : ""}`}
                >
                  {sort && column.sortKey !== undefined ? (
                    <SortHeader url={url} sort={sort} sortKey={column.sortKey}>
                      {column.header}
                    </SortHeader>
                  ) : (
                    column.header
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className={`divide-y divide-slate-100 ${alignTop ? "align-top" : ""}`}>
            {rows.map((row) => (
              <tr key={rowKey(row)} className={hoverRows ? "hover:bg-slate-50" : undefined}>
                {columns.map((column) => {
                  const className = `${CELL} ${column.align === "end" ? "text-right tabular-nums" : ""} ${column.cellClassName ?? ""}`;
                  return column.rowHeader ? (
                    <th key={column.id} scope="row" className={`${className} font-medium`}>
                      {column.cell(row)}
                    </th>
                  ) : (
                    <td key={column.id} className={className}>
                      {column.cell(row)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 ? (
        // a page past the last one (an old link after the data shrank): say so, and lead back
        <p className="p-4 text-sm text-slate-600">
          Page {pagination.page} is past the last page.{" "}
          <Link
            className="text-brand-700 underline"
            href={hrefWith(url.basePath, url.params, { page: String(pages) })}
          >
            Go to page {pages}
          </Link>
          .
        </p>
      ) : null}
      <div className="px-3 pb-3">
        {rows.length === 0 ? null : (
          <Pagination
            basePath={url.basePath}
            params={url.params}
            page={pagination.page}
            pageSize={pagination.pageSize}
            total={pagination.total}
            label={label}
          />
        )}
      </div>
    </div>
  );
}
