import { z } from "zod";
import { severitySchema } from "@/lib/findings/types";

// Drift events: printed by `aks-atlas drift --json` and returned by GET /api/drift. A contract — the keys
// kind, severity, message, cluster, subject, before and after stay; new keys may be added.

export const driftEventKindSchema = z.enum([
  "access.gained",
  "access.lost",
  "access.changed",
  /** access that needs a PIM activation appeared: an eligible grant, role eligibility or group eligibility */
  "access.eligible",
  /** such access went away */
  "access.eligibility-ended",
  /** a principal became owner of a group, application or service principal (owners add members or credentials) */
  "access.owner-added",
  "access.owner-removed",
  "escalation.gained",
  "escalation.lost",
  "escalation.changed",
  "finding.opened",
  "finding.resolved",
  "finding.changed",
  "object.added",
  "object.removed",
  "object.changed",
]);
export type DriftEventKind = z.infer<typeof driftEventKindSchema>;

/** What the timeline groups events by. */
export const driftCategorySchema = z.enum(["access", "escalation", "finding", "object"]);
export type DriftCategory = z.infer<typeof driftCategorySchema>;

export function categoryOf(kind: DriftEventKind): DriftCategory {
  return kind.slice(0, kind.indexOf(".")) as DriftCategory;
}

export const fieldChangeSchema = z.object({
  /** JSON path inside the record's data, e.g. `$.entra.adminGroupIds[1]` */
  path: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type FieldChange = z.infer<typeof fieldChangeSchema>;

export const evidenceLinkSchema = z.object({ label: z.string(), href: z.string() });
export type EvidenceLink = z.infer<typeof evidenceLinkSchema>;

/** The stored record an event is about. */
export const driftSubjectSchema = z.object({
  /** record kind: access.grant, finding, roleAssignment, k8s.roleBinding ... */
  kind: z.string(),
  /** its natural key */
  key: z.string(),
  label: z.string(),
});

export const driftEventSchema = z.object({
  kind: driftEventKindSchema,
  severity: severitySchema,
  /** one sentence a person can read */
  message: z.string(),
  cluster: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** the stored record that changed */
  subject: driftSubjectSchema,
  /** the record's data as of `from` (null when it did not exist) */
  before: z.unknown(),
  /** the record's data as of `to` (null when it no longer exists) */
  after: z.unknown(),
  /** field-level differences (changed records only; empty for added and removed ones) */
  changes: z.array(fieldChangeSchema),
  /** where to look: the object's diff, the cluster, the principal, the objects on the access path */
  links: z.array(evidenceLinkSchema),
});
export type DriftEvent = z.infer<typeof driftEventSchema>;

export const driftReportSchema = z.object({
  tenantId: z.string(),
  /** the earlier scan; null when `to` is the tenant's first kept scan (a baseline: nothing to compare) */
  from: z.string().nullable(),
  to: z.string(),
  cluster: z.object({ id: z.string(), name: z.string() }).nullable(),
  events: z.array(driftEventSchema),
  /**
   * Records gone in `to` whose source `to` could not read completely: never reported as removed, because
   * an unreachable cluster or a failed subscription is not a deletion.
   */
  suppressedStale: z.number().int(),
});
export type DriftReport = z.infer<typeof driftReportSchema>;

export type DriftCounts = {
  total: number;
  bySeverity: Record<z.infer<typeof severitySchema>, number>;
  byCategory: Record<DriftCategory, number>;
  byKind: Partial<Record<DriftEventKind, number>>;
  suppressedStale: number;
};
