import { openDatabase } from "@/lib/db/open-database";
import { startBackgroundServices } from "@/lib/server/background";
import { startJobServices } from "./job-services";

/**
 * `npm run worker`: a process that only runs queued jobs (scheduled scans, drift follow-ups, retention).
 * Start as many as you like, on as many machines, against one DATABASE_URL; run the app with
 * ATLAS_WORKER=off to leave scanning to them. Tenant sources are registered exactly as the app registers
 * them (Azure credentials from the environment, or the demo tenant).
 */
async function main(): Promise<void> {
  // A worker scans on schedule and on request, never once at start.
  process.env.ATLAS_SCAN_ON_START = "0";
  process.env.ATLAS_WORKER = "in-process";
  const db = await openDatabase({ attach: true });
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
  const background = await startBackgroundServices({ databaseUrl: db.url, port: 0 });
  const jobs = await startJobServices({ databaseUrl: db.url, work: true });
  console.log("[atlas] worker running; Ctrl-C to stop");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[atlas] worker ${signal}: finishing the running job, then stopping`);
    await jobs.stop().catch((error: unknown) => console.error("[atlas] job runner stop failed", error));
    await background.stop().catch((error: unknown) => console.error("[atlas] background stop failed", error));
    await db.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(`[atlas] worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
