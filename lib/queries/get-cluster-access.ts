import {
  type AccessEscalationData,
  type AccessGrantData,
  accessEscalationDataSchema,
  accessGrantDataSchema,
} from "@/lib/access/records";
import { type AccessPrincipal, accessLevelSchema, type PathStep } from "@/lib/access/types";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { expandedAccessSql } from "@/lib/queries/expanded-access";
import { withPathSteps } from "@/lib/queries/path-steps";
import { NotFoundError } from "@/lib/queries/query-errors";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";
import { isEligibleStep, levelRank } from "@/lib/queries/stored-records";

// GET /api/clusters/:id/access and the access section of the cluster page: every principal with
// access to one cluster, with each grant's path. One stored grant record holds every path that
// explains it; the API contract lists one grant per path, so a reader can follow each route alone.

const CONDITION_MARK = "(with a condition)";

export function principalOrder(a: AccessPrincipal, b: AccessPrincipal): number {
  return a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id);
}

/** An attack path ranks by the level it reaches (above every one-step escalation, which ranks 0). */
function escalationRank(escalation: { to: string; route: string }): number {
  if (escalation.route !== "attack-path") return 0;
  const level = accessLevelSchema.safeParse(escalation.to);
  return level.success ? levelRank(level.data) + 1 : 0;
}

/** Grants and escalations of one cluster, grouped by principal, strongest access first. */
export function shapeClusterAccess(
  grants: readonly AccessGrantData[],
  escalations: readonly AccessEscalationData[],
) {
  type Entry = {
    principal: AccessPrincipal;
    grants: {
      level: AccessGrantData["level"];
      namespace: string | null;
      route: AccessGrantData["route"];
      conditional: boolean;
      /** this path needs a PIM activation (absent: standing) */
      eligible?: boolean;
      path: PathStep[];
    }[];
    escalations: {
      to: AccessEscalationData["to"];
      route: AccessEscalationData["route"];
      path: PathStep[];
      /** attack paths only (route `attack-path`) */
      hops?: number;
      conditional?: boolean;
      namespace?: string | null;
      eligible?: boolean;
      /** the route listed beside a shorter one that needs a PIM activation or a condition */
      alternative?: boolean;
    }[];
  };
  const byPrincipal = new Map<string, Entry>();
  const entryOf = (principal: AccessPrincipal): Entry => {
    let entry = byPrincipal.get(principal.id);
    if (!entry) {
      entry = { principal, grants: [], escalations: [] };
      byPrincipal.set(principal.id, entry);
    }
    return entry;
  };
  for (const grant of grants) {
    const entry = entryOf(grant.principal);
    for (const path of grant.paths) {
      // The record is conditional only when every path is; with several paths, the condition mark
      // the engine puts on a role-assignment step tells which one may be narrowed.
      const conditional =
        grant.conditional ||
        (grant.paths.length > 1 &&
          path.some((step) => step.kind === "roleAssignment" && step.label.endsWith(CONDITION_MARK)));
      entry.grants.push({
        level: grant.level,
        namespace: grant.namespace,
        route: grant.route,
        conditional,
        // only when true: the access API's grant shape stays as it was for standing access
        ...(grant.eligible === true || path.some(isEligibleStep) ? { eligible: true } : {}),
        path,
      });
    }
  }
  for (const escalation of escalations) {
    const entry = entryOf(escalation.principal);
    for (const path of escalation.paths)
      entry.escalations.push({
        to: escalation.to,
        route: escalation.route,
        path,
        ...(escalation.hops === undefined
          ? {}
          : { hops: escalation.hops, conditional: escalation.conditional, namespace: escalation.namespace }),
        ...(escalation.eligible === true || path.some(isEligibleStep) ? { eligible: true } : {}),
        ...(escalation.alternative ? { alternative: true } : {}),
      });
  }
  const strongest = (entry: Entry) => Math.max(-1, ...entry.grants.map((grant) => levelRank(grant.level)));
  const principals = [...byPrincipal.values()];
  for (const entry of principals) {
    entry.grants.sort(
      (a, b) =>
        levelRank(b.level) - levelRank(a.level) ||
        (a.namespace ?? "").localeCompare(b.namespace ?? "") ||
        a.route.localeCompare(b.route),
    );
    // attack paths first (strongest level reached, then fewest hops), then one-step escalations
    entry.escalations.sort(
      (a, b) =>
        escalationRank(b) - escalationRank(a) ||
        (a.hops ?? Number.POSITIVE_INFINITY) - (b.hops ?? Number.POSITIVE_INFINITY) ||
        a.to.localeCompare(b.to) ||
        a.route.localeCompare(b.route),
    );
  }
  principals.sort((a, b) => strongest(b) - strongest(a) || principalOrder(a.principal, b.principal));
  return principals;
}

/** `principalId` narrows the answer to one principal (same shape), read by its key prefix. */
export async function getClusterAccess(
  scope: ScanScope,
  clusterId: string,
  options: { principalId?: string } = {},
) {
  const onePrincipal = options.principalId
    ? Prisma.sql`AND starts_with(r.natural_key, ${`${clusterId}|${options.principalId}|`})`
    : Prisma.empty;
  // the cluster's row, and its access rows as stored and expanded through groups (lib/queries/expanded-access.ts)
  const stored = await prisma().$queryRaw<{ kind: string; data: unknown }[]>(Prisma.sql`
    SELECT kind, data FROM snapshot_records
    WHERE tenant_id = ${scope.tenantId} AND cluster_id = ${clusterId}
      AND kind = 'cluster' AND ${asOfCondition(scope.scanId)}
    UNION ALL
    SELECT kind, data FROM ${expandedAccessSql({ tenantId: scope.tenantId, scanId: scope.scanId, clusterIds: [clusterId] })} r
    WHERE true ${onePrincipal}`);
  const rows = await withPathSteps(scope.tenantId, stored);
  const clusterRow = rows.find((row) => row.kind === "cluster");
  if (!clusterRow)
    throw new NotFoundError("cluster_not_found", `No cluster ${clusterId} in scan ${scope.scanId}.`);
  const cluster = clusterRow.data as { name?: unknown };
  const grants = rows
    .filter((row) => row.kind === "access.grant")
    .map((row) => accessGrantDataSchema.parse(row.data));
  const escalations = rows
    .filter((row) => row.kind === "access.escalation")
    .map((row) => accessEscalationDataSchema.parse(row.data));
  return {
    cluster: { id: clusterId, name: typeof cluster.name === "string" ? cluster.name : clusterId },
    scanId: scope.scanId.toString(),
    principals: shapeClusterAccess(grants, escalations),
  };
}

export type ClusterAccessResponse = Awaited<ReturnType<typeof getClusterAccess>>;
export type ClusterAccessPrincipal = ClusterAccessResponse["principals"][number];
