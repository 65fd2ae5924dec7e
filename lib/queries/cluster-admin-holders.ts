import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import {
  accessLevelSql,
  accessPrincipalSql,
  accessRouteSql,
  nonDirectoryKind,
} from "@/lib/queries/access-keys";
import { type KeyedAccessRow, visitExpandedRows } from "@/lib/queries/expanded-access";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";

/** The overview's standing cluster-admins: how many of each kind, through a local account, and inherited. */
export type StandingClusterAdminHolders = {
  /** principals holding cluster-admin standing somewhere, by kind (User, Group, ServicePrincipal, …) */
  byKind: Record<string, number>;
  /** of them, those holding it through the local admin credential */
  viaLocalAccount: number;
  /**
   * principals (not groups) holding it through a role assignment above the cluster — a resource group, a
   * subscription, a management group: the article's Penny, invisible from the cluster itself
   */
  inherited: number;
};

type Row = KeyedAccessRow & { route: string; eligible: boolean; inherited: boolean };

/**
 * Reads the scan's stored cluster-admin grants once and expands the rows groups give their members in memory
 * (visitExpandedRows): a derived row's route, eligibility and path past its first steps are its group row's,
 * so whether it runs through a role assignment above the cluster is asked of the stored rows only, not of
 * every member's row (10 s cold on the 500-cluster tenant when it was).
 *
 * Standing only, like the principals list the overview's card links to, and on every route: a Kubernetes RBAC
 * grant is eligible when an eligible group membership completes a binding, and one that adds a role
 * assignment's Azure RBAC permissions to a binding runs through that assignment (lib/access/evaluate-cluster.ts,
 * combine; lib/queries/eligible-kubernetes-combination.int.test.ts).
 */
export async function standingClusterAdminHolders(scope: ScanScope): Promise<StandingClusterAdminHolders> {
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;
  const rows = await prisma().$queryRaw<Row[]>(Prisma.sql`
    SELECT cluster_id AS "clusterId", kind, natural_key AS "naturalKey", ${accessPrincipalSql()} AS "principalId",
           ${accessRouteSql()} AS route, coalesce((data->>'eligible')::boolean, false) AS eligible,
           -- steps may be stored once and referenced (path_steps): atlas_path_steps puts them back. Only the routes
           -- that can run through a role assignment are looked at (CASE keeps the others from reading their paths).
           CASE WHEN ${accessRouteSql()} IN ('local-admin-credential', 'azure-rbac', 'kubernetes-rbac')
                THEN EXISTS (SELECT 1 FROM jsonb_array_elements(atlas_path_steps(tenant_id, data->'paths')) path,
                                           jsonb_array_elements(path) step
                             WHERE step->>'kind' = 'roleAssignment' AND NOT starts_with(step->>'id', cluster_id || '/'))
                ELSE false END AS inherited
    FROM snapshot_records
    WHERE ${tenant} AND kind = 'access.grant' AND ${accessLevelSql()} = 'cluster-admin'`);

  const holders = new Set<string>();
  const viaLocalAccount = new Set<string>();
  const inherited = new Set<string>();
  await visitExpandedRows(scope, rows, (id, row) => {
    if (row.eligible) return;
    holders.add(id);
    if (row.route === "local-admin-credential") viaLocalAccount.add(id);
    if (row.inherited) inherited.add(id);
  });

  const ids = [...holders];
  const directory = ids.length
    ? await prisma().$queryRaw<{ id: string; kind: string }[]>(Prisma.sql`
        SELECT natural_key AS id, data->>'kind' AS kind FROM snapshot_records
        WHERE ${tenant} AND kind = 'principal' AND natural_key = ANY(${ids}::text[])`)
    : [];
  const kindOf = new Map(directory.map((row) => [row.id, row.kind]));
  const counts = new Map<string, number>();
  let inheritedPrincipals = 0;
  for (const id of ids) {
    const derived = nonDirectoryKind(id);
    const kind = derived !== "Unknown" ? derived : (kindOf.get(id) ?? "Unknown");
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    if (inherited.has(id) && kind !== "Group") inheritedPrincipals += 1;
  }
  // kinds in name order, whatever order the rows came in
  const byKind = Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { byKind, viaLocalAccount: viaLocalAccount.size, inherited: inheritedPrincipals };
}
