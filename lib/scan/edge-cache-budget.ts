import { getHeapStatistics } from "node:v8";

/**
 * What a scan lets the attack-path searches' edge caches hold (AccessIndex.edgeCacheBytes): a quarter of
 * the heap limit. On a 500-cluster tenant the searches cost 20× less CPU when the caches hold the
 * tenant's edges (~0.5 GB there) than when they are rebuilt for every cluster (docs/performance.md,
 * "Edge caches sized to the heap"); under a smaller heap (a container's memory limit, or
 * NODE_OPTIONS=--max-old-space-size) they keep less and the scan is slower, never wrong.
 */
export function scanEdgeCacheBytes(heapLimitBytes = getHeapStatistics().heap_size_limit): number {
  return Math.floor(heapLimitBytes / 4);
}
