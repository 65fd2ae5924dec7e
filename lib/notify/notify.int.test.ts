import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { TestClock } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeDrift } from "@/lib/drift/compute-drift";
import { resolveDriftRange } from "@/lib/drift/scan-range";
import { atLeast } from "@/lib/drift/severity";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { mutateTenantDocument } from "@/lib/emulator/generate/mutate-tenant";
import { readJobsConfig } from "@/lib/jobs/config";
import { type JobRunner, startJobRunner } from "@/lib/jobs/job-runner";
import { NOTIFY_QUEUE } from "@/lib/jobs/queues";
import { writeTenantSettings } from "@/lib/jobs/tenant-settings";
import { openJobs, pause } from "@/lib/jobs/test-support";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";
import { parseAllowHttpHosts } from "@/lib/net/webhook-url-policy";
import { runScan, type ScanTenantInfo } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { deliverWebhook, WebhookDeliveryError } from "./deliver-webhook";

// Drift notifications end to end: two scans of a drifting tenant, the follow-up job, a webhook receiver on
// 127.0.0.1 that fails twice before it accepts, pg-boss retrying with backoff on its TestClock.

type Received = { at: number; body: Record<string, unknown> };

function receiver(plan: number[]) {
  const received: Received[] = [];
  let clockNow = () => Date.now();
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => {
      text += chunk;
    });
    req.on("end", () => {
      received.push({ at: clockNow(), body: JSON.parse(text) as Record<string, unknown> });
      const status = plan[received.length - 1] ?? 200;
      res.writeHead(status, status === 429 ? { "retry-after": "7" } : {});
      res.end(status === 200 ? "ok" : "try later");
    });
  });
  return {
    received,
    useClock: (now: () => number) => {
      clockNow = now;
    },
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("deliverWebhook", () => {
  it("tells retryable failures from permanent ones", async () => {
    const hook = receiver([503, 429, 400, 200]);
    const url = await hook.listen();
    // A receiver on 127.0.0.1 over http: only as an operator's allow-listed host.
    const options = { allowHttpHosts: parseAllowHttpHosts(new URL(url).host) };
    try {
      const attempt = () => deliverWebhook(url, { text: "hi" }, options).catch((error: unknown) => error);
      const unavailable = await attempt();
      expect(unavailable).toBeInstanceOf(WebhookDeliveryError);
      expect(unavailable).toMatchObject({ retryable: true, status: 503, message: "HTTP 503 from webhook" });
      expect(await attempt()).toMatchObject({ retryable: true, status: 429, retryAfterSeconds: 7 });
      expect(await attempt()).toMatchObject({ retryable: false, status: 400 });
      expect(await deliverWebhook(url, { text: "hi" }, options)).toBe(200);
      expect(hook.received.map((r) => r.body)).toEqual(Array(4).fill({ text: "hi" }));
    } finally {
      await hook.close();
    }
    const refused = await deliverWebhook(url, {}, options).catch((error: unknown) => error);
    expect(refused).toMatchObject({ retryable: true, status: null, message: "connection refused" });
  });
});

describe("drift notifications", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let runner: JobRunner | null = null;
  const hook = receiver([503, 503, 200]);
  let tenant: ScanTenantInfo;
  let second: bigint;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 6 });
    const demo = await loadDemoTenant();
    const document = JSON.parse(JSON.stringify(demo)) as Record<string, unknown>;
    mutateTenantDocument(document, { seed: 3, share: 0.3 });
    const mutated = parseTenantFile(document, "mutated demo");
    tenant = { id: demo.tenantId, displayName: "Contoso", source: "import" };
    for (const file of [demo, mutated]) {
      const model = modelFromTenantFile(file);
      const outcome = await runScan({
        pool,
        tenant,
        trigger: "cli",
        collect: async () => ({ model, errors: [], apiCalls: {}, counts: {} }),
      });
      second = outcome.scanId;
    }
  });
  afterAll(async () => {
    await runner?.stop();
    await hook.close();
    await pool.end();
    await db.drop();
  });

  it("posts the events at or above the threshold, retrying with backoff until the receiver accepts", async () => {
    const url = await hook.listen();
    await writeTenantSettings(pool, tenant.id, {
      scanSchedule: null,
      scanTimezone: null,
      webhookUrl: url,
      webhookFormat: null,
      webhookMinSeverity: "medium",
      retentionDays: null,
    });
    // The URL is a credential: stored encrypted, never in clear.
    const stored = await pool.query<{ webhook_url: string }>(
      "SELECT webhook_url FROM tenant_settings WHERE tenant_id = $1",
      [tenant.id],
    );
    expect(stored.rows[0].webhook_url).not.toContain(new URL(url).host);
    expect(stored.rows[0].webhook_url).toMatch(/^sb1\./);
    // Starts at real time: the follow-up transaction stamps jobs with the database's own clock.
    const clock = new TestClock();
    hook.useClock(() => clock.now());
    runner = await startJobRunner({
      databaseUrl: db.url,
      pool,
      config: readJobsConfig({ ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS: new URL(url).host }),
      clock,
      log: () => {},
      pollingIntervalSeconds: 1,
      sourceOf: () => undefined,
      registeredTenants: () => [],
    });
    // Both scans are noticed once, however often anyone asks.
    expect(await runner.enqueueFollowUps()).toBe(2);
    expect(await runner.enqueueFollowUps()).toBe(0);

    for (let step = 0; step < 600; step++) {
      if ((await openJobs(pool, NOTIFY_QUEUE)) === 0) break;
      await clock.tick(1_000);
      await pause(10);
    }
    const { rows } = await pool.query<{ scan_id: string; status: string; events: number; attempts: number }>(
      "SELECT scan_id::text, status, events, attempts FROM drift_notifications ORDER BY scan_id",
    );
    // The first scan is a baseline (nothing to compare); the second is delivered on its third attempt.
    expect(rows.map((r) => r.status)).toEqual(["skipped", "delivered"]);
    expect(rows[1].attempts).toBe(3);
    expect(hook.received).toHaveLength(3);
    // Each retry waited: pg-boss's backoff starts at NOTIFY_RETRY.retryDelay (10 s) and grows.
    const gaps = hook.received.slice(1).map((r, i) => r.at - hook.received[i].at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(10_000);

    const report = await computeDrift(pool, await resolveDriftRange(pool, { to: second }));
    const expected = report.events.filter((e) => atLeast(e.severity, "medium"));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(report.events.length);
    expect(rows[1].events).toBe(expected.length);
    const body = hook.received[2].body as {
      text: string;
      blocks: unknown[];
      attachments: { contentType: string }[];
      drift: { events: { message: string; severity: string }[] };
    };
    expect(body.text).toContain(`${expected.length} drift event`);
    expect(body.blocks.length).toBeGreaterThan(1);
    expect(body.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(body.drift.events.map((e) => e.message)).toEqual(expected.map((e) => e.message));
    // The timeline's summary was counted on the way.
    const summary = await pool.query("SELECT 1 FROM drift_summaries WHERE to_scan_id = $1 AND scope = ''", [
      second.toString(),
    ]);
    expect(summary.rowCount).toBe(1);
  });
});
