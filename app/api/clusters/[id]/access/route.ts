import { z } from "zod";
import { clusterIdParam, readRoute } from "@/app/api/_lib/read-route";
import { safeText } from "@/lib/http/safe-text";
import { getClusterAccess } from "@/lib/queries/get-cluster-access";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  /** only this principal (same response shape): what the cluster page loads when one is expanded */
  principal: safeText().trim().min(1).max(500).optional(),
});

/** Every principal with access to the cluster: grants (one per path) and escalations. */
export const GET = readRoute<typeof querySchema, { id: string }>(querySchema, ({ query, scope, params }) =>
  getClusterAccess(scope, clusterIdParam(params.id), { principalId: query.principal }),
);
