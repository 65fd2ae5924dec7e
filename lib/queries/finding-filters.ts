import { z } from "zod";
import { controlFrameworkSchema, findingStatusSchema, severitySchema } from "@/lib/findings/types";
import { safeText } from "@/lib/http/safe-text";

// Filters of the findings list, shared by /findings (URL search params) and GET /api/findings.
// Values arrive as strings (or repeated keys); anything unknown is a 400 for the API and is
// dropped by the page, so a stale bookmark still opens.

const oneOrMany = <T extends z.ZodType>(schema: T) =>
  z
    .union([schema, z.array(schema)])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));

export const findingFiltersSchema = z.object({
  severity: oneOrMany(severitySchema),
  /** default: failing findings only, which is what needs attention */
  status: z.union([findingStatusSchema, z.literal("all")]).default("fail"),
  rule: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{1,80}$/, "rule must be a rule id such as local-accounts-enabled")
    .optional(),
  framework: controlFrameworkSchema.optional(),
  /** a cluster slug or lower-cased ARM id */
  cluster: safeText().trim().min(1).max(1000).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type FindingFilters = z.infer<typeof findingFiltersSchema>;
export type FindingFiltersInput = z.input<typeof findingFiltersSchema>;

export const FINDINGS_PAGE_SIZE = 50;
