import { z } from "zod";
import type { Coverage, TenantModel } from "@/lib/model/tenant-model";

// "demo-history": the demo's back-dated earlier states (lib/server/demo-history-scans.ts), never Azure.
export const scanTriggerSchema = z.enum([
  "manual",
  "api",
  "cli",
  "startup",
  "schedule",
  "cron",
  "demo-history",
  // `aks-atlas import`: a tenant file (written by `aks-atlas collect` or by hand), read without the network.
  "import",
]);
export type ScanTrigger = z.infer<typeof scanTriggerSchema>;
export type ScanStatus = "running" | "succeeded" | "partial" | "failed";
export type ScanPhase = "queued" | "collect" | "store" | "analyse" | "done";

export interface ScanError {
  source: string;
  code: string;
  message: string;
}

/** What the collection stage hands to the store (lib/scan/collect). */
export interface CollectedTenant {
  model: TenantModel;
  errors: ScanError[];
  apiCalls: Record<string, number>;
  counts: Record<string, number>;
}

export interface ScanProgress {
  phase: ScanPhase;
  done: number;
  total: number;
  current?: string;
}

export type CollectFunction = (
  onProgress: (p: { done: number; total: number; current?: string }) => void,
) => Promise<CollectedTenant>;

export function coverageComplete(coverage: Coverage): boolean {
  return Object.values(coverage).every((entry) => entry.status === "complete");
}
