import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { NoScanYet } from "@/components/no-scan-yet";
import { EmptyState } from "@/components/ui/layout";
import { AppError } from "@/lib/http/app-error";

/**
 * How a drift page answers a range it cannot show: nothing scanned yet → the empty state; an unknown scan or
 * cluster → the 404 page; two scans that cannot be compared → a plain explanation. Anything else is a bug.
 */
export function rangeFailure(error: unknown): ReactNode {
  if (!(error instanceof AppError)) throw error;
  if (error.status === 404) {
    if (error.code === "no_scan") return <NoScanYet />;
    notFound();
  }
  if (error.status === 400) {
    return <EmptyState title="These scans cannot be compared">{error.message}</EmptyState>;
  }
  throw error;
}
