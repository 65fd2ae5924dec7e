import {
  ACCESS_LEVEL_RANK,
  type AccessLevel,
  type AccessPrincipal,
  type AccessRoute,
  accessLevelSchema,
  accessRouteSchema,
} from "@/lib/access/types";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { principalKindSchema } from "@/lib/model/directory";
import { keysAreBytewise, nonDirectoryDisplayName } from "@/lib/queries/access-keys";
import { principalOrder } from "@/lib/queries/get-cluster-access";
import { NotFoundError } from "@/lib/queries/query-errors";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";
import { type AccessGrantData, accessGrantDataSchema } from "@/lib/queries/stored-records";

// The cluster page's access section without the paths: who has which level by which route, read
// from the access rows' keys (`<cluster>|<principal>|<level>|<namespace>|<route>`) and the directory,
// never from the (large) path documents. Paths load when a principal is expanded (the access API with
// ?principal=) and, for the strongest few, for the graph.

export type AccessSummaryEntry = {
  principal: AccessPrincipal;
  grants: { level: AccessLevel; namespace: string | null; route: AccessRoute }[];
  escalations: number;
};

/** `<principal>|<level>|<namespace>|<route>` after the cluster prefix, split from the right. */
export function parseAccessKeyTail(tail: string): {
  principalId: string;
  level: string;
  namespace: string;
  route: string;
} {
  const parts = tail.split("|");
  const route = parts.pop() ?? "";
  const namespace = parts.pop() ?? "";
  const level = parts.pop() ?? "";
  return { principalId: parts.join("|"), level, namespace, route };
}

const KIND_BY_PREFIX: [string, AccessPrincipal["kind"]][] = [
  ["system:serviceaccount:", "ServiceAccount"],
  ["k8s-user:", "KubernetesUser"],
  ["k8s-group:", "KubernetesGroup"],
];

export async function getClusterAccessSummary(scope: ScanScope, clusterId: string) {
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;
  const rows = await prisma().$queryRaw<{ kind: string; key: string }[]>(Prisma.sql`
    SELECT kind, natural_key AS key FROM snapshot_records
    WHERE ${tenant} AND cluster_id = ${clusterId} AND kind IN ('cluster', 'access.grant', 'access.escalation')`);
  if (!rows.some((row) => row.kind === "cluster")) {
    throw new NotFoundError("cluster_not_found", `No cluster ${clusterId} in scan ${scope.scanId}.`);
  }
  const prefix = `${clusterId}|`;
  const byPrincipal = new Map<string, { grants: AccessSummaryEntry["grants"]; escalations: number }>();
  for (const row of rows) {
    if (row.kind === "cluster" || !row.key.startsWith(prefix)) continue;
    const { principalId, level, namespace, route } = parseAccessKeyTail(row.key.slice(prefix.length));
    const entry = byPrincipal.get(principalId) ?? { grants: [], escalations: 0 };
    byPrincipal.set(principalId, entry);
    if (row.kind === "access.escalation") {
      entry.escalations += 1;
      continue;
    }
    const parsedLevel = accessLevelSchema.safeParse(level);
    const parsedRoute = accessRouteSchema.safeParse(route);
    if (parsedLevel.success && parsedRoute.success) {
      entry.grants.push({
        level: parsedLevel.data,
        namespace: namespace === "*" ? null : namespace,
        route: parsedRoute.data,
      });
    }
  }
  const ids = [...byPrincipal.keys()];
  const directory = ids.length
    ? await prisma().$queryRaw<
        { id: string; kind: string; displayName: string; deleted: boolean | null }[]
      >(Prisma.sql`
        SELECT natural_key AS id, data->>'kind' AS kind, data->>'displayName' AS "displayName",
               (data->>'deleted')::boolean AS deleted
        FROM snapshot_records WHERE ${tenant} AND kind = 'principal' AND natural_key IN (${Prisma.join(ids)})`)
    : [];
  const known = new Map(directory.map((row) => [row.id, row]));
  const principals: AccessSummaryEntry[] = [...byPrincipal.entries()].map(([id, entry]) => {
    const record = known.get(id);
    const kindFromId = KIND_BY_PREFIX.find(([start]) => id.startsWith(start))?.[1];
    // named the way the access engine names them (lib/access/evaluate-cluster.ts)
    const kind = kindFromId ?? principalKindSchema.catch("ServicePrincipal").parse(record?.kind);
    const displayName = record
      ? record.deleted
        ? `${record.displayName} (deleted)`
        : record.displayName
      : kindFromId
        ? nonDirectoryDisplayName(id)
        : `${id} (not in directory)`;
    const grants = entry.grants.sort(
      (a, b) =>
        ACCESS_LEVEL_RANK[b.level] - ACCESS_LEVEL_RANK[a.level] ||
        (a.namespace ?? "").localeCompare(b.namespace ?? "") ||
        a.route.localeCompare(b.route),
    );
    return { principal: { id, kind, displayName }, grants, escalations: entry.escalations };
  });
  const strongest = (entry: AccessSummaryEntry) =>
    entry.grants[0] ? ACCESS_LEVEL_RANK[entry.grants[0].level] : -1;
  principals.sort((a, b) => strongest(b) - strongest(a) || principalOrder(a.principal, b.principal));
  return { scanId: scope.scanId.toString(), principals };
}

export type ClusterAccessSummary = Awaited<ReturnType<typeof getClusterAccessSummary>>;

/** The grant documents (with paths) of a few principals on one cluster, by key range. */
export async function grantsOfPrincipals(
  scope: ScanScope,
  clusterId: string,
  principalIds: readonly string[],
): Promise<AccessGrantData[]> {
  if (principalIds.length === 0) return [];
  const asOf = asOfCondition(scope.scanId);
  const prefixes = principalIds.map((id) => `${clusterId}|${id}|`);
  const rows = (await keysAreBytewise())
    ? await prisma().$queryRaw<{ data: unknown }[]>(Prisma.sql`
        SELECT r.data FROM unnest(ARRAY[${Prisma.join(prefixes)}]::text[]) AS p(prefix)
        CROSS JOIN LATERAL (
          SELECT data FROM snapshot_records
          WHERE tenant_id = ${scope.tenantId} AND kind = 'access.grant'
            AND natural_key >= p.prefix AND natural_key < left(p.prefix, -1) || '}'
            AND starts_with(natural_key, p.prefix) AND ${asOf}
          OFFSET 0 -- a fence: keeps the planner probing the key index per prefix, not scanning the table
        ) r`)
    : await prisma().$queryRaw<{ data: unknown }[]>(Prisma.sql`
        SELECT data FROM snapshot_records
        WHERE tenant_id = ${scope.tenantId} AND cluster_id = ${clusterId} AND kind = 'access.grant' AND ${asOf}
          AND data->'principal'->>'id' IN (${Prisma.join(principalIds)})`);
  return rows.map((row) => accessGrantDataSchema.parse(row.data));
}
