import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveSettings } from "@/app/settings/actions";
import { closePool } from "@/lib/db/pool";
import { readJobsConfig } from "@/lib/jobs/config";
import { stopJobServices } from "@/lib/jobs/job-services";
import { getSettingsView } from "@/lib/jobs/settings-service";
import { NO_SETTINGS, readTenantSettings, writeTenantSettings } from "@/lib/jobs/tenant-settings";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { GET, PATCH } from "./route";

// The webhook URL's egress rules where an admin sets it: PATCH /api/settings answers 400, the settings form's
// server action answers with a form error, and nothing is stored. (Issue 18, finding 1: these URLs were
// accepted, and the receiver's answer was read back through Settings.)

const TENANT = "7f0e3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

const REFUSED: [string, RegExp][] = [
  ["http://10.0.0.1/", /webhookUrl: must use https/],
  ["http://localhost:5432/", /webhookUrl: must use https/],
  ["http://[fd00:ec2::254]/latest/meta-data/", /webhookUrl: must use https/],
  ["http://169.254.169.254/metadata/instance", /webhookUrl: must use https/],
  [
    "https://169.254.169.254/metadata/instance",
    /webhookUrl: refused: address 169\.254\.169\.254 is metadata/,
  ],
  ["https://[fd00:ec2::254]/", /webhookUrl: refused: address fd00:ec2::254 is metadata/],
  ["https://10.0.0.1/hook", /webhookUrl: refused: address 10\.0\.0\.1 is private/],
  ["https://localhost:5432/", /webhookUrl: refused: localhost is loopback/],
  ["https://0x7f.1/", /webhookUrl: refused: address 127\.0\.0\.1 is loopback/],
];

describe("webhook URLs set through the API and the settings form", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url });
    process.env.DATABASE_URL = db.url;
    // With DATABASE_URL set, stored webhook URLs are sealed with a key from the environment.
    process.env.ATLAS_SECRET_KEY = randomBytes(48).toString("base64");
    delete process.env.ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS;
    delete process.env.ATLAS_WEBHOOK_URL;
    // A tenant with settings is a known tenant, scanned or not.
    await writeTenantSettings(pool, TENANT, { ...NO_SETTINGS, retentionDays: 30 });
  });
  afterAll(async () => {
    await stopJobServices();
    await closePool();
    await pool.end();
    await db.drop();
    process.env = saved;
  });

  const patch = (body: unknown) =>
    PATCH(
      new NextRequest("http://127.0.0.1/api/settings", {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );

  it.each(REFUSED)("PATCH refuses %s with a 400", async (webhookUrl, message) => {
    const response = await patch({ tenantId: TENANT, webhookUrl });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_settings");
    expect(body.error.message).toMatch(message);
    expect((await readTenantSettings(pool, TENANT)).webhookUrl).toBeNull();
  });

  it.each(REFUSED)("the settings form refuses %s", async (webhookUrl, message) => {
    const form = new FormData();
    form.set("tenantId", TENANT);
    form.set("scheduleMode", "inherit");
    form.set("webhookMode", "custom");
    form.set("webhookUrl", webhookUrl);
    form.set("retentionDays", "30");
    const state = await saveSettings(null, form);
    expect(state).toMatchObject({ ok: false });
    // The form names the problem beside its field (0eade5c), in the egress rule's words without the
    // field name the API's message carries; the status line only points there.
    expect(state?.message).toMatch(/one field needs a change/);
    expect(state?.fieldErrors?.webhookUrl).toMatch(new RegExp(message.source.replace(/^webhookUrl: /, "")));
    expect((await readTenantSettings(pool, TENANT)).webhookUrl).toBeNull();
  });

  it("accepts an https URL, and http only to a host the operator allow-listed", async () => {
    const ok = await patch({ tenantId: TENANT, webhookUrl: "https://hooks.slack.com/services/T0/B0/X" });
    expect(ok.status).toBe(200);
    process.env.ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS = "relay.monitoring.svc:8080";
    try {
      expect(
        (await patch({ tenantId: TENANT, webhookUrl: "http://relay.monitoring.svc:8080/hook" })).status,
      ).toBe(200);
      expect(
        (await patch({ tenantId: TENANT, webhookUrl: "http://relay.monitoring.svc:9090/hook" })).status,
      ).toBe(400);
    } finally {
      delete process.env.ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS;
    }
    expect((await readTenantSettings(pool, TENANT)).webhookUrl).toBe("http://relay.monitoring.svc:8080/hook");
  });

  it("a bad ATLAS_WEBHOOK_URL or allow-list is a configuration error naming the variable", async () => {
    process.env.ATLAS_WEBHOOK_URL = "http://169.254.169.254/metadata";
    try {
      const response = await GET(new NextRequest(`http://127.0.0.1/api/settings?tenant=${TENANT}`));
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error).toEqual({
        code: "invalid_configuration",
        message: expect.stringMatching(/^ATLAS_WEBHOOK_URL: must use https/),
      });
    } finally {
      delete process.env.ATLAS_WEBHOOK_URL;
    }
  });

  it("shows a stored delivery error only as a status or the product's own reason", async () => {
    // A row written before the fix: the receiver's answer after the status.
    await pool.query(
      `INSERT INTO drift_notifications (scan_id, tenant_id, status, events, attempts, last_error)
       VALUES (1, $1, 'failed', 0, 1, $2)`,
      [TENANT, 'The webhook answered 200: {"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"x"}'],
    );
    const view = await getSettingsView(pool, { tenantId: TENANT, config: readJobsConfig({}) });
    expect(view.lastNotification?.lastError).toBe("HTTP 200 from webhook");
    const api = await GET(new NextRequest(`http://127.0.0.1/api/settings?tenant=${TENANT}`));
    expect(await api.text()).not.toContain("ASIAEXAMPLE");
  });
});
