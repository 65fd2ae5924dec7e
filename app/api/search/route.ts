import { readRoute } from "@/app/api/_lib/read-route";
import { search, searchParamsSchema } from "@/lib/queries/search";

export const dynamic = "force-dynamic";

/** Header search across clusters, principals and managed identities. */
export const GET = readRoute(searchParamsSchema, ({ query, scope }) => search(scope, query.q));
