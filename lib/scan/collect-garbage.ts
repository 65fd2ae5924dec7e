/**
 * A scan allocates gigabytes of short-lived objects and JSON (a million ~3 KB payloads, hashed and then
 * serialised), while what it keeps is the model, its index and one batch (~250 MB at 500 clusters). V8
 * collects the old generation only as the heap nears its limit (4 GB by default), so the process would
 * grow to several times its live set. Processes that scan are started with --expose-gc (bin/aks-atlas.mjs,
 * `npm start`): a full collection after the inventory is stored and after each analysis batch, about 1% of
 * the scan's time, keeps RSS near the live set. Without the flag this does nothing.
 */
export const collectGarbage: () => void = (globalThis as { gc?: () => void }).gc ?? (() => {});
