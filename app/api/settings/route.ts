import { pool } from "@/lib/db/pool";
import { handle, json, parseInput } from "@/lib/http/handle";
import { readJsonBody } from "@/lib/http/json-body";
import { readJobsConfig } from "@/lib/jobs/config";
import { jobRunner } from "@/lib/jobs/job-services";
import {
  getSettingsView,
  settingsPatchSchema,
  tenantIdSchema,
  updateSettings,
} from "@/lib/jobs/settings-service";
import { registeredTenantIds } from "@/lib/scan/tenant-sources";

export const dynamic = "force-dynamic";

const internalMessage = "The settings could not be read or saved; the server log has the details.";

/** GET /api/settings?tenant=<id>: stored and effective schedule, notification and retention settings. */
export const GET = handle(
  async (request) => {
    const tenantId = parseInput(
      tenantIdSchema,
      request.nextUrl.searchParams.get("tenant") ?? "",
      "invalid_query",
      "tenant ",
    );
    return json(
      await getSettingsView(pool(), {
        tenantId,
        config: readJobsConfig(),
        registered: registeredTenantIds(),
      }),
    );
  },
  { internalMessage },
);

/**
 * PATCH /api/settings {tenantId, scanSchedule?, scanTimezone?, webhookUrl?, webhookFormat?,
 * webhookMinSeverity?, retentionDays?}: fields given replace the stored ones (null inherits the
 * environment, "off" switches a schedule or webhook off); the scan schedules are rewritten at once.
 */
export const PATCH = handle(
  async (request) => {
    const patch = parseInput(settingsPatchSchema, await readJsonBody(request), "invalid_body");
    const view = await updateSettings(pool(), {
      patch,
      config: readJobsConfig(),
      registered: registeredTenantIds(),
    });
    await (await jobRunner()).syncSchedules();
    return json(view);
  },
  { internalMessage },
);
