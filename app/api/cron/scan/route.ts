import { z } from "zod";
import { APP_ERROR_STATUS, AppError } from "@/lib/http/app-error";
import { handle, json, parseInput } from "@/lib/http/handle";
import { readJsonBody } from "@/lib/http/json-body";
import { readJobsConfig } from "@/lib/jobs/config";
import { cronSecretMatches, presentedCronSecret } from "@/lib/jobs/cron-secret";
import { queueCronScans } from "@/lib/jobs/queue-cron-scans";
import { tenantIdSchema } from "@/lib/jobs/settings-service";

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
    return json(await queueCronScans(body.tenantId), { status: 202 });
  },
  { internalMessage: "The scan could not be queued; the server log has the details." },
);
