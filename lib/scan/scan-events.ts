import type { ScanOutcome } from "./run-scan";

type ScanListener = (outcome: ScanOutcome) => void;
// On globalThis, like the tenant sources: Next bundles route handlers apart from the custom server.
const registry = globalThis as typeof globalThis & { atlasScanListeners?: ScanListener[] };

/**
 * Called after every scan this process commits (succeeded or partial), whoever started it: the API, a
 * schedule, the startup scan. Returns the function that removes the listener.
 */
export function onScanCommitted(listener: ScanListener): () => void {
  registry.atlasScanListeners = [...(registry.atlasScanListeners ?? []), listener];
  return () => {
    registry.atlasScanListeners = registry.atlasScanListeners?.filter((entry) => entry !== listener);
  };
}

export function notifyScanCommitted(outcome: ScanOutcome): void {
  for (const listener of registry.atlasScanListeners ?? []) {
    try {
      listener(outcome);
    } catch (error) {
      console.error("[atlas] a scan listener failed:", error);
    }
  }
}
