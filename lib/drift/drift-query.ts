import { z } from "zod";
import type { Queryable } from "@/lib/db/queryable";
import { safeText } from "@/lib/http/safe-text";
import { type ClusterRef, resolveDriftCluster } from "./cluster-ref";
import { computeDrift } from "./compute-drift";
import { type DriftRange, resolveDriftRange } from "./scan-range";
import type { DriftReport } from "./types";

// The one entry point of GET /api/drift, `aks-atlas drift` and the drift pages: validated input in, the
// range, the cluster and the report out. Typed failures (DriftInputError → 400, DriftNotFoundError → 404)
// travel up to whoever answers.

const scanId = z
  .string()
  .trim()
  .regex(/^[1-9]\d{0,17}$/, "must be a positive integer scan id")
  .transform((value) => BigInt(value));

export const driftQuerySchema = z.strictObject({
  from: scanId.optional(),
  to: scanId.optional(),
  /** a cluster name, ARM id or page slug */
  cluster: safeText().trim().min(1, "must not be empty").max(400, "is too long").optional(),
  tenant: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/, "must be a tenant GUID")
    .transform((id) => id.toLowerCase())
    .optional(),
});
export type DriftQuery = z.infer<typeof driftQuerySchema>;

export type DriftResult = { range: DriftRange; cluster: ClusterRef | null; report: DriftReport };

export async function queryDrift(db: Queryable, query: DriftQuery): Promise<DriftResult> {
  const range = await resolveDriftRange(db, { tenantId: query.tenant, from: query.from, to: query.to });
  const cluster = query.cluster ? await resolveDriftCluster(db, range, query.cluster) : null;
  const report = await computeDrift(db, range, { cluster });
  return { range, cluster, report };
}

/** The JSON contract of the API and the CLI: these keys stay; new ones may be added. */
export function driftResponse(report: DriftReport) {
  return {
    tenantId: report.tenantId,
    from: report.from,
    to: report.to,
    cluster: report.cluster,
    suppressedStale: report.suppressedStale,
    events: report.events.map((event) => ({
      kind: event.kind,
      severity: event.severity,
      message: event.message,
      cluster: event.cluster,
      subject: event.subject,
      before: event.before,
      after: event.after,
      changes: event.changes,
      links: event.links,
    })),
  };
}
export type DriftResponse = ReturnType<typeof driftResponse>;
