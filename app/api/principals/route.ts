import { readRoute } from "@/app/api/_lib/read-route";
import { listPrincipals, principalListParamsSchema } from "@/lib/queries/list-principals";

export const dynamic = "force-dynamic";

/** Principals with how far their access reaches; search, kind and minimum level filters, paged. */
export const GET = readRoute(principalListParamsSchema, ({ query, scope }) => listPrincipals(scope, query));
