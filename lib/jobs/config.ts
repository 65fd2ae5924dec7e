import { z } from "zod";
import { severitySchema } from "@/lib/findings/types";
import { APP_ERROR_STATUS, AppError } from "@/lib/http/app-error";
import { parseAllowHttpHosts, webhookUrlProblem } from "@/lib/net/webhook-url-policy";
import { webhookFormatSchema } from "@/lib/notify/webhook-format";

// Environment of scheduled scans, notifications and retention. Every value here is a default that the
// settings page (tenant_settings) can override per tenant.

/** Five-field cron (minute hour day month weekday), as the settings page and ATLAS_SCAN_SCHEDULE take it. */
export const cronExpressionSchema = z
  .string()
  .trim()
  .regex(
    /^(\S+\s+){4}\S+$/,
    "must be a cron expression with five fields: minute hour day-of-month month day-of-week (e.g. 0 */6 * * *)",
  );

// The shape of a webhook URL. Whether it may be used (https, the http allow-list, refused addresses) depends on
// ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS and is checked by webhookUrlProblem where a URL is set and again on delivery.
export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .max(2048, "must be at most 2048 characters");

const allowHttpHostsSchema = z
  .string()
  .optional()
  .transform((text, ctx) => {
    try {
      return parseAllowHttpHosts(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });

const jobsEnvSchema = z.object({
  /** default scan schedule of every tenant; "off" or unset = none */
  ATLAS_SCAN_SCHEDULE: z.union([z.literal("off"), cronExpressionSchema]).optional(),
  ATLAS_SCAN_TIMEZONE: z.string().min(1).default("UTC"),
  /** "in-process" (default): the app runs a worker; "off": only `npm run worker` processes run scans */
  ATLAS_WORKER: z.enum(["in-process", "off"]).default("in-process"),
  ATLAS_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  ATLAS_CRON_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  ATLAS_WEBHOOK_URL: webhookUrlSchema.optional(),
  /** comma-separated host[:port] the webhook may reach over http and at private addresses (an internal relay) */
  ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS: allowHttpHostsSchema,
  ATLAS_WEBHOOK_FORMAT: webhookFormatSchema.default("auto"),
  ATLAS_WEBHOOK_MIN_SEVERITY: severitySchema.default("high"),
  /** days of scan history to keep; 0 keeps everything */
  ATLAS_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(365),
  /** the app's address as people reach it, for links in notifications */
  ATLAS_PUBLIC_URL: z.url().optional(),
});

const jobsConfigSchema = jobsEnvSchema.superRefine((config, ctx) => {
  if (!config.ATLAS_WEBHOOK_URL) return;
  const problem = webhookUrlProblem(config.ATLAS_WEBHOOK_URL, config.ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS);
  if (problem) ctx.addIssue({ code: "custom", path: ["ATLAS_WEBHOOK_URL"], message: problem });
});

export type JobsConfig = z.output<typeof jobsEnvSchema>;

/** The operator's environment is wrong: a 500 that names the variable (the operator reads the answer). */
export class JobsConfigError extends AppError {
  override name = "JobsConfigError";
  constructor(message: string) {
    super("invalid_configuration", APP_ERROR_STATUS.internal, message);
  }
}

const KEYS = Object.keys(jobsEnvSchema.shape) as (keyof JobsConfig)[];

/** Reads the environment (empty values count as unset); throws JobsConfigError naming each bad variable. */
export function readJobsConfig(env: Record<string, string | undefined> = process.env): JobsConfig {
  const input = Object.fromEntries(KEYS.map((key) => [key, env[key]?.trim() || undefined]));
  const parsed = jobsConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new JobsConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  return parsed.data;
}
