import { getHeapStatistics } from "node:v8";

/**
 * A scan allocates gigabytes of short-lived objects and JSON (a million ~3 KB payloads, hashed and then
 * serialised), while what it keeps is the model, its index and one batch (~250 MB at 500 clusters). V8
 * collects the old generation only as the heap nears its limit (4 GB by default), so the process would
 * grow to several times its live set. Processes that scan are started with --expose-gc (bin/aks-atlas.mjs,
 * `npm start`): a full collection after the inventory is stored and after an analysis batch keeps RSS near
 * the live set. Without the flag this does nothing.
 *
 * A full collection costs ~120 ms with a 20-cluster tenant's heap and more with a larger one, and a batch of
 * such a tenant leaves 50–130 MB of garbage: collecting after every batch was ~6 % of its scan
 * (docs/performance.md, "Flat edges in the search"). So it collects only once the heap has grown
 * GROWTH_BEFORE_COLLECTING past what the last collection left (256 MB: 80 MB more peak RSS there, for no
 * more time saved).
 */
export const GROWTH_BEFORE_COLLECTING = 128 * 1024 * 1024;

/** A collector that runs `gc` once the heap (`usedHeap`) has grown `growth` bytes past what its last run left. */
export function collectorOnGrowth(
  gc: (() => void) | undefined,
  usedHeap: () => number,
  growth: number = GROWTH_BEFORE_COLLECTING,
): () => void {
  if (!gc) return () => {};
  let liveAfterLastCollection = 0;
  return () => {
    if (usedHeap() - liveAfterLastCollection < growth) return;
    gc();
    liveAfterLastCollection = usedHeap();
  };
}

export const collectGarbage: () => void = collectorOnGrowth(
  (globalThis as { gc?: () => void }).gc,
  () => getHeapStatistics().used_heap_size,
);
