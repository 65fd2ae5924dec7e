import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePool } from "@/lib/db/pool";
import { DriftInputError, DriftNotFoundError } from "@/lib/drift/scan-range";
import { AppError } from "@/lib/http/app-error";
import { NO_SETTINGS, writeTenantSettings } from "@/lib/jobs/tenant-settings";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { getSettings, getSettingsPage } from "./get-settings";
import { updateTenantSettings } from "./update-settings";

// The settings use cases speak the one error vocabulary: a refused value is a 400 AppError, an unknown
// tenant a 404 — their own, no longer the drift module's errors. The page's view of the environment says
// whether the cron endpoint is on without carrying its secret.

const TENANT = "3c9d2e1f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const UNKNOWN = "00000000-0000-4000-8000-000000000abc";
const CRON_SECRET = `cron-${randomBytes(12).toString("hex")}`;

describe("settings use cases", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    process.env.ATLAS_SECRET_KEY = randomBytes(48).toString("base64");
    process.env.ATLAS_CRON_SECRET = CRON_SECRET;
    pool = new pg.Pool({ connectionString: db.url });
    await writeTenantSettings(pool, TENANT, { ...NO_SETTINGS, retentionDays: 30 });
  });
  afterAll(async () => {
    await closePool();
    await pool.end();
    await db.drop();
    process.env = saved;
  });

  it("gives the page the tenants, the chosen tenant's view and the environment, without the cron secret", async () => {
    const page = await getSettingsPage(TENANT);
    expect(page.tenants).toContain(TENANT);
    expect(page.tenantId).toBe(TENANT);
    expect(page.view).toEqual(await getSettings(TENANT));
    expect(page.view?.stored.retentionDays).toBe(30);
    expect(page.environment.cronEnabled).toBe(true);
    expect(JSON.stringify(page)).not.toContain(CRON_SECRET);
  });

  it("answers an unknown tenant with its own 404, not the drift module's", async () => {
    const error = await getSettingsPage(UNKNOWN).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 404, code: "tenant_not_found" });
    expect(error).not.toBeInstanceOf(DriftNotFoundError);
  });

  it("refuses a bad value with a 400 naming the field, not the drift module's error", async () => {
    const error = await updateTenantSettings({ tenantId: TENANT, retentionDays: -3 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 400, code: "invalid_settings" });
    expect((error as AppError).message).toMatch(/^retentionDays: /);
    expect(error).not.toBeInstanceOf(DriftInputError);
    expect((await getSettings(TENANT)).stored.retentionDays).toBe(30);
  });
});
