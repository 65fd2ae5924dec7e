import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { APP_ERROR_STATUS, AppError, notFoundError } from "@/lib/http/app-error";
import { handle, json, parseInput } from "@/lib/http/handle";
import { readJsonBody } from "@/lib/http/json-body";
import { readJobsConfig } from "@/lib/jobs/config";
import { cronSecretMatches, presentedCronSecret } from "@/lib/jobs/cron-secret";
import { jobRunner } from "@/lib/jobs/job-services";
import { tenantIdSchema } from "@/lib/jobs/settings-service";
import { knownTenantIds } from "@/lib/jobs/tenant-settings";
import { registeredTenantIds } from "@/lib/scan/tenant-sources";

export const dynamic = "force-dynamic";

const bodySchema = z.strictObject({ tenantId: tenantIdSchema.optional() });

/**
 * For external schedulers (a Kubernetes CronJob, a pipeline): queues a scan of one tenant, or of every
 * tenant this app scans. Requires `Authorization: Bearer <ATLAS_CRON_SECRET>`; 401 without it, 503 while
 * no secret is configured. 202 with the queued jobs; a tenant with a scan already queued is not queued twice.
 */
export const POST = handle(
  async (request) => {
    const secret = readJobsConfig().ATLAS_CRON_SECRET;
    if (!secret) {
      throw new AppError(
        "cron_disabled",
        APP_ERROR_STATUS.unavailable,
        "The cron endpoint is off: set ATLAS_CRON_SECRET to turn it on.",
      );
    }
    if (!cronSecretMatches(presentedCronSecret(request.headers), secret)) {
      throw new AppError(
        "unauthorized",
        APP_ERROR_STATUS.unauthorized,
        "A valid cron secret is required: Authorization: Bearer <ATLAS_CRON_SECRET>.",
      );
    }
    const body = parseInput(bodySchema, await readJsonBody(request), "invalid_body");
    const known = await knownTenantIds(pool(), registeredTenantIds());
    const tenants = body.tenantId ? [body.tenantId] : registeredTenantIds();
    const unknown = tenants.filter((tenantId) => !known.includes(tenantId));
    if (unknown.length > 0) throw notFoundError("no_tenant", `No tenant ${unknown.join(", ")} is known.`);
    if (tenants.length === 0) throw notFoundError("no_tenant", "No tenant is configured to scan.");
    const runner = await jobRunner();
    const queued: { tenantId: string; jobId: string }[] = [];
    const alreadyQueued: string[] = [];
    for (const tenantId of tenants) {
      const jobId = await runner.enqueueScan(tenantId, "cron");
      if (jobId) queued.push({ tenantId, jobId });
      else alreadyQueued.push(tenantId);
    }
    return json({ queued, alreadyQueued }, { status: 202 });
  },
  { internalMessage: "The scan could not be queued; the server log has the details." },
);
