import { readRoute } from "@/app/api/_lib/read-route";
import { identityListParamsSchema, listIdentities } from "@/lib/queries/list-identities";

export const dynamic = "force-dynamic";

/** Managed identities, where each is used and the roles it holds; paged. */
export const GET = readRoute(identityListParamsSchema, ({ query, scope }) => listIdentities(scope, query));
