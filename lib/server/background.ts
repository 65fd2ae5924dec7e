import { hasAzureCredentials } from "@/lib/azure/scan-target";
import { readDatabaseConfig } from "@/lib/db/config";
import { pool } from "@/lib/db/pool";
import { demoTenantPath, loadDemoTenant } from "@/lib/emulator/demo";
import { startJobServices } from "@/lib/jobs/job-services";
import { keepLatestScanWarm, warmScanReads } from "@/lib/queries/warm-scan";
import { createAzureTenantSource } from "@/lib/scan/azure-tenant";
import { emulatedTenantSource } from "@/lib/scan/emulated-tenant";
import { onScanCommitted } from "@/lib/scan/scan-events";
import { startScan } from "@/lib/scan/start-scan";
import { registerTenantSource } from "@/lib/scan/tenant-sources";
import { scanDemoHistory } from "./demo-history-scans";

const DEMO_DISPLAY_NAME = "Contoso (demo)";
/** How often the server looks for a scan committed elsewhere (a worker, the CLI) to prepare for the pages. */
const LATEST_SCAN_CHECK_MS = 15_000;

export interface BackgroundServices {
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  databaseUrl: string;
  port: number;
}

/**
 * Demo mode, first start only: scans the demo tenant's back-dated history (lib/server/demo-history-scans.ts)
 * BEFORE the server listens, so no visitor ever takes a half-built past for the present; the startup scan
 * of the current state follows as usual. Nothing with Azure credentials, ATLAS_DEMO_HISTORY=0 or
 * ATLAS_SCAN_ON_START=0; nothing when the tenant was scanned before (a second start adds no history).
 */
export async function prepareDemoHistory(): Promise<void> {
  if (hasAzureCredentials(process.env)) return;
  if (process.env.ATLAS_DEMO_HISTORY === "0" || process.env.ATLAS_SCAN_ON_START === "0") return;
  try {
    const history = await scanDemoHistory({
      pool: pool(),
      current: await loadDemoTenant(),
      tenantFile: demoTenantPath,
      displayName: DEMO_DISPLAY_NAME,
      dataDir: readDatabaseConfig().dataDir,
      log: (line) => console.log(`[atlas] ${line}`),
    });
    if (history) console.log(`[atlas] demo history: ${history.length} earlier states scanned`);
  } catch (error) {
    // The demo still starts: the startup scan gives it a present without a past.
    console.error(`[atlas] demo history failed: ${(error as Error).message}`);
  }
}

/**
 * Registers what the app scans: the tenant configured by Azure credentials, or — with none — the demo
 * tenant served by the in-process emulator, scanned once at start (ATLAS_SCAN_ON_START=0 turns that off).
 */
export async function startBackgroundServices(options: BackgroundOptions): Promise<BackgroundServices> {
  const stops: (() => Promise<void>)[] = [];
  // The pages' per-scan aggregates are computed as soon as a scan commits, not by its first visitor.
  const stopWarming = onScanCommitted((outcome) => {
    warmScanReads(outcome.tenantId, outcome.scanId).catch((error: unknown) =>
      console.error(`[atlas] could not prepare scan #${outcome.scanId} for the dashboard:`, error),
    );
  });
  stops.push(async () => stopWarming());
  // ...and so are scans committed by other processes (workers, `aks-atlas scan`), and the latest one at start.
  const latestWarmer = keepLatestScanWarm({ intervalMs: LATEST_SCAN_CHECK_MS });
  stops.push(() => latestWarmer.stop());
  let tenantId: string;
  if (hasAzureCredentials(process.env)) {
    const source = await createAzureTenantSource(process.env);
    registerTenantSource(source);
    tenantId = source.tenant.id;
    console.log(`[atlas] scanning Azure tenant ${tenantId}`);
  } else {
    const { source, emulator } = await emulatedTenantSource({
      tenant: await loadDemoTenant(),
      tenantFile: demoTenantPath,
      dataDir: readDatabaseConfig().dataDir,
      displayName: DEMO_DISPLAY_NAME,
    });
    registerTenantSource(source);
    stops.push(() => emulator.close());
    tenantId = source.tenant.id;
    console.log(
      `[atlas] demo mode: no Azure credentials configured; the demo tenant is served at ${emulator.url}`,
    );
  }
  if (process.env.ATLAS_SCAN_ON_START !== "0") {
    startScan({ tenantId, trigger: "startup" })
      .then(({ scanId, done }) => {
        console.log(`[atlas] startup scan #${scanId} running`);
        return done.then((o) =>
          console.log(`[atlas] startup scan #${scanId}: ${o.status} in ${o.durationMs} ms`),
        );
      })
      .catch((error: unknown) => console.error(`[atlas] startup scan failed: ${(error as Error).message}`));
  }

  // Scheduled scans, drift notifications and retention (lib/jobs): a worker in this process unless
  // ATLAS_WORKER=off. Registered last so it stops first: a running job ends before the emulator does.
  const jobs = await startJobServices({ databaseUrl: options.databaseUrl });
  stops.push(() => jobs.stop());

  return {
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
