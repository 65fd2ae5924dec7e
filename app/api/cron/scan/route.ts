import { type NextRequest, NextResponse } from "next/server";
import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { jsonError } from "@/lib/http/errors";
import { readJsonBody } from "@/lib/http/json-body";
import { issuesMessage } from "@/lib/http/params";
import { JobsConfigError, readJobsConfig } from "@/lib/jobs/config";
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
export async function POST(request: NextRequest) {
  let secret: string | undefined;
  try {
    secret = readJobsConfig().ATLAS_CRON_SECRET;
  } catch (error) {
    if (error instanceof JobsConfigError) return jsonError(500, "invalid_configuration", error.message);
    throw error;
  }
  if (!secret) {
    return jsonError(503, "cron_disabled", "The cron endpoint is off: set ATLAS_CRON_SECRET to turn it on.");
  }
  if (!cronSecretMatches(presentedCronSecret(request.headers), secret)) {
    return jsonError(
      401,
      "unauthorized",
      "A valid cron secret is required: Authorization: Bearer <ATLAS_CRON_SECRET>.",
    );
  }
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const body = read.body;
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) return jsonError(400, "invalid_body", issuesMessage(parsed.error));
  try {
    const known = await knownTenantIds(pool(), registeredTenantIds());
    const tenants = parsed.data.tenantId ? [parsed.data.tenantId] : registeredTenantIds();
    const unknown = tenants.filter((tenantId) => !known.includes(tenantId));
    if (unknown.length > 0) return jsonError(404, "no_tenant", `No tenant ${unknown.join(", ")} is known.`);
    if (tenants.length === 0) return jsonError(404, "no_tenant", "No tenant is configured to scan.");
    const runner = await jobRunner();
    const queued: { tenantId: string; jobId: string }[] = [];
    const alreadyQueued: string[] = [];
    for (const tenantId of tenants) {
      const jobId = await runner.enqueueScan(tenantId, "cron");
      if (jobId) queued.push({ tenantId, jobId });
      else alreadyQueued.push(tenantId);
    }
    return NextResponse.json({ queued, alreadyQueued }, { status: 202 });
  } catch (error) {
    console.error("[atlas] POST /api/cron/scan failed", error);
    return jsonError(500, "internal", "The scan could not be queued; the server log has the details.");
  }
}
