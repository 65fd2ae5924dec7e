import { ACCESS_LEVEL_RANK, type AccessLevel, accessLevelSchema } from "@/lib/access/types";
import { type Severity, severitySchema } from "@/lib/findings/types";

// Stored analysis rows are JSON written by an earlier version of the product, possibly; every read
// validates them against the shapes in lib/access/records.ts (the one definition of the access
// record format) and lib/findings, so a page never renders (or an API never returns) something that
// merely looks right.

export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
export const SEVERITIES = severitySchema.options;
export const ACCESS_LEVELS = accessLevelSchema.options;

export function levelRank(level: AccessLevel): number {
  return ACCESS_LEVEL_RANK[level];
}

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
