import { type NextRequest, NextResponse } from "next/server";
import { pool } from "@/lib/db/pool";
import { DriftInputError, DriftNotFoundError } from "@/lib/drift/scan-range";
import { jsonError } from "@/lib/http/errors";
import { readJsonBody } from "@/lib/http/json-body";
import { issuesMessage } from "@/lib/http/params";
import { JobsConfigError, readJobsConfig } from "@/lib/jobs/config";
import { jobRunner } from "@/lib/jobs/job-services";
import {
  getSettingsView,
  settingsPatchSchema,
  tenantIdSchema,
  updateSettings,
} from "@/lib/jobs/settings-service";
import { registeredTenantIds } from "@/lib/scan/tenant-sources";

export const dynamic = "force-dynamic";

function failure(error: unknown, what: string) {
  if (error instanceof DriftInputError) return jsonError(400, error.code, error.message);
  if (error instanceof DriftNotFoundError) return jsonError(404, error.code, error.message);
  if (error instanceof JobsConfigError) return jsonError(500, "invalid_configuration", error.message);
  console.error(`[atlas] ${what} failed`, error);
  return jsonError(
    500,
    "internal",
    "The settings could not be read or saved; the server log has the details.",
  );
}

/** GET /api/settings?tenant=<id>: stored and effective schedule, notification and retention settings. */
export async function GET(request: NextRequest) {
  const tenant = tenantIdSchema.safeParse(request.nextUrl.searchParams.get("tenant") ?? "");
  if (!tenant.success) return jsonError(400, "invalid_query", `tenant ${issuesMessage(tenant.error)}`);
  try {
    return NextResponse.json(
      await getSettingsView(pool(), {
        tenantId: tenant.data,
        config: readJobsConfig(),
        registered: registeredTenantIds(),
      }),
    );
  } catch (error) {
    return failure(error, "GET /api/settings");
  }
}

/**
 * PATCH /api/settings {tenantId, scanSchedule?, scanTimezone?, webhookUrl?, webhookFormat?,
 * webhookMinSeverity?, retentionDays?}: fields given replace the stored ones (null inherits the
 * environment, "off" switches a schedule or webhook off); the scan schedules are rewritten at once.
 */
export async function PATCH(request: NextRequest) {
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const body = read.body;
  const patch = settingsPatchSchema.safeParse(body);
  if (!patch.success) return jsonError(400, "invalid_body", issuesMessage(patch.error));
  try {
    const view = await updateSettings(pool(), {
      patch: patch.data,
      config: readJobsConfig(),
      registered: registeredTenantIds(),
    });
    await (await jobRunner()).syncSchedules();
    return NextResponse.json(view);
  } catch (error) {
    return failure(error, "PATCH /api/settings");
  }
}
