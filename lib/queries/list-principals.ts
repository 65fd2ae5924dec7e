import { z } from "zod";
import { accessLevelSchema } from "@/lib/access/types";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";

// The principals list (/principals, GET /api/principals): every directory principal and every
// identity the access engine found (Kubernetes users, groups, service accounts), with how far its
// access reaches. Aggregated, filtered and paged in SQL.

export const PRINCIPAL_KINDS = [
  "User",
  "Group",
  "ServicePrincipal",
  "ManagedIdentity",
  "KubernetesUser",
  "KubernetesGroup",
  "ServiceAccount",
] as const;

export const principalListParamsSchema = z.object({
  q: z.string().trim().max(200).optional(),
  kind: z.enum(PRINCIPAL_KINDS).optional(),
  /** at least this level somewhere */
  level: accessLevelSchema.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type PrincipalListParams = z.infer<typeof principalListParamsSchema>;

export const PRINCIPALS_PAGE_SIZE = 50;

const levelRankSql = Prisma.sql`CASE data->>'level' WHEN 'cluster-admin' THEN 4 WHEN 'admin' THEN 3 WHEN 'write' THEN 2 WHEN 'read' THEN 1 ELSE 0 END`;
const RANK_OF_LEVEL = { "cluster-admin": 4, admin: 3, write: 2, read: 1, "credentials-only": 0 } as const;
const LEVEL_OF_RANK = ["credentials-only", "read", "write", "admin", "cluster-admin"] as const;

type Row = {
  id: string;
  kind: string;
  displayName: string;
  userPrincipalName: string | null;
  deleted: boolean | null;
  inDirectory: boolean;
  clusters: bigint | null;
  adminClusters: bigint | null;
  rank: number | null;
  escalationClusters: bigint | null;
  total: bigint;
};

export async function listPrincipals(scope: ScanScope, params: PrincipalListParams) {
  const asOf = asOfCondition(scope.scanId);
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (params.q) {
    const pattern = `%${params.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      Prisma.sql`(p.display_name ILIKE ${pattern} OR p.upn ILIKE ${pattern} OR p.id ILIKE ${pattern})`,
    );
  }
  if (params.kind) conditions.push(Prisma.sql`p.kind = ${params.kind}`);
  if (params.level) conditions.push(Prisma.sql`coalesce(p.rank, -1) >= ${RANK_OF_LEVEL[params.level]}`);
  const offset = (params.page - 1) * PRINCIPALS_PAGE_SIZE;
  const rows = await prisma().$queryRaw<Row[]>(Prisma.sql`
    WITH grants AS (
      SELECT data->'principal'->>'id' AS id, min(data->'principal'->>'kind') AS kind,
             min(data->'principal'->>'displayName') AS display_name,
             count(DISTINCT cluster_id) AS clusters,
             count(DISTINCT cluster_id) FILTER (WHERE data->>'level' = 'cluster-admin') AS admin_clusters,
             max(${levelRankSql}) AS rank
      FROM snapshot_records WHERE tenant_id = ${scope.tenantId} AND kind = 'access.grant' AND ${asOf}
      GROUP BY 1
    ), escalations AS (
      SELECT data->'principal'->>'id' AS id, min(data->'principal'->>'kind') AS kind,
             min(data->'principal'->>'displayName') AS display_name, count(DISTINCT cluster_id) AS clusters
      FROM snapshot_records WHERE tenant_id = ${scope.tenantId} AND kind = 'access.escalation' AND ${asOf}
      GROUP BY 1
    ), directory AS (
      SELECT natural_key AS id, data->>'kind' AS kind, data->>'displayName' AS display_name,
             data->>'userPrincipalName' AS upn, (data->>'deleted')::boolean AS deleted
      FROM snapshot_records WHERE tenant_id = ${scope.tenantId} AND kind = 'principal' AND ${asOf}
    ), p AS (
      SELECT coalesce(d.id, g.id, e.id) AS id, coalesce(d.kind, g.kind, e.kind) AS kind,
             coalesce(d.display_name, g.display_name, e.display_name) AS display_name, d.upn, d.deleted,
             d.id IS NOT NULL AS in_directory, g.clusters, g.admin_clusters, g.rank, e.clusters AS escalation_clusters
      FROM directory d
      FULL JOIN grants g ON g.id = d.id
      FULL JOIN escalations e ON e.id = coalesce(d.id, g.id)
    )
    SELECT p.id, p.kind, p.display_name AS "displayName", p.upn AS "userPrincipalName", p.deleted,
           p.in_directory AS "inDirectory", p.clusters, p.admin_clusters AS "adminClusters", p.rank,
           p.escalation_clusters AS "escalationClusters", count(*) OVER () AS total
    FROM p WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY coalesce(p.rank, -1) DESC, coalesce(p.admin_clusters, 0) DESC, lower(p.display_name), p.id
    LIMIT ${PRINCIPALS_PAGE_SIZE} OFFSET ${offset}`);
  return {
    scanId: scope.scanId.toString(),
    total: rows.length ? Number(rows[0].total) : 0,
    page: params.page,
    pageSize: PRINCIPALS_PAGE_SIZE,
    principals: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      displayName: row.displayName,
      userPrincipalName: row.userPrincipalName,
      deleted: row.deleted === true,
      inDirectory: row.inDirectory,
      clusters: Number(row.clusters ?? 0),
      clusterAdminClusters: Number(row.adminClusters ?? 0),
      strongestLevel: row.rank === null ? null : LEVEL_OF_RANK[row.rank],
      escalationClusters: Number(row.escalationClusters ?? 0),
    })),
  };
}

export type PrincipalsListResponse = Awaited<ReturnType<typeof listPrincipals>>;
export type PrincipalListItem = PrincipalsListResponse["principals"][number];
