import { handle, json, parseInput } from "@/lib/http/handle";
import { readJsonBody } from "@/lib/http/json-body";
import { settingsPatchSchema, tenantIdSchema } from "@/lib/jobs/settings-service";
import { getSettings } from "@/lib/settings/get-settings";
import { rewriteScanSchedules, updateTenantSettings } from "@/lib/settings/update-settings";

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
    return json(await getSettings(tenantId));
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
    const view = await updateTenantSettings(patch);
    await rewriteScanSchedules();
    return json(view);
  },
  { internalMessage },
);
