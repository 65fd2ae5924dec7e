import { readRoute } from "@/app/api/_lib/read-route";
import { findingFiltersSchema } from "@/lib/queries/finding-filters";
import { listFindings } from "@/lib/queries/list-findings";

export const dynamic = "force-dynamic";

/** Findings filtered by severity, status, rule, control framework and cluster; paged. */
export const GET = readRoute(findingFiltersSchema, ({ query, scope }) => listFindings(scope, query));
