import { z } from "zod";
import { buildAccessIndex } from "@/lib/access/access-index";
import { AttackPathSearch, DEFAULT_MAX_HOPS, MAX_MAX_HOPS, MIN_MAX_HOPS } from "@/lib/access/attack-paths";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { accessEscalationDataSchema } from "@/lib/access/records";
import {
  ACCESS_LEVEL_RANK,
  type AccessPrincipal,
  ATTACK_PATH_LEVELS,
  type AttackPathLevel,
  type PathStep,
} from "@/lib/access/types";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { principalSchema } from "@/lib/model/directory";
import { coverageSchema } from "@/lib/model/tenant-model";
import { clustersNamed } from "@/lib/queries/clusters-named";
import { expandedAccessSql } from "@/lib/queries/expanded-access";
import { withPathSteps } from "@/lib/queries/path-steps";
import { InvalidInputError, NotFoundError } from "@/lib/queries/query-errors";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition, modelAsOf } from "@/lib/queries/snapshot";
import { isEligibleStep } from "@/lib/queries/stored-records";

// GET /api/principals/:id/paths and `aks-atlas paths`: the shortest attack paths from one principal
// to each cluster level it can reach but does not hold. A scan stores the paths of at most
// DEFAULT_MAX_HOPS hops (access.escalation records, route attack-path); a bound up to that is a
// filter over them (shortest paths are the same whatever the bound), a larger one recomputes the
// search over the scan's model.

export const pathsQuerySchema = z.object({
  to: z.string().trim().min(1).max(500).optional(),
  level: z.enum(ATTACK_PATH_LEVELS).optional(),
  maxHops: z
    .string()
    .trim()
    .regex(/^-?\d+$/, `maxHops must be an integer from ${MIN_MAX_HOPS} to ${MAX_MAX_HOPS}`)
    .transform(Number)
    .optional(),
});

export type PrincipalPathsQuery = { to?: string; level?: AttackPathLevel; maxHops?: number };

export type PrincipalPath = {
  cluster: { id: string; name: string };
  level: AttackPathLevel;
  /** the namespace of the level reached (admin, write, read); null = cluster-wide */
  namespace: string | null;
  hops: number;
  conditional: boolean;
  /** a step needs a PIM activation (an eligible role, group membership or directory role) */
  eligible: boolean;
  /**
   * listed beside a shorter path to the same level that needs a PIM activation or a condition: the best
   * route that needs neither (or one of them); false on shortest paths
   */
  alternative: boolean;
  path: PathStep[];
};

export type PrincipalPathsResponse = {
  scanId: string;
  from: AccessPrincipal;
  maxHops: number;
  paths: PrincipalPath[];
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function resolvePrincipal(scope: ScanScope, raw: string): Promise<AccessPrincipal> {
  const wanted = raw.trim();
  const id = GUID.test(wanted) ? wanted.toLowerCase() : wanted;
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;
  const rows = await prisma().$queryRaw<{ data: unknown }[]>(Prisma.sql`
    SELECT data FROM snapshot_records WHERE ${tenant} AND kind = 'principal'
      AND (natural_key = ${id} OR lower(data->>'userPrincipalName') = ${wanted.toLowerCase()})
    LIMIT 2`);
  if (rows.length === 1) {
    const principal = principalSchema.parse(rows[0].data);
    return { id: principal.id, kind: principal.kind, displayName: principal.displayName };
  }
  // Kubernetes users, groups and service accounts are no directory objects: known from their access rows.
  const access = await prisma().$queryRaw<{ principal: unknown }[]>(Prisma.sql`
    SELECT data->'principal' AS principal
    FROM ${expandedAccessSql({ tenantId: scope.tenantId, scanId: scope.scanId, principalId: id })} r
    LIMIT 1`);
  const known = access[0]
    ? z.object({ id: z.string(), kind: z.string(), displayName: z.string() }).safeParse(access[0].principal)
    : null;
  if (known?.success) return known.data as AccessPrincipal;
  throw new NotFoundError("principal_not_found", `No principal "${raw}" in scan ${scope.scanId}.`);
}

async function resolveCluster(scope: ScanScope, nameOrId: string): Promise<{ id: string; name: string }> {
  const rows = await clustersNamed(scope, nameOrId);
  if (rows.length === 1) return rows[0];
  if (rows.length === 0)
    throw new NotFoundError("cluster_not_found", `No cluster "${nameOrId}" in scan ${scope.scanId}.`);
  throw new InvalidInputError(
    `"${nameOrId}" names ${rows.length} clusters; give one of their ids: ${rows.map((row) => row.id).join(", ")}`,
  );
}

export async function getPrincipalPaths(
  scope: ScanScope,
  principalIdOrUpn: string,
  query: PrincipalPathsQuery = {},
): Promise<PrincipalPathsResponse> {
  const maxHops = query.maxHops ?? DEFAULT_MAX_HOPS;
  if (!Number.isInteger(maxHops) || maxHops < MIN_MAX_HOPS || maxHops > MAX_MAX_HOPS)
    throw new InvalidInputError(
      `maxHops must be an integer from ${MIN_MAX_HOPS} to ${MAX_MAX_HOPS}, not ${query.maxHops}`,
    );
  const from = await resolvePrincipal(scope, principalIdOrUpn);
  const cluster = query.to ? await resolveCluster(scope, query.to) : null;

  let paths: PrincipalPath[];
  if (maxHops <= DEFAULT_MAX_HOPS) {
    const stored = await prisma().$queryRaw<{ data: unknown }[]>(Prisma.sql`
      SELECT r.data FROM ${expandedAccessSql({
        tenantId: scope.tenantId,
        scanId: scope.scanId,
        kinds: ["access.escalation"],
        principalId: from.id,
        clusterIds: cluster ? [cluster.id] : undefined,
      })} r
      WHERE r.data->>'route' = 'attack-path'
      ORDER BY r.natural_key`);
    const rows = await withPathSteps(scope.tenantId, stored, { kindOf: () => "access.escalation" });
    paths = rows.flatMap((row) => {
      const data = accessEscalationDataSchema.parse(row.data);
      const level = data.to as AttackPathLevel;
      if (!ATTACK_PATH_LEVELS.includes(level) || data.hops === undefined || data.hops > maxHops) return [];
      return data.paths.slice(0, 1).map((path) => ({
        cluster: data.cluster,
        level,
        namespace: data.namespace ?? null,
        hops: data.hops ?? 0,
        conditional: data.conditional ?? false,
        // Stored escalations keep no flag of their own: their steps say it (as on the cluster page).
        eligible: path.some(isEligibleStep),
        alternative: data.alternative === true,
        path,
      }));
    });
  } else {
    const coverage = coverageSchema.catch({}).parse(scope.scan.coverage);
    const model = await modelAsOf(scope.tenantId, scope.scanId, coverage);
    const index = buildAccessIndex(model);
    const search = new AttackPathSearch(index, maxHops);
    paths = [];
    for (const candidate of model.clusters) {
      if (cluster && candidate.id !== cluster.id) continue;
      for (const found of search.forCluster(evaluateClusterAccess(model, candidate.id, index))) {
        if (found.principal.id !== from.id) continue;
        paths.push({
          cluster: { id: candidate.id, name: candidate.name },
          level: found.level,
          namespace: found.namespace,
          hops: found.hops,
          conditional: found.conditional,
          eligible: found.eligible,
          alternative: found.alternative === true,
          path: found.path,
        });
      }
    }
  }
  if (query.level) paths = paths.filter((path) => path.level === query.level);
  paths.sort(
    (a, b) =>
      ACCESS_LEVEL_RANK[b.level] - ACCESS_LEVEL_RANK[a.level] ||
      a.hops - b.hops ||
      a.cluster.name.localeCompare(b.cluster.name),
  );
  return { scanId: scope.scanId.toString(), from, maxHops, paths };
}
