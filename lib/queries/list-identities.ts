import { z } from "zod";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { safeText } from "@/lib/http/safe-text";
import { memoByScan } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";

// Every managed identity (/identities, GET /api/identities): user-assigned identities plus the
// system-assigned control-plane identities clusters carry, where each is used (control plane,
// kubelet, add-on, AAD Pod Identity, workload identity through a federated credential) and the
// Azure roles it holds. Usage is derived in SQL from the cluster documents once per scan; search,
// filter and paging run over that list, and only the page's role assignments are read.

export const IDENTITY_USES = [
  "control-plane",
  "kubelet",
  "add-on",
  "pod-identity",
  "workload",
  "unused",
] as const;
export type IdentityUse = (typeof IDENTITY_USES)[number];

export const identityListParamsSchema = z.object({
  q: safeText().trim().max(200).optional(),
  use: z.enum(IDENTITY_USES).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type IdentityListParams = z.infer<typeof identityListParamsSchema>;

export const IDENTITIES_PAGE_SIZE = 50;

const useSchema = z.object({
  clusterId: z.string(),
  clusterName: z.string(),
  use: z.enum(["control-plane", "kubelet", "add-on", "pod-identity", "workload"]),
  detail: z.string(),
});

type Row = {
  id: string;
  name: string;
  resourceGroup: string | null;
  subscriptionId: string | null;
  clientId: string | null;
  principalId: string | null;
  systemAssigned: boolean;
  uses: unknown;
};

export type IdentitySummary = {
  id: string;
  name: string;
  resourceGroup: string | null;
  subscriptionId: string | null;
  clientId: string | null;
  principalId: string | null;
  systemAssigned: boolean;
  uses: z.infer<typeof useSchema>[];
};

const identitiesOf = memoByScan<IdentitySummary[]>("identity-summaries");

/** Every managed identity with where it is used, by name (once per scan). */
export function identitySummaries(scope: ScanScope): Promise<IdentitySummary[]> {
  return identitiesOf(`${scope.tenantId}:${scope.scanId}`, () => readIdentities(scope));
}

async function readIdentities(scope: ScanScope): Promise<IdentitySummary[]> {
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;
  const rows = await prisma().$queryRaw<Row[]>(Prisma.sql`
    WITH clusters AS (
      SELECT natural_key AS cluster_id, data FROM snapshot_records WHERE ${tenant} AND kind = 'cluster'
    ), identities AS (
      SELECT natural_key AS id, data->>'name' AS name, data->>'resourceGroup' AS resource_group,
             data->>'subscriptionId' AS subscription_id, data->>'clientId' AS client_id,
             data->>'principalId' AS principal_id, false AS system_assigned
      FROM snapshot_records WHERE ${tenant} AND kind = 'identity'
      UNION ALL
      SELECT cluster_id || '#control-plane', (data->>'name') || ' control plane (system-assigned)',
             data->>'resourceGroup', data->>'subscriptionId', data->'controlPlaneIdentity'->>'clientId',
             data->'controlPlaneIdentity'->>'principalId', true
      FROM clusters
      WHERE data->'controlPlaneIdentity'->>'type' = 'SystemAssigned' AND data->'controlPlaneIdentity'->>'principalId' IS NOT NULL
    ), uses AS (
      SELECT data->'controlPlaneIdentity'->>'resourceId' AS resource_id, data->'controlPlaneIdentity'->>'principalId' AS object_id,
             cluster_id, data->>'name' AS cluster_name, 'control-plane' AS use, 'control plane' AS detail FROM clusters
      UNION ALL
      SELECT data->'kubeletIdentity'->>'resourceId', data->'kubeletIdentity'->>'objectId', cluster_id, data->>'name', 'kubelet', 'kubelet'
      FROM clusters WHERE jsonb_typeof(data->'kubeletIdentity') = 'object'
      UNION ALL
      SELECT a->'identity'->>'resourceId', a->'identity'->>'objectId', cluster_id, data->>'name', 'add-on', 'add-on ' || (a->>'name')
      FROM clusters, jsonb_array_elements(data->'addons') a WHERE jsonb_typeof(a->'identity') = 'object'
      UNION ALL
      SELECT p->'identity'->>'resourceId', p->'identity'->>'objectId', cluster_id, data->>'name', 'pod-identity',
             'AAD Pod Identity ' || (p->>'namespace') || '/' || (p->>'name')
      FROM clusters, jsonb_array_elements(data->'podIdentity'->'identities') p WHERE jsonb_typeof(p->'identity') = 'object'
      UNION ALL
      SELECT f.data->>'identityId', NULL, c.cluster_id, c.data->>'name', 'workload', 'federated credential for ' || (f.data->>'subject')
      FROM snapshot_records f JOIN clusters c ON c.data->'oidcIssuer'->>'issuerUrl' = f.data->>'issuer'
      WHERE f.tenant_id = ${scope.tenantId} AND f.kind = 'federatedCredential'
        AND f.valid_from_scan <= ${scope.scanId} AND (f.valid_to_scan IS NULL OR f.valid_to_scan > ${scope.scanId})
    ), matched AS (
      -- a use names an identity by resource id, or (system-assigned) by object id
      SELECT i.id, u.* FROM identities i JOIN uses u ON u.resource_id = i.id
      UNION
      SELECT i.id, u.* FROM identities i JOIN uses u ON u.object_id IS NOT NULL AND u.object_id = i.principal_id
    )
    SELECT i.id, i.name, i.resource_group AS "resourceGroup", i.subscription_id AS "subscriptionId",
           i.client_id AS "clientId", i.principal_id AS "principalId", i.system_assigned AS "systemAssigned",
           coalesce((SELECT jsonb_agg(jsonb_build_object('clusterId', m.cluster_id, 'clusterName', m.cluster_name,
                                                         'use', m.use, 'detail', m.detail)
                                      ORDER BY m.cluster_name, m.use, m.detail)
                     FROM matched m WHERE m.id = i.id), '[]'::jsonb) AS uses
    FROM identities i ORDER BY lower(i.name), i.id`);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    resourceGroup: row.resourceGroup,
    subscriptionId: row.subscriptionId,
    clientId: row.clientId,
    principalId: row.principalId,
    systemAssigned: row.systemAssigned,
    uses: z.array(useSchema).parse(row.uses),
  }));
}

export function filterIdentities(
  items: readonly IdentitySummary[],
  params: IdentityListParams,
): IdentitySummary[] {
  const needle = params.q?.toLowerCase();
  return items.filter(
    (item) =>
      (!needle ||
        [item.name, item.clientId, item.principalId, item.resourceGroup].some((value) =>
          value?.toLowerCase().includes(needle),
        )) &&
      (!params.use ||
        (params.use === "unused" ? item.uses.length === 0 : item.uses.some((use) => use.use === params.use))),
  );
}

export async function listIdentities(scope: ScanScope, params: IdentityListParams) {
  const matching = filterIdentities(await identitySummaries(scope), params);
  const offset = (params.page - 1) * IDENTITIES_PAGE_SIZE;
  const rows = matching.slice(offset, offset + IDENTITIES_PAGE_SIZE);
  const principalIds = rows.map((row) => row.principalId).filter((id): id is string => !!id);
  const assignments = principalIds.length
    ? await prisma().$queryRaw<
        { principalId: string; id: string; scope: string; role: string | null }[]
      >(Prisma.sql`
        SELECT a.data->>'principalId' AS "principalId", a.natural_key AS id, a.data->>'scope' AS scope,
               (SELECT d.data->>'roleName' FROM snapshot_records d
                WHERE d.tenant_id = ${scope.tenantId} AND d.kind = 'roleDefinition' AND d.data->>'guid' = a.data->>'roleDefinitionId'
                  AND d.valid_from_scan <= ${scope.scanId} AND (d.valid_to_scan IS NULL OR d.valid_to_scan > ${scope.scanId})
                LIMIT 1) AS role
        FROM snapshot_records a
        WHERE a.tenant_id = ${scope.tenantId} AND a.kind = 'roleAssignment'
          AND a.valid_from_scan <= ${scope.scanId} AND (a.valid_to_scan IS NULL OR a.valid_to_scan > ${scope.scanId})
          AND a.data->>'principalId' IN (${Prisma.join(principalIds)})
        ORDER BY a.data->>'scope'`)
    : [];

  return {
    scanId: scope.scanId.toString(),
    total: matching.length,
    page: params.page,
    pageSize: IDENTITIES_PAGE_SIZE,
    identities: rows.map((row) => ({
      ...row,
      roleAssignments: assignments
        .filter((assignment) => assignment.principalId === row.principalId)
        .map((assignment) => ({
          id: assignment.id,
          scope: assignment.scope,
          role: assignment.role ?? "unknown role",
        })),
    })),
  };
}

export type IdentitiesListResponse = Awaited<ReturnType<typeof listIdentities>>;
export type IdentityListItem = IdentitiesListResponse["identities"][number];
