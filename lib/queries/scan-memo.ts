import type { ScanScope } from "@/lib/queries/scan-scope";

// The state as of a completed scan never changes: a later scan only closes rows with its own,
// larger id. Aggregates of past scans are therefore computed once per process and kept, bounded so a
// long-lived server does not grow without end: the server warms every scan it sees (warm-scan.ts), and an
// aggregate like the role assignments of a 500-cluster tenant is tens of megabytes, so most memos keep the
// few latest scans; the posture trend's small points keep the 20 scans it charts and many more.
//
// Kept on globalThis, by name: Next.js bundles these modules into the pages apart from the custom server
// that warms them (lib/server/background.ts), so a module-level map gave each bundle its own, and every
// aggregate the server warmed was computed again by its first visitor.

/** scans a memo keeps unless told otherwise: the latest few, and a few older ones someone opened */
const DEFAULT_MAX_ENTRIES = 8;

const registry = globalThis as typeof globalThis & {
  atlasScanMemos?: Map<string, Map<string, Promise<unknown>>>;
};

/**
 * A per-scan memo; `name` says which aggregate it holds, the same name in every bundle of the process. The
 * entry read least recently is dropped past `maxEntries`.
 */
export function memoByScan<T>(
  name: string,
  maxEntries = DEFAULT_MAX_ENTRIES,
): (key: string, compute: () => Promise<T>) => Promise<T> {
  registry.atlasScanMemos ??= new Map();
  const memos = registry.atlasScanMemos;
  if (!memos.has(name)) memos.set(name, new Map());
  const memo = memos.get(name) as Map<string, Promise<T>>;
  return (key, compute) => {
    const hit = memo.get(key);
    if (hit) {
      // read again: the last to go (a Map keeps insertion order)
      memo.delete(key);
      memo.set(key, hit);
      return hit;
    }
    const pending = compute().catch((error: unknown) => {
      memo.delete(key);
      throw error;
    });
    memo.set(key, pending);
    if (memo.size > maxEntries) {
      const leastRecent = memo.keys().next().value;
      if (leastRecent !== undefined) memo.delete(leastRecent);
    }
    return pending;
  };
}

/**
 * A per-scan memo of answers about one object of a scan (a cluster's access summary, a page of a principal):
 * keyed by the tenant, the scan and `key`, so that no two scans' answers meet; the `maxEntries` read last are
 * kept. What it hands out is shared by every reader: never changed in place.
 */
export function memoByScanObject<T>(
  name: string,
  maxEntries: number,
): (scope: Pick<ScanScope, "tenantId" | "scanId">, key: string, read: () => Promise<T>) => Promise<T> {
  const memo = memoByScan<T>(name, maxEntries);
  return (scope, key, read) => memo(`${scope.tenantId}:${scope.scanId}:${key}`, read);
}
