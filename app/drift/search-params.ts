import { z } from "zod";
import { driftCategorySchema } from "@/lib/drift/types";
import { severitySchema } from "@/lib/findings/types";

// Typed search params of the drift pages. Pages parse leniently (a bad filter is dropped, not an error);
// a malformed scan id is a 404, like any unknown scan.

const scanId = z
  .string()
  .regex(/^[1-9]\d{0,17}$/)
  .transform((value) => BigInt(value));

export const driftPageParamsSchema = z.object({
  from: scanId.optional(),
  to: scanId.optional(),
  tenant: z
    .string()
    .regex(/^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/)
    .transform((id) => id.toLowerCase())
    .optional(),
  severity: severitySchema.default("info"),
  category: driftCategorySchema.optional(),
});
export type DriftPageParams = z.infer<typeof driftPageParamsSchema>;

/** Scan ids given but malformed: the page answers 404 rather than silently showing another scan. */
export function malformedScanParam(raw: Record<string, string | string[]>): boolean {
  return (["from", "to"] as const).some(
    (key) => raw[key] !== undefined && !scanId.safeParse(raw[key]).success,
  );
}

/** The page's URL with some params changed (null removes one). */
export function driftHref(
  basePath: string,
  current: Record<string, string | undefined>,
  change: Record<string, string | null | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...current, ...change })) {
    if (value !== undefined && value !== null && value !== "") params.set(key, value);
  }
  const query = params.toString();
  return query ? `${basePath}?${query}` : basePath;
}
