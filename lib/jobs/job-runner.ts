import { type Clock, type Job, PgBoss } from "pg-boss";
import { z } from "zod";
import { createPool } from "@/lib/db/pool";
import type { DbPool } from "@/lib/db/queryable";
import { followUpScan } from "@/lib/jobs/follow-up-scan";
import type { DeliverOptions } from "@/lib/notify/deliver-webhook";
import { runScan } from "@/lib/scan/run-scan";
import { ScanAlreadyRunningError } from "@/lib/scan/scan-lock";
import { registeredTenantIds, type TenantSource, tenantSource } from "@/lib/scan/tenant-sources";
import { type JobsConfig, readJobsConfig } from "./config";
import { enqueueFollowUps } from "./follow-ups";
import {
  NOTIFY_QUEUE,
  NOTIFY_RETRY,
  RETENTION_CRON,
  RETENTION_QUEUE,
  SCAN_JOB_EXPIRE_SECONDS,
  SCAN_QUEUE,
  type ScanJobData,
  SWEEP_CRON,
  SWEEP_QUEUE,
  scanSingletonKey,
} from "./queues";
import { type PruneResult, pruneTenantHistory } from "./retention";
import { effectiveSettings, knownTenantIds, NO_SETTINGS, readAllTenantSettings } from "./tenant-settings";

export type JobRunnerOptions = {
  databaseUrl: string;
  /** pool for scans and drift; the runner opens (and closes) its own when omitted */
  pool?: DbPool;
  config?: JobsConfig;
  /** process jobs (a worker); false only sends jobs and writes schedules (the app with ATLAS_WORKER=off) */
  work?: boolean;
  /** where a tenant's scans read from (default: the registry filled at server or worker start) */
  sourceOf?: (tenantId: string) => TenantSource | undefined;
  registeredTenants?: () => string[];
  /** tests: a pg-boss TestClock, faster polling, a webhook fetch */
  clock?: Clock;
  pollingIntervalSeconds?: number;
  deliver?: DeliverOptions;
  /** a name in logs, when several runners share a process */
  name?: string;
  log?: (message: string) => void;
};

export type ScheduleSyncResult = {
  scheduled: { tenantId: string; cron: string; timezone: string }[];
  removed: string[];
};

export type JobRunner = {
  boss: PgBoss;
  /** write each tenant's effective scan schedule into pg-boss (and remove schedules no tenant has) */
  syncSchedules(): Promise<ScheduleSyncResult>;
  /** queue a scan now; null when one is already queued for the tenant */
  enqueueScan(tenantId: string, trigger: ScanJobData["trigger"]): Promise<string | null>;
  enqueueFollowUps(tenantId?: string): Promise<number>;
  stop(): Promise<void>;
};

const scanJobDataSchema = z.object({ tenantId: z.string().min(1), trigger: z.enum(["schedule", "cron"]) });
const notifyJobDataSchema = z.object({ scanId: z.string().regex(/^\d+$/), tenantId: z.string() });

const scanJobOptions = (tenantId: string) => ({
  singletonKey: scanSingletonKey(tenantId),
  retryLimit: 0,
  expireInSeconds: SCAN_JOB_EXPIRE_SECONDS,
});

/**
 * Scans as jobs in a Postgres-backed queue (pg-boss). Any number of runners, in the app or in
 * `npm run worker`, on any number of machines, share one queue:
 *  - a tenant's schedule is a pg-boss schedule keyed by tenant; pg-boss's cron pass is claimed by one
 *    instance per interval and files each occurrence under a throttle slot, so an occurrence is sent once
 *    however many instances run (one per tick);
 *  - the scan queue is "stately" with the tenant as singleton key: one queued and one running scan per
 *    tenant at most, and runScan's advisory lock still refuses a second concurrent scan of a tenant from
 *    any other path (API, CLI);
 *  - `missed: "once"`: occurrences that came due while every instance was down are sent as one job when
 *    one comes back;
 *  - after a scan, its follow-up (drift summary, webhook) is a job of its own, so a slow webhook never
 *    holds up a scan; a sweep every minute follows up scans run outside the queue too.
 */
export async function startJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  const config = options.config ?? readJobsConfig();
  const work = options.work !== false;
  const log =
    options.log ??
    ((message: string) => console.log(`[atlas]${options.name ? ` ${options.name}` : ""} ${message}`));
  const ownPool = !options.pool;
  const pool = options.pool ?? createPool(options.databaseUrl, 6);
  // An idle connection the server drops (restart, failover) must not take the worker down with it.
  if (ownPool) pool.on("error", (error) => log(`database connection lost: ${error.message}`));
  const sourceOf = options.sourceOf ?? ((tenantId: string) => tenantSource(tenantId));
  const registered = options.registeredTenants ?? registeredTenantIds;

  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    application_name: "atlas-jobs",
    max: 4,
    schedule: work,
    supervise: work,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  boss.on("error", (error) =>
    log(`job queue error: ${error instanceof Error ? error.message : String(error)}`),
  );
  await boss.start();
  await ensureQueues(boss);

  const enqueueScan = (tenantId: string, trigger: ScanJobData["trigger"]) =>
    boss.send(SCAN_QUEUE, { tenantId, trigger } satisfies ScanJobData, scanJobOptions(tenantId));
  const followUps = (tenantId?: string) => enqueueFollowUps(pool, boss, { tenantId });

  async function syncSchedules(): Promise<ScheduleSyncResult> {
    const settings = await readAllTenantSettings(pool);
    const tenants = await knownTenantIds(pool, registered());
    const scheduled: ScheduleSyncResult["scheduled"] = [];
    for (const tenantId of tenants) {
      const effective = effectiveSettings(settings.get(tenantId) ?? NO_SETTINGS, config);
      if (!effective.scanSchedule) continue;
      await boss.schedule(
        SCAN_QUEUE,
        effective.scanSchedule,
        { tenantId, trigger: "schedule" } satisfies ScanJobData,
        {
          key: tenantId,
          tz: effective.scanTimezone,
          missed: "once",
          ...scanJobOptions(tenantId),
        },
      );
      scheduled.push({ tenantId, cron: effective.scanSchedule, timezone: effective.scanTimezone });
    }
    const wanted = new Set(scheduled.map((s) => s.tenantId));
    const removed: string[] = [];
    for (const existing of await boss.getSchedules(SCAN_QUEUE)) {
      if (wanted.has(existing.key)) continue;
      await boss.unschedule(SCAN_QUEUE, existing.key);
      removed.push(existing.key);
    }
    return { scheduled, removed };
  }

  if (work) {
    const polling = { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 };
    await boss.work<ScanJobData>(
      SCAN_QUEUE,
      { ...polling, localConcurrency: config.ATLAS_WORKER_CONCURRENCY },
      async ([job]) => runScanJob(job),
    );
    await boss.work(NOTIFY_QUEUE, { ...polling, includeMetadata: true }, async ([job]) => {
      const data = notifyJobDataSchema.parse(job.data);
      return followUpScan(pool, {
        scanId: BigInt(data.scanId),
        config,
        finalAttempt: job.retryCount >= job.retryLimit,
        deliver: options.deliver,
      });
    });
    await boss.work(RETENTION_QUEUE, polling, async () => {
      const settings = await readAllTenantSettings(pool);
      const results: PruneResult[] = [];
      for (const tenantId of await knownTenantIds(pool, registered())) {
        const { retentionDays } = effectiveSettings(settings.get(tenantId) ?? NO_SETTINGS, config);
        if (retentionDays === null) continue;
        results.push(await pruneTenantHistory(pool, { tenantId, keepDays: retentionDays }));
      }
      return { pruned: results };
    });
    await boss.work(SWEEP_QUEUE, polling, async () => ({ followUps: await followUps() }));
    await boss.schedule(RETENTION_QUEUE, RETENTION_CRON, {}, { tz: "UTC" });
    await boss.schedule(SWEEP_QUEUE, SWEEP_CRON, {}, { tz: "UTC" });
    const { scheduled } = await syncSchedules();
    log(
      `worker ready: ${scheduled.length ? scheduled.map((s) => `${s.tenantId} "${s.cron}" (${s.timezone})`).join(", ") : "no scan schedule"}`,
    );
  }

  async function runScanJob(job: Job<ScanJobData>) {
    const data = scanJobDataSchema.parse(job.data);
    const source = sourceOf(data.tenantId);
    if (!source) {
      log(`scan job ${job.id}: no scan source for tenant ${data.tenantId} in this process`);
      return { status: "no-source" };
    }
    try {
      const outcome = await runScan({
        pool,
        tenant: source.tenant,
        trigger: data.trigger,
        collect: source.collect,
      });
      log(
        `${data.trigger} scan #${outcome.scanId} of ${data.tenantId}: ${outcome.status} in ${outcome.durationMs} ms`,
      );
      await followUps(data.tenantId).catch((error: unknown) =>
        log(`follow-up not queued: ${(error as Error).message}`),
      );
      return { scanId: outcome.scanId.toString(), status: outcome.status };
    } catch (error) {
      // Another path (API, CLI, another worker's job) is scanning this tenant right now: this tick is covered.
      if (error instanceof ScanAlreadyRunningError) return { status: "already-running" };
      throw error;
    }
  }

  let stopping: Promise<void> | null = null;
  return {
    boss,
    syncSchedules,
    enqueueScan,
    enqueueFollowUps: followUps,
    stop() {
      // Idempotent: the server and the worker entry may both stop the same runner.
      stopping ??= (async () => {
        await boss.stop({ graceful: true, timeout: 30_000 });
        if (ownPool) await pool.end();
      })();
      return stopping;
    },
  };
}

async function ensureQueues(boss: PgBoss): Promise<void> {
  await boss.createQueue(SCAN_QUEUE, {
    policy: "stately",
    retryLimit: 0,
    expireInSeconds: SCAN_JOB_EXPIRE_SECONDS,
  });
  await boss.createQueue(NOTIFY_QUEUE, { ...NOTIFY_RETRY });
  await boss.createQueue(RETENTION_QUEUE, { policy: "singleton", retryLimit: 2, expireInSeconds: 3600 });
  await boss.createQueue(SWEEP_QUEUE, { policy: "singleton", retryLimit: 0 });
}
