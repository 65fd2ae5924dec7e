import { getHeapStatistics } from "node:v8";

/**
 * A scan allocates gigabytes of short-lived objects and JSON (a million ~3 KB payloads, hashed and then
 * serialised), while what it keeps is the model, its index and one batch (~250 MB at 500 clusters). V8
 * collects the old generation only as the heap nears its limit (4 GB by default), so the process would
 * grow to several times its live set. Processes that scan are started with --expose-gc (bin/aks-atlas.mjs,
 * `npm start`): a look at the heap after the inventory is stored, after each cluster's attack-path searches
 * and after each batch's store, and a full collection at each scan's start, keep RSS near the live set
 * (a 100-cluster scan's peak 1,058–1,093 → 909–947 MiB, docs/performance.md, "Smaller batches, and a scan
 * that starts clean"). Without the flag this does nothing.
 *
 * A full collection costs ~120 ms with a 20-cluster tenant's heap and more with a larger one, and a batch of
 * such a tenant leaves 50–130 MB of garbage: collecting after every batch was ~6 % of its scan
 * (docs/performance.md, "Flat edges in the search"). So it collects only once the heap has grown
 * GROWTH_BEFORE_COLLECTING past what the last collection left (256 MB: 80 MB more peak RSS there, for no
 * more time saved).
 */
export const GROWTH_BEFORE_COLLECTING = 128 * 1024 * 1024;

export type GarbageCollector = {
  /** runs `gc` once the heap has grown `growth` bytes past what the last collection left */
  onGrowth(): void;
  /**
   * runs `gc` now: at a scan's start, where what the process's last scan built is garbage that V8 has not
   * collected yet (~450 MB after a 100-cluster scan), and the new scan's collection would otherwise grow
   * the heap on top of it (docs/performance.md, "Smaller batches, and a scan that starts clean")
   */
  now(): void;
};

/** A collector of the heap (`usedHeap`) by `gc`, on growth or now. */
export function collectorOnGrowth(
  gc: (() => void) | undefined,
  usedHeap: () => number,
  growth: number = GROWTH_BEFORE_COLLECTING,
): GarbageCollector {
  if (!gc) return { onGrowth: () => {}, now: () => {} };
  let liveAfterLastCollection = 0;
  const now = () => {
    gc();
    liveAfterLastCollection = usedHeap();
  };
  return {
    onGrowth() {
      if (usedHeap() - liveAfterLastCollection >= growth) now();
    },
    now,
  };
}

const collector = collectorOnGrowth(
  (globalThis as { gc?: () => void }).gc,
  () => getHeapStatistics().used_heap_size,
);
export const collectGarbage: () => void = collector.onGrowth;
export const collectGarbageNow: () => void = collector.now;
