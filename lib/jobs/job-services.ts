import { resolvedDatabaseUrl } from "@/lib/db/prisma";
import { readJobsConfig } from "./config";
import { type JobRunner, startJobRunner } from "./job-runner";

// The process's job runner, on globalThis because Next.js route handlers are bundled apart from the server
// entry and do not share its module instances.
const registry = globalThis as unknown as { atlasJobRunner?: Promise<JobRunner> };

/**
 * Started by the server (lib/server/background.ts) and by `npm run worker`: a worker unless
 * ATLAS_WORKER=off (then the process only queues scans and writes schedules, and `npm run worker`
 * processes run them). Idempotent within a process.
 */
export async function startJobServices(options: { databaseUrl: string; work?: boolean }): Promise<{
  stop(): Promise<void>;
}> {
  const config = readJobsConfig();
  const work = options.work ?? config.ATLAS_WORKER === "in-process";
  registry.atlasJobRunner ??= startJobRunner({ databaseUrl: options.databaseUrl, config, work });
  const runner = await registry.atlasJobRunner.catch((error: unknown) => {
    registry.atlasJobRunner = undefined;
    throw error;
  });
  return {
    stop: async () => {
      registry.atlasJobRunner = undefined;
      await runner.stop();
    },
  };
}

/** The running job runner; in a process that started none (e.g. `next dev`), one that only sends jobs. */
export function jobRunner(): Promise<JobRunner> {
  registry.atlasJobRunner ??= startJobRunner({ databaseUrl: resolvedDatabaseUrl(), work: false });
  const runner = registry.atlasJobRunner;
  runner.catch(() => {
    if (registry.atlasJobRunner === runner) registry.atlasJobRunner = undefined;
  });
  return runner;
}

/** Stops whatever runner this process has (tests, shutdown of a process that only sent jobs). */
export async function stopJobServices(): Promise<void> {
  const runner = registry.atlasJobRunner;
  registry.atlasJobRunner = undefined;
  if (runner) await (await runner.catch(() => null))?.stop();
}
