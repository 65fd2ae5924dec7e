import { type PrincipalListParams, principalListParamsSchema } from "@/lib/queries/list-principals";
import { lenientParse, searchParamsRecord } from "@/lib/queries/search-params";

export function parsePrincipalSearchParams(
  raw: Record<string, string | string[] | undefined>,
): PrincipalListParams {
  return lenientParse(principalListParamsSchema, searchParamsRecord(raw));
}

export function principalParamsForLinks(params: PrincipalListParams): Record<string, string | undefined> {
  return { q: params.q || undefined, kind: params.kind, level: params.level, holding: params.holding };
}
