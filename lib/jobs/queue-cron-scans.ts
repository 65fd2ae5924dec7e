import "server-only";
import { pool } from "@/lib/db/pool";
import { notFoundError } from "@/lib/http/app-error";
import { registeredTenantIds } from "@/lib/scan/tenant-sources";
import { jobRunner } from "./job-services";
import { knownTenantIds } from "./tenant-settings";

// The use case of POST /api/cron/scan: queue a scan of one tenant, or of every tenant this app scans.
// A tenant never scanned and without a scan source is a 404 `no_tenant`.

export type QueuedCronScans = { queued: { tenantId: string; jobId: string }[]; alreadyQueued: string[] };

export async function queueCronScans(tenantId: string | undefined): Promise<QueuedCronScans> {
  const known = await knownTenantIds(pool(), registeredTenantIds());
  const tenants = tenantId ? [tenantId] : registeredTenantIds();
  const unknown = tenants.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw notFoundError("no_tenant", `No tenant ${unknown.join(", ")} is known.`);
  if (tenants.length === 0) throw notFoundError("no_tenant", "No tenant is configured to scan.");
  const runner = await jobRunner();
  const result: QueuedCronScans = { queued: [], alreadyQueued: [] };
  for (const id of tenants) {
    const jobId = await runner.enqueueScan(id, "cron");
    if (jobId) result.queued.push({ tenantId: id, jobId });
    else result.alreadyQueued.push(id);
  }
  return result;
}
