import "server-only";
import { pool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { type ClusterRef, resolveDriftCluster } from "./cluster-ref";
import { computeDrift } from "./compute-drift";
import { type DriftQuery, driftResponse, queryDrift } from "./drift-query";
import { type DriftRange, resolveDriftRange } from "./scan-range";
import { driftTimeline } from "./timeline";

// The use cases of the drift pages and GET /api/drift: each resolves its scans and owns its queries
// (the set-based drift SQL on the shared pool, row reads through Prisma). Failures are AppErrors:
// DriftInputError (400) and DriftNotFoundError (404), which handle() and the pages answer.

/** What the drift routes say when the drift itself fails (a bug, logged by handle()). */
export const DRIFT_INTERNAL_MESSAGE = "The drift could not be computed; the server log has the details.";

type RangeInput = Pick<DriftQuery, "tenant" | "from" | "to">;

/** GET /api/drift: every change between two scans, as the API's JSON. */
export async function getDrift(query: DriftQuery) {
  const { report } = await queryDrift(pool(), query);
  return driftResponse(report);
}

/** /drift: the pair of scans to compare and the tenant's display name. */
export async function getDriftPage(input: RangeInput): Promise<{ range: DriftRange; tenantName: string }> {
  const range = await resolveDriftRange(pool(), { tenantId: input.tenant, from: input.from, to: input.to });
  const tenant = await prisma().tenant.findUnique({
    where: { id: range.tenantId },
    select: { displayName: true },
  });
  return { range, tenantName: tenant?.displayName ?? range.tenantId };
}

/** /clusters/[id]/drift: the pair of scans and the cluster as those scans name it. */
export async function getClusterDriftPage(
  input: RangeInput,
  clusterId: string,
): Promise<{ range: DriftRange; cluster: ClusterRef }> {
  const range = await resolveDriftRange(pool(), { tenantId: input.tenant, from: input.from, to: input.to });
  const cluster = await resolveDriftCluster(pool(), range, clusterId);
  return { range, cluster };
}

/** The timeline section: changes per scan up to the range's scan (the tenant's, or one cluster's). */
export function getDriftTimeline(range: DriftRange, cluster: ClusterRef | null) {
  return driftTimeline(pool(), { tenantId: range.tenantId, cluster, limit: 30 });
}

/** The events section: the drift report of the chosen pair of scans. */
export function getDriftEvents(range: DriftRange, cluster: ClusterRef | null) {
  return computeDrift(pool(), range, { cluster });
}
