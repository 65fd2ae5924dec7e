import { z } from "zod";
import { accessLevelSchema, accessPrincipalKindSchema } from "@/lib/access/types";
import { Prisma } from "@/lib/db/generated/client";
import { safeText } from "@/lib/http/safe-text";
import { nonDirectoryDisplayName, nonDirectoryKindSql } from "@/lib/queries/access-keys";
import { expandedClusterPairsSql, queryTenantPairs } from "@/lib/queries/expanded-access";
import { keptAcrossRestarts } from "@/lib/queries/scan-aggregates";
import { memoByScan } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { signInGroupOf } from "@/lib/queries/sign-in-group";
import { asOfCondition } from "@/lib/queries/snapshot";
import { HOLDING_FILTERS } from "@/lib/queries/stored-records";

// The principals list (/principals, GET /api/principals): every directory principal and every
// identity the access engine found (Kubernetes users, groups, service accounts), with how far its
// access reaches. The per-principal summary is aggregated once per scan from the access rows' keys;
// search, filters and paging then run over it in memory.

/** The kinds the list filters by: the access engine's principal kinds, one definition (lib/access/types.ts). */
export const PRINCIPAL_KINDS = accessPrincipalKindSchema.options;

export const principalListParamsSchema = z.object({
  q: safeText().trim().max(200).optional(),
  kind: accessPrincipalKindSchema.optional(),
  /** at least this level somewhere */
  level: accessLevelSchema.optional(),
  /** standing: access held now; eligible: access a PIM activation would give; any: either */
  holding: z.enum(HOLDING_FILTERS).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type PrincipalListParams = z.infer<typeof principalListParamsSchema>;

export const PRINCIPALS_PAGE_SIZE = 50;

const LEVEL_OF_RANK = ["credentials-only", "read", "write", "admin", "cluster-admin"] as const;
const RANK_OF_LEVEL: Record<(typeof LEVEL_OF_RANK)[number], number> = {
  "credentials-only": 0,
  read: 1,
  write: 2,
  admin: 3,
  "cluster-admin": 4,
};

export type PrincipalListItem = {
  id: string;
  kind: string;
  displayName: string;
  userPrincipalName: string | null;
  deleted: boolean;
  inDirectory: boolean;
  clusters: number;
  clusterAdminClusters: number;
  strongestLevel: (typeof LEVEL_OF_RANK)[number] | null;
  escalationClusters: number;
  /** access that needs a PIM activation, counted apart from the standing figures above */
  eligibleClusters: number;
  eligibleClusterAdminClusters: number;
  eligibleLevel: (typeof LEVEL_OF_RANK)[number] | null;
};

type Row = {
  id: string;
  directoryKind: string | null;
  derivedKind: string | null;
  displayName: string | null;
  userPrincipalName: string | null;
  deleted: boolean | null;
  clusters: bigint | null;
  adminClusters: bigint | null;
  rank: number | null;
  escalationClusters: bigint | null;
  eligibleClusters: bigint | null;
  eligibleAdminClusters: bigint | null;
  eligibleRank: number | null;
};

const summariesOf = memoByScan<PrincipalListItem[]>("principal-summaries");

/** Every principal with its access summary, strongest access first (once per scan). */
export function principalSummaries(scope: ScanScope): Promise<PrincipalListItem[]> {
  return summariesOf(`${scope.tenantId}:${scope.scanId}`, () =>
    keptAcrossRestarts("principal-summaries", scope, () => readSummaries(scope)),
  );
}

async function readSummaries(scope: ScanScope): Promise<PrincipalListItem[]> {
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;
  const rows = await queryTenantPairs<Row>(Prisma.sql`
    WITH grants AS (
      -- each principal's clusters and strongest levels, standing and eligible, counted per group rather than
      -- per derived row (expandedClusterPairsSql)
      SELECT principal_id AS id,
             count(*) FILTER (WHERE standing_rank IS NOT NULL) AS clusters,
             count(*) FILTER (WHERE standing_rank = 4) AS admin_clusters,
             max(standing_rank) AS rank,
             count(*) FILTER (WHERE eligible_rank IS NOT NULL) AS eligible_clusters,
             count(*) FILTER (WHERE eligible_rank = 4) AS eligible_admin_clusters,
             max(eligible_rank) AS eligible_rank
      FROM ${expandedClusterPairsSql({ tenantId: scope.tenantId, scanId: scope.scanId, kind: "access.grant" })} AS pairs
      GROUP BY 1
    ), escalations AS (
      SELECT principal_id AS id, count(*) AS clusters
      FROM ${expandedClusterPairsSql({ tenantId: scope.tenantId, scanId: scope.scanId, kind: "access.escalation" })} AS pairs
      GROUP BY 1
    ), directory AS (
      SELECT natural_key AS id, data->>'kind' AS kind, data->>'displayName' AS display_name,
             data->>'userPrincipalName' AS upn, (data->>'deleted')::boolean AS deleted
      FROM snapshot_records WHERE ${tenant} AND kind = 'principal'
    ), ids AS (
      SELECT id FROM directory UNION SELECT id FROM grants UNION SELECT id FROM escalations
    )
    SELECT ids.id, d.kind AS "directoryKind", ${nonDirectoryKindSql(Prisma.sql`ids.id`)} AS "derivedKind",
           d.display_name AS "displayName", d.upn AS "userPrincipalName", d.deleted,
           g.clusters, g.admin_clusters AS "adminClusters", g.rank, e.clusters AS "escalationClusters",
           g.eligible_clusters AS "eligibleClusters", g.eligible_admin_clusters AS "eligibleAdminClusters",
           g.eligible_rank AS "eligibleRank"
    FROM ids
    LEFT JOIN directory d ON d.id = ids.id
    LEFT JOIN grants g ON g.id = ids.id
    LEFT JOIN escalations e ON e.id = ids.id`);
  const signIn = await signInGroupOf(scope);
  const items = rows.map(
    (row): PrincipalListItem => ({
      id: row.id,
      kind: row.directoryKind ?? row.derivedKind ?? (row.id === signIn.id ? signIn.kind : "Unknown"),
      displayName:
        row.displayName ?? (row.id === signIn.id ? signIn.displayName : nonDirectoryDisplayName(row.id)),
      userPrincipalName: row.userPrincipalName,
      deleted: row.deleted === true,
      inDirectory: row.directoryKind !== null,
      clusters: Number(row.clusters ?? 0),
      clusterAdminClusters: Number(row.adminClusters ?? 0),
      strongestLevel: row.rank === null ? null : LEVEL_OF_RANK[row.rank],
      escalationClusters: Number(row.escalationClusters ?? 0),
      eligibleClusters: Number(row.eligibleClusters ?? 0),
      eligibleClusterAdminClusters: Number(row.eligibleAdminClusters ?? 0),
      eligibleLevel: row.eligibleRank === null ? null : LEVEL_OF_RANK[row.eligibleRank],
    }),
  );
  const rank = (item: PrincipalListItem) => (item.strongestLevel ? RANK_OF_LEVEL[item.strongestLevel] : -1);
  return items.sort(
    (a, b) =>
      rank(b) - rank(a) ||
      b.clusterAdminClusters - a.clusterAdminClusters ||
      a.displayName.toLowerCase().localeCompare(b.displayName.toLowerCase()) ||
      a.id.localeCompare(b.id),
  );
}

export function filterPrincipals(items: readonly PrincipalListItem[], params: PrincipalListParams) {
  const needle = params.q?.toLowerCase();
  const minimum = params.level ? RANK_OF_LEVEL[params.level] : null;
  const holding = params.holding ?? "any";
  // the level the filter judges: standing, eligible, or the stronger of the two
  const levelOf = (item: PrincipalListItem): number => {
    const standing = item.strongestLevel ? RANK_OF_LEVEL[item.strongestLevel] : -1;
    const eligible = item.eligibleLevel ? RANK_OF_LEVEL[item.eligibleLevel] : -1;
    return holding === "standing"
      ? standing
      : holding === "eligible"
        ? eligible
        : Math.max(standing, eligible);
  };
  return items.filter(
    (item) =>
      (holding === "any" || levelOf(item) >= 0) &&
      (!needle ||
        item.displayName.toLowerCase().includes(needle) ||
        item.id.toLowerCase().includes(needle) ||
        (item.userPrincipalName?.toLowerCase().includes(needle) ?? false)) &&
      (!params.kind || item.kind === params.kind) &&
      (minimum === null || levelOf(item) >= minimum),
  );
}

export async function listPrincipals(scope: ScanScope, params: PrincipalListParams) {
  const matching = filterPrincipals(await principalSummaries(scope), params);
  const offset = (params.page - 1) * PRINCIPALS_PAGE_SIZE;
  return {
    scanId: scope.scanId.toString(),
    total: matching.length,
    page: params.page,
    pageSize: PRINCIPALS_PAGE_SIZE,
    principals: matching.slice(offset, offset + PRINCIPALS_PAGE_SIZE),
  };
}

export type PrincipalsListResponse = Awaited<ReturnType<typeof listPrincipals>>;
