// The state as of a completed scan never changes: a later scan only closes rows with its own,
// larger id. Aggregates of past scans (the posture trend reads up to 20 of them) are therefore
// computed once per process and kept, bounded so a long-lived server does not grow without end.

const MAX_ENTRIES = 2000;

export function memoByScan<T>(): (key: string, compute: () => Promise<T>) => Promise<T> {
  const entries = new Map<string, Promise<T>>();
  return (key, compute) => {
    const hit = entries.get(key);
    if (hit) return hit;
    const pending = compute().catch((error: unknown) => {
      entries.delete(key);
      throw error;
    });
    entries.set(key, pending);
    if (entries.size > MAX_ENTRIES) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    return pending;
  };
}
