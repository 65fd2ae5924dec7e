import { z } from "zod";
import { Prisma } from "@/lib/db/generated/client";
import { entraModeSchema } from "@/lib/model/azure";
import { clusterSource } from "@/lib/model/sources";
import { type CoverageStatus, coverageSchema } from "@/lib/model/tenant-model";
import { expandedClusterPairsSql, queryTenantPairs } from "@/lib/queries/expanded-access";
import { keptAcrossRestarts } from "@/lib/queries/scan-aggregates";
import { memoByScan } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { signInGroupOf } from "@/lib/queries/sign-in-group";
import { asOfCondition } from "@/lib/queries/snapshot";

// The clusters table (/clusters, GET /api/clusters): each cluster's identity posture with counts of
// admins and failing findings, aggregated in SQL in one round trip. Only the posture fields leave
// the database, not the whole cluster document.

const postureSchema = z.object({
  name: z.string(),
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  location: z.string(),
  kubernetesVersion: z.string().nullable(),
  entraMode: entraModeSchema,
  azureRbac: z.boolean(),
  kubernetesRbac: z.boolean(),
  localAccountsDisabled: z.boolean(),
  runCommandDisabled: z.boolean(),
  workloadIdentityEnabled: z.boolean(),
  oidcIssuerEnabled: z.boolean(),
  podIdentityEnabled: z.boolean(),
  privateCluster: z.boolean(),
  controlPlaneIdentityType: z.string(),
});

type ClusterRow = {
  id: string;
  posture: unknown;
  admins: bigint;
  failing: bigint;
  critical: bigint;
  high: bigint;
};

export type ClusterPosture = z.infer<typeof postureSchema> & {
  id: string;
  /** distinct principals holding cluster-admin, Entra groups not counted (their members are) */
  clusterAdmins: number;
  failingFindings: number;
  criticalFindings: number;
  highFindings: number;
  /** how completely the cluster's Kubernetes API was read in this scan */
  kubernetesCoverage: CoverageStatus;
};

const clustersOf = memoByScan<ClusterPosture[]>("cluster-postures");

/** Every cluster's posture as of the scan (computed once per scan: its state never changes). */
export function listClusters(scope: ScanScope): Promise<ClusterPosture[]> {
  return clustersOf(`${scope.tenantId}:${scope.scanId}`, () =>
    keptAcrossRestarts("cluster-postures", scope, () => readClusters(scope)),
  );
}

async function readClusters(scope: ScanScope): Promise<ClusterPosture[]> {
  const asOf = asOfCondition(scope.scanId);
  const rows = await queryTenantPairs<ClusterRow>(Prisma.sql`
    WITH groups AS (
      SELECT natural_key AS id FROM snapshot_records
      WHERE tenant_id = ${scope.tenantId} AND kind = 'principal' AND ${asOf} AND data->>'kind' = 'Group'
      UNION ALL SELECT ${(await signInGroupOf(scope)).id} -- no directory object: lib/queries/sign-in-group.ts
    ), admins AS (
      -- principals with a cluster-admin grant, standing or eligible, worked out per group (expandedClusterPairsSql)
      SELECT cluster_id, count(*) AS n
      FROM ${expandedClusterPairsSql({ tenantId: scope.tenantId, scanId: scope.scanId, kind: "access.grant", level: "cluster-admin" })} AS pairs
      WHERE NOT EXISTS (SELECT 1 FROM groups g WHERE g.id = pairs.principal_id)
      GROUP BY cluster_id
    ), failing AS (
      SELECT cluster_id, count(*) AS n,
             count(*) FILTER (WHERE data->>'severity' = 'critical') AS critical,
             count(*) FILTER (WHERE data->>'severity' = 'high') AS high
      FROM snapshot_records
      WHERE tenant_id = ${scope.tenantId} AND kind = 'finding' AND ${asOf} AND data->>'status' = 'fail'
      GROUP BY cluster_id
    )
    SELECT c.natural_key AS id,
           jsonb_build_object(
             'name', c.data->'name', 'subscriptionId', c.data->'subscriptionId',
             'resourceGroup', c.data->'resourceGroup', 'location', c.data->'location',
             'kubernetesVersion', c.data->'kubernetesVersion', 'entraMode', c.data->'entra'->'mode',
             'azureRbac', c.data->'entra'->'azureRbac', 'kubernetesRbac', c.data->'kubernetesRbac',
             'localAccountsDisabled', c.data->'localAccountsDisabled',
             'runCommandDisabled', c.data->'runCommandDisabled',
             'workloadIdentityEnabled', c.data->'workloadIdentityEnabled',
             'oidcIssuerEnabled', c.data->'oidcIssuer'->'enabled',
             'podIdentityEnabled', c.data->'podIdentity'->'enabled',
             'privateCluster', c.data->'privateCluster',
             'controlPlaneIdentityType', c.data->'controlPlaneIdentity'->'type'
           ) AS posture,
           coalesce(a.n, 0) AS admins, coalesce(f.n, 0) AS failing,
           coalesce(f.critical, 0) AS critical, coalesce(f.high, 0) AS high
    FROM snapshot_records c
    LEFT JOIN admins a ON a.cluster_id = c.natural_key
    LEFT JOIN failing f ON f.cluster_id = c.natural_key
    WHERE c.tenant_id = ${scope.tenantId} AND c.kind = 'cluster' AND ${asOf}
    ORDER BY c.data->>'name', c.natural_key`);
  const coverage = coverageSchema.catch({}).parse(scope.scan.coverage);
  return rows.map((row) => ({
    id: row.id,
    ...postureSchema.parse(row.posture),
    clusterAdmins: Number(row.admins),
    failingFindings: Number(row.failing),
    criticalFindings: Number(row.critical),
    highFindings: Number(row.high),
    kubernetesCoverage: coverage[clusterSource(row.id)]?.status ?? "not-read",
  }));
}

export type ClustersResponse = { scanId: string; clusters: ClusterPosture[] };
