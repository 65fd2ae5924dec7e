import "server-only";
import type { z } from "zod";
import { pool } from "@/lib/db/pool";
import { readJobsConfig } from "@/lib/jobs/config";
import { jobRunner } from "@/lib/jobs/job-services";
import { type SettingsView, type settingsPatchSchema, updateSettings } from "@/lib/jobs/settings-service";
import { registeredTenantIds } from "@/lib/scan/tenant-sources";

// The use cases that change settings: PATCH /api/settings and the settings form. A refused value is a 400
// AppError (`invalid_settings`, "<field>: <why>"); an unknown tenant a 404 (`tenant_not_found`).

/** Stores the fields given (null inherits the environment) and answers the new view. */
export async function updateTenantSettings(
  patch: z.output<typeof settingsPatchSchema>,
): Promise<SettingsView> {
  return updateSettings(pool(), { patch, config: readJobsConfig(), registered: registeredTenantIds() });
}

/** Rewrites the scan schedules from the stored settings, so workers follow a change at once. */
export async function rewriteScanSchedules(): Promise<void> {
  await (await jobRunner()).syncSchedules();
}
