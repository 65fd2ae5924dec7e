// The state as of a completed scan never changes: a later scan only closes rows with its own,
// larger id. Aggregates of past scans (the posture trend reads up to 20 of them) are therefore
// computed once per process and kept, bounded so a long-lived server does not grow without end.
//
// Kept on globalThis, by name: Next.js bundles these modules into the pages apart from the custom server
// that warms them (lib/server/background.ts), so a module-level map gave each bundle its own, and every
// aggregate the server warmed was computed again by its first visitor.

const MAX_ENTRIES = 2000;

const registry = globalThis as typeof globalThis & {
  atlasScanMemos?: Map<string, Map<string, Promise<unknown>>>;
};

/** A per-scan memo; `name` says which aggregate it holds, the same name in every bundle of the process. */
export function memoByScan<T>(name: string): (key: string, compute: () => Promise<T>) => Promise<T> {
  registry.atlasScanMemos ??= new Map();
  let entries = registry.atlasScanMemos.get(name) as Map<string, Promise<T>> | undefined;
  if (!entries) {
    entries = new Map();
    registry.atlasScanMemos.set(name, entries);
  }
  const memo = entries;
  return (key, compute) => {
    const hit = memo.get(key);
    if (hit) return hit;
    const pending = compute().catch((error: unknown) => {
      memo.delete(key);
      throw error;
    });
    memo.set(key, pending);
    if (memo.size > MAX_ENTRIES) {
      const oldest = memo.keys().next().value;
      if (oldest !== undefined) memo.delete(oldest);
    }
    return pending;
  };
}
