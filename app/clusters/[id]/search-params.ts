import { z } from "zod";
import { lenientParse, searchParamsRecord } from "@/lib/queries/search-params";
import { HOLDING_FILTERS, type HoldingFilter } from "@/lib/queries/stored-records";

// The cluster page's own query: `access=all` lists everyone, `holding=standing|eligible|any` narrows the
// access list to access held now or only through a PIM activation.

export const clusterPageParamsSchema = z.object({
  access: z.enum(["all"]).optional(),
  holding: z.enum(HOLDING_FILTERS).catch("any").default("any"),
});
export type ClusterPageParams = z.infer<typeof clusterPageParamsSchema>;

export function parseClusterPageParams(
  raw: Record<string, string | string[] | undefined>,
): ClusterPageParams {
  return lenientParse(clusterPageParamsSchema, searchParamsRecord(raw));
}

/** The query of a link that keeps the other parameters and sets `holding`. */
export function holdingHref(params: ClusterPageParams, holding: HoldingFilter): string {
  const query = new URLSearchParams();
  if (params.access) query.set("access", params.access);
  if (holding !== "any") query.set("holding", holding);
  const text = query.toString();
  return `${text ? `?${text}` : "?"}#access-heading`;
}
