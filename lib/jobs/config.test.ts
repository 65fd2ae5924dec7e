import { describe, expect, it } from "vitest";
import { JobsConfigError, readJobsConfig } from "./config";
import { cronSecretMatches, presentedCronSecret } from "./cron-secret";
import { effectiveSettings, NO_SETTINGS, tenantSettingsInputSchema } from "./tenant-settings";

describe("jobs configuration from the environment", () => {
  it("has defaults for everything", () => {
    expect(readJobsConfig({})).toMatchObject({
      ATLAS_SCAN_TIMEZONE: "UTC",
      ATLAS_WORKER: "in-process",
      ATLAS_WEBHOOK_FORMAT: "auto",
      ATLAS_WEBHOOK_MIN_SEVERITY: "high",
      ATLAS_RETENTION_DAYS: 365,
    });
    expect(readJobsConfig({ ATLAS_SCAN_SCHEDULE: "  " }).ATLAS_SCAN_SCHEDULE).toBeUndefined();
  });

  it.each([
    [{ ATLAS_SCAN_SCHEDULE: "every hour" }, "ATLAS_SCAN_SCHEDULE"],
    [{ ATLAS_CRON_SECRET: "short" }, "ATLAS_CRON_SECRET"],
    [{ ATLAS_WEBHOOK_URL: "ftp://example.com/hook" }, "ATLAS_WEBHOOK_URL"],
    [{ ATLAS_WEBHOOK_MIN_SEVERITY: "urgent" }, "ATLAS_WEBHOOK_MIN_SEVERITY"],
    [{ ATLAS_RETENTION_DAYS: "-1" }, "ATLAS_RETENTION_DAYS"],
    [{ ATLAS_WORKER: "thread" }, "ATLAS_WORKER"],
    // webhook egress (issue 18, finding 1): https only, http to allow-listed hosts, no refused literal
    [{ ATLAS_WEBHOOK_URL: "http://169.254.169.254/metadata" }, "ATLAS_WEBHOOK_URL: must use https"],
    [{ ATLAS_WEBHOOK_URL: "https://[fd00:ec2::254]/" }, "ATLAS_WEBHOOK_URL: refused: address fd00:ec2::254"],
    [
      { ATLAS_WEBHOOK_URL: "https://10.0.0.1/hook" },
      "ATLAS_WEBHOOK_URL: refused: address 10.0.0.1 is private",
    ],
    [{ ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS: "relay:8080, http://x/" }, "ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS"],
    [{ ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS: "169.254.169.254" }, "ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS"],
  ])("names the bad variable in %o", (env, name) => {
    expect(() => readJobsConfig(env)).toThrow(JobsConfigError);
    expect(() => readJobsConfig(env)).toThrow(name);
  });

  it("accepts http to a host the operator allow-listed, private or not", () => {
    const config = readJobsConfig({
      ATLAS_WEBHOOK_URL: "http://10.0.0.7:8080/hook",
      ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS: "relay.monitoring.svc, 10.0.0.7:8080",
    });
    expect(config.ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS).toEqual([
      { host: "relay.monitoring.svc", port: null },
      { host: "10.0.0.7", port: 8080 },
    ]);
    expect(readJobsConfig({}).ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS).toEqual([]);
  });
});

describe("effective settings", () => {
  const config = readJobsConfig({
    ATLAS_SCAN_SCHEDULE: "0 */6 * * *",
    ATLAS_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/X",
    ATLAS_RETENTION_DAYS: "90",
  });
  const env = { ATLAS_SCAN_SCHEDULE: "0 */6 * * *", ATLAS_WEBHOOK_URL: "x", ATLAS_RETENTION_DAYS: "90" };

  it("inherits the environment where the tenant set nothing", () => {
    expect(effectiveSettings(NO_SETTINGS, config, env)).toMatchObject({
      scanSchedule: "0 */6 * * *",
      scanTimezone: "UTC",
      webhookUrl: "https://hooks.slack.com/services/T/B/X",
      webhookMinSeverity: "high",
      retentionDays: 90,
      origin: {
        scanSchedule: "environment",
        webhookUrl: "environment",
        webhookMinSeverity: "default",
        retentionDays: "environment",
      },
    });
  });

  it("lets the tenant override, switch off, or keep everything", () => {
    const own = tenantSettingsInputSchema.parse({
      scanSchedule: "off",
      webhookUrl: "off",
      webhookMinSeverity: "critical",
      retentionDays: 0,
    });
    expect(effectiveSettings(own, config, env)).toMatchObject({
      scanSchedule: null,
      webhookUrl: null,
      webhookMinSeverity: "critical",
      retentionDays: null,
      origin: { scanSchedule: "settings", retentionDays: "settings" },
    });
  });

  it("refuses what the scheduler could not run", () => {
    const bad = (value: object) => tenantSettingsInputSchema.safeParse(value).success;
    expect(bad({ scanSchedule: "61 * * * *" })).toBe(false);
    expect(bad({ scanSchedule: "* * * *" })).toBe(false);
    expect(bad({ scanSchedule: "0 3 * * 1-5", scanTimezone: "Europe/Amsterdam" })).toBe(true);
    expect(bad({ scanTimezone: "Mars/Base" })).toBe(false);
    expect(bad({ webhookUrl: "javascript:alert(1)" })).toBe(false);
    expect(bad({ retentionDays: 1.5 })).toBe(false);
    expect(bad({ unknown: 1 })).toBe(false);
  });
});

describe("the cron secret", () => {
  const secret = "s3cret-value-for-the-cron-job";
  it("matches only the exact secret, whatever the length of the guess", () => {
    expect(cronSecretMatches(secret, secret)).toBe(true);
    expect(cronSecretMatches(`${secret}x`, secret)).toBe(false);
    expect(cronSecretMatches(secret.slice(0, -1), secret)).toBe(false);
    expect(cronSecretMatches("", secret)).toBe(false);
    expect(cronSecretMatches(null, secret)).toBe(false);
  });
  it("is read from a bearer token or the x-atlas-cron-secret header", () => {
    expect(presentedCronSecret(new Headers({ authorization: `Bearer ${secret}` }))).toBe(secret);
    expect(presentedCronSecret(new Headers({ "x-atlas-cron-secret": secret }))).toBe(secret);
    expect(presentedCronSecret(new Headers({ authorization: `Basic ${secret}` }))).toBeNull();
    expect(presentedCronSecret(new Headers())).toBeNull();
  });
});
