import { z } from "zod";
import {
  ACCESS_LEVEL_RANK,
  type AccessLevel,
  accessLevelSchema,
  accessPrincipalSchema,
  accessRouteSchema,
  escalationRouteSchema,
  escalationTargetSchema,
  pathStepSchema,
} from "@/lib/access/types";
import { type Severity, severitySchema } from "@/lib/findings/types";

// Stored analysis rows are JSON written by an earlier version of the product, possibly; every read
// validates them against the shapes in lib/access/records.ts and lib/findings, so a page never
// renders (or an API never returns) something that merely looks right.

const clusterRefSchema = z.object({ id: z.string(), name: z.string() });

export const accessGrantDataSchema = z.object({
  cluster: clusterRefSchema,
  principal: accessPrincipalSchema,
  level: accessLevelSchema,
  namespace: z.string().nullable(),
  route: accessRouteSchema,
  conditional: z.boolean(),
  /** needs a PIM activation first (absent = standing) */
  eligible: z.boolean().optional(),
  /** end of the time-bound assignment it rests on */
  expires: z.string().optional(),
  paths: z.array(z.array(pathStepSchema)),
});
export type AccessGrantData = z.infer<typeof accessGrantDataSchema>;

export const accessEscalationDataSchema = z.object({
  cluster: clusterRefSchema,
  principal: accessPrincipalSchema,
  to: escalationTargetSchema,
  route: escalationRouteSchema,
  paths: z.array(z.array(pathStepSchema)),
  /** attack paths (route `attack-path`) only */
  hops: z.number().int().positive().optional(),
  conditional: z.boolean().optional(),
  namespace: z.string().nullable().optional(),
  /** a step needs a PIM activation (absent = standing) */
  eligible: z.boolean().optional(),
});
export type AccessEscalationData = z.infer<typeof accessEscalationDataSchema>;

export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
export const SEVERITIES = severitySchema.options;
export const ACCESS_LEVELS = accessLevelSchema.options;

export function levelRank(level: AccessLevel): number {
  return ACCESS_LEVEL_RANK[level];
}

/** A stable React key / identity for one path (defined once, in lib/access/path-key.ts). */
export { pathKey } from "@/lib/access/path-key";

/**
 * Is this path step a PIM eligibility (an activation is needed)? Role eligibility and PIM for Groups steps
 * always are; a directory role step is when its id says so (lib/access/directory-edges.ts).
 */
export function isEligibleStep(step: { kind: string; id: string }): boolean {
  return (
    step.kind === "roleEligibility" ||
    step.kind === "groupEligibility" ||
    (step.kind === "directoryRoleAssignment" && step.id.startsWith("eligible:"))
  );
}

/** Which access a list shows: standing (held now), eligible (after a PIM activation) or any. */
export const HOLDING_FILTERS = ["any", "standing", "eligible"] as const;
export type HoldingFilter = (typeof HOLDING_FILTERS)[number];
