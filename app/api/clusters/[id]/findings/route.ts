import { z } from "zod";
import { clusterIdParam, readRoute } from "@/app/api/_lib/read-route";
import { safeText } from "@/lib/http/safe-text";
import { getClusterFindings } from "@/lib/queries/get-cluster-findings";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  /** only this rule's findings (same response shape) */
  rule: safeText().trim().min(1).max(200).optional(),
  /**
   * only the finding about this subject (its first evidence object's id, or "cluster"): what the cluster page
   * loads when a finding's card is opened
   */
  subject: safeText().trim().min(1).max(2000).optional(),
});

/** Every finding of the cluster (fail, not-assessed, pass), worst first. */
export const GET = readRoute<typeof querySchema, { id: string }>(querySchema, ({ query, scope, params }) =>
  getClusterFindings(scope, clusterIdParam(params.id), { ruleId: query.rule, subject: query.subject }),
);
