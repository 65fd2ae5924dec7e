import { notFound } from "next/navigation";
import { InvalidInputError, NotFoundError } from "@/lib/queries/query-errors";
import { resolveScanScope, type ScanScope } from "@/lib/queries/scan-scope";

/**
 * The scan a page shows: `?scan=<id>` or the latest completed one; null when nothing is scanned
 * yet (the page shows its empty state). An unknown or malformed scan id is a 404 page.
 */
export async function pageScope(
  searchParams: Record<string, string | string[] | undefined>,
): Promise<ScanScope | null> {
  const raw = searchParams.scan;
  try {
    return await resolveScanScope(Array.isArray(raw) ? raw[0] : raw);
  } catch (error) {
    if (error instanceof InvalidInputError || error instanceof NotFoundError) notFound();
    throw error;
  }
}

/** Runs a query and turns its NotFoundError into the 404 page. */
export async function orNotFound<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof InvalidInputError) notFound();
    throw error;
  }
}

export type PageSearchParams = Promise<Record<string, string | string[] | undefined>>;
