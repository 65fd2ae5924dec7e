import { type ReactNode, Suspense } from "react";
import { SectionSkeleton } from "@/components/ui/layout";

// Each list page streams its table behind this boundary: the header and the filter form show at once,
// the rows follow. Keyed by the view in the URL, so a new filter, sort or page shows the skeleton again
// instead of the stale rows while the new ones load.

export function DataTableBoundary({
  label,
  view,
  rows = 8,
  children,
}: {
  /** what loads ("Clusters"); the skeleton's title and its screen-reader announcement */
  label: string;
  /** the view's URL params (filters, sort, page, scan) */
  view: Record<string, unknown>;
  rows?: number;
  children: ReactNode;
}) {
  return (
    <Suspense key={viewKey(view)} fallback={<DataTableSkeleton label={label} rows={rows} />}>
      {children}
    </Suspense>
  );
}

/** A stable key for a view: the same params in any order give the same key. */
export function viewKey(view: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(view)
      .filter((key) => view[key] !== undefined && view[key] !== "")
      .sort()
      .map((key) => [key, view[key]]),
  );
}

/** The loading state: busy (the e2e tier waits for no `aria-busy` before it looks), announced once. */
export function DataTableSkeleton({ label, rows = 8 }: { label: string; rows?: number }) {
  return <SectionSkeleton title={label} rows={rows} />;
}
