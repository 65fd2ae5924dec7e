import { z } from "zod";

// Settings of reports and share links, from the environment (validated once per call; cheap).

const reportEnvSchema = z.object({
  /** the longest a share link may live, in days */
  ATLAS_SHARE_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** share page requests per client IP per minute */
  ATLAS_SHARE_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(60),
  /** share page requests per minute from all clients together (the backstop when IPs can be forged) */
  ATLAS_SHARE_RATE_LIMIT_GLOBAL: z.coerce.number().int().min(1).max(1_000_000).default(600),
});

export type ReportConfig = {
  shareMaxDays: number;
  shareDefaultDays: number;
  shareRateLimitPerIp: number;
  shareRateLimitGlobal: number;
};

/** The default lifetime of a share link; never longer than the configured maximum. */
export const SHARE_DEFAULT_DAYS = 7;

export function readReportConfig(env: Record<string, string | undefined> = process.env): ReportConfig {
  const parsed = reportEnvSchema.safeParse({
    ATLAS_SHARE_MAX_DAYS: env.ATLAS_SHARE_MAX_DAYS || undefined,
    ATLAS_SHARE_RATE_LIMIT: env.ATLAS_SHARE_RATE_LIMIT || undefined,
    ATLAS_SHARE_RATE_LIMIT_GLOBAL: env.ATLAS_SHARE_RATE_LIMIT_GLOBAL || undefined,
  });
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  return {
    shareMaxDays: parsed.data.ATLAS_SHARE_MAX_DAYS,
    shareDefaultDays: Math.min(SHARE_DEFAULT_DAYS, parsed.data.ATLAS_SHARE_MAX_DAYS),
    shareRateLimitPerIp: parsed.data.ATLAS_SHARE_RATE_LIMIT,
    shareRateLimitGlobal: parsed.data.ATLAS_SHARE_RATE_LIMIT_GLOBAL,
  };
}
