import type { ScanScope } from "@/lib/queries/scan-scope";

// What a list's links carry besides its own filters: the scan the page shows, when the URL named one.
// Without it, "page 2" or "sort by name" of scan #3 would jump to the latest scan. A page that showed
// the latest keeps linking to the latest (no pinned id), as before.

/** `{ scan }` for links of a page whose URL named a scan, else `{}`. */
export function scanLinkParams(
  raw: Record<string, string | string[] | undefined>,
  scope: Pick<ScanScope, "scan">,
): { scan?: string } {
  return raw.scan === undefined ? {} : { scan: String(scope.scan.id) };
}
