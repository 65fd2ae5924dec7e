import {
  type AccessEscalationData,
  type AccessGrantData,
  ALTERNATIVE_ROUTE_SLOT,
  accessEscalationDataSchema,
  accessGrantDataSchema,
} from "@/lib/access/records";
import {
  ACCESS_LEVEL_RANK,
  type AccessLevel,
  type AccessPrincipal,
  type AccessRoute,
  type AttackPathLevel,
  accessLevelSchema,
  accessRouteSchema,
  type EscalationTarget,
  escalationRouteSchema,
  escalationTargetSchema,
} from "@/lib/access/types";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { principalKindSchema } from "@/lib/model/directory";
import { keysAreBytewise, nonDirectoryDisplayName } from "@/lib/queries/access-keys";
import { expandedAccessSql } from "@/lib/queries/expanded-access";
import { principalOrder } from "@/lib/queries/get-cluster-access";
import { withPathSteps } from "@/lib/queries/path-steps";
import { NotFoundError } from "@/lib/queries/query-errors";
import { memoByScanObject } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { signInGroupOf } from "@/lib/queries/sign-in-group";
import { asOfCondition } from "@/lib/queries/snapshot";
import type { HoldingFilter } from "@/lib/queries/stored-records";

// The cluster page's access section without the paths: who has which level by which route, read
// from the access rows' keys (`<cluster>|<principal>|<level>|<namespace>|<route>`) and the directory,
// never from the (large) path documents. Paths load when a principal is expanded (the access API with
// ?principal=) and, for the strongest few, for the graph.

/** A level reachable through an attack path (an `access.escalation` with route `attack-path`). */
export type ReachSummary = {
  level: AttackPathLevel;
  /** null for a record stored without it */
  hops: number | null;
  namespace: string | null;
  conditional: boolean;
  /** the route listed beside a shorter one that needs a PIM activation or a condition */
  alternative?: boolean;
};

export type AccessSummaryEntry = {
  principal: AccessPrincipal;
  /** `eligible`: the grant needs a PIM activation first; standing otherwise */
  grants: { level: AccessLevel; namespace: string | null; route: AccessRoute; eligible: boolean }[];
  escalations: number;
  /** attack paths: levels the principal can reach but does not hold */
  reaches: ReachSummary[];
  /** one-step escalations by target (cluster-write, run-command, bind …), distinct */
  oneStep: EscalationTarget[];
};

type SummaryRow = {
  kind: string;
  key: string;
  hops: number | null;
  conditional: boolean | null;
  namespace: string | null;
  eligible: boolean | null;
};

export { HOLDING_FILTERS, type HoldingFilter } from "@/lib/queries/stored-records";

/**
 * Entries narrowed to the access they hold standing or only through PIM: an entry keeps the grants of
 * that kind and is dropped when none is left ("any" keeps everything, reaches included).
 */
export function filterByHolding(
  entries: readonly AccessSummaryEntry[],
  holding: HoldingFilter,
): AccessSummaryEntry[] {
  if (holding === "any") return [...entries];
  const wanted = holding === "eligible";
  return entries.flatMap((entry) => {
    const grants = entry.grants.filter((grant) => grant.eligible === wanted);
    return grants.length > 0 ? [{ ...entry, grants }] : [];
  });
}

/** The reach an attack-path escalation row stands for (null for one-step rows and unknown values). */
export function reachOfRow(
  level: string,
  row: Pick<SummaryRow, "hops" | "conditional" | "namespace">,
  /** the key's namespace slot, which names the route listed beside the shortest (ALTERNATIVE_ROUTE_SLOT) */
  keySlot?: string,
): ReachSummary | null {
  const parsed = accessLevelSchema.safeParse(level);
  if (!parsed.success || parsed.data === "credentials-only") return null;
  return {
    level: parsed.data,
    hops: typeof row.hops === "number" && Number.isInteger(row.hops) && row.hops > 0 ? row.hops : null,
    namespace: row.namespace ?? null,
    conditional: row.conditional === true,
    ...(keySlot === ALTERNATIVE_ROUTE_SLOT ? { alternative: true } : {}),
  };
}

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

const ATTACK_PATH_ROW = Prisma.sql`kind = 'access.escalation' AND natural_key LIKE '%|attack-path'`;

const KIND_BY_PREFIX: [string, AccessPrincipal["kind"]][] = [
  ["system:serviceaccount:", "ServiceAccount"],
  ["k8s-user:", "KubernetesUser"],
  ["k8s-group:", "KubernetesGroup"],
];

export type ClusterAccessSummary = {
  scanId: string;
  principals: readonly AccessSummaryEntry[];
};

/**
 * The summaries of the clusters read last, per scan (a completed scan's never change): a busy cluster's is
 * every principal the group expansion gives it — with the tenant's sign-in group bound, every account (6,048
 * principals on bench/pages' widest cluster, ~350 ms a read) — the same on every visit of the cluster page. Eight
 * clusters: such a summary is ~10 MB of objects.
 */
const summaries = memoByScanObject<ClusterAccessSummary>("cluster-access-summaries", 8);

export function getClusterAccessSummary(scope: ScanScope, clusterId: string): Promise<ClusterAccessSummary> {
  return summaries(scope, clusterId, () => readClusterAccessSummary(scope, clusterId));
}

async function readClusterAccessSummary(scope: ScanScope, clusterId: string): Promise<ClusterAccessSummary> {
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;
  // Attack paths' hop counts live in their documents; only those few rows are read beyond the key.
  const rows = await prisma().$queryRaw<SummaryRow[]>(Prisma.sql`
    SELECT kind, natural_key AS key,
           CASE WHEN ${ATTACK_PATH_ROW} THEN (data->>'hops')::int END AS hops,
           CASE WHEN ${ATTACK_PATH_ROW} THEN (data->>'conditional')::boolean END AS conditional,
           CASE WHEN ${ATTACK_PATH_ROW} THEN data->>'namespace' END AS namespace,
           CASE WHEN kind = 'access.grant' THEN (data->>'eligible')::boolean END AS eligible
    FROM (SELECT tenant_id, kind, natural_key, cluster_id, data, valid_from_scan, valid_to_scan
          FROM snapshot_records WHERE tenant_id = ${scope.tenantId} AND cluster_id = ${clusterId} AND kind = 'cluster'
          UNION ALL
          -- attrs: the row's fields without rebuilding an expanded row's paths
          SELECT tenant_id, kind, natural_key, cluster_id, attrs, valid_from_scan, valid_to_scan
          FROM ${expandedAccessSql({ tenantId: scope.tenantId, scanId: scope.scanId, clusterIds: [clusterId] })} e
         ) AS snapshot_records
    WHERE ${tenant} AND cluster_id = ${clusterId} AND kind IN ('cluster', 'access.grant', 'access.escalation')
    -- one order whatever the layout (the key index's)
    ORDER BY kind, natural_key COLLATE "C"`);
  if (!rows.some((row) => row.kind === "cluster")) {
    throw new NotFoundError("cluster_not_found", `No cluster ${clusterId} in scan ${scope.scanId}.`);
  }
  const prefix = `${clusterId}|`;
  const byPrincipal = new Map<
    string,
    Pick<AccessSummaryEntry, "grants" | "escalations" | "reaches" | "oneStep">
  >();
  for (const row of rows) {
    if (row.kind === "cluster" || !row.key.startsWith(prefix)) continue;
    const { principalId, level, namespace, route } = parseAccessKeyTail(row.key.slice(prefix.length));
    const entry = byPrincipal.get(principalId) ?? { grants: [], escalations: 0, reaches: [], oneStep: [] };
    byPrincipal.set(principalId, entry);
    if (row.kind === "access.escalation") {
      entry.escalations += 1;
      const parsedRoute = escalationRouteSchema.safeParse(route);
      if (parsedRoute.success && parsedRoute.data === "attack-path") {
        const reach = reachOfRow(level, row, namespace);
        if (reach) entry.reaches.push(reach);
      } else {
        const target = escalationTargetSchema.safeParse(level);
        if (target.success && !entry.oneStep.includes(target.data)) entry.oneStep.push(target.data);
      }
      continue;
    }
    const parsedLevel = accessLevelSchema.safeParse(level);
    const parsedRoute = accessRouteSchema.safeParse(route);
    if (parsedLevel.success && parsedRoute.success) {
      entry.grants.push({
        level: parsedLevel.data,
        namespace: namespace === "*" ? null : namespace,
        route: parsedRoute.data,
        eligible: row.eligible === true,
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
  const signIn = await signInGroupOf(scope);
  known.set(signIn.id, { ...signIn, deleted: null });
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
    return {
      principal: { id, kind, displayName },
      grants,
      escalations: entry.escalations,
      reaches: entry.reaches.sort(
        (a, b) =>
          ACCESS_LEVEL_RANK[b.level] - ACCESS_LEVEL_RANK[a.level] ||
          (a.hops ?? Number.POSITIVE_INFINITY) - (b.hops ?? Number.POSITIVE_INFINITY),
      ),
      oneStep: entry.oneStep.sort(),
    };
  });
  const strongest = (entry: AccessSummaryEntry) =>
    entry.grants[0] ? ACCESS_LEVEL_RANK[entry.grants[0].level] : -1;
  principals.sort((a, b) => strongest(b) - strongest(a) || principalOrder(a.principal, b.principal));
  return { scanId: scope.scanId.toString(), principals };
}

/** The stored documents of one kind of a few principals on one cluster, by key range. */
async function documentsOfPrincipals(
  scope: ScanScope,
  clusterId: string,
  principalIds: readonly string[],
  kind: "access.grant" | "access.escalation",
): Promise<unknown[]> {
  if (principalIds.length === 0) return [];
  const asOf = asOfCondition(scope.scanId);
  const keyRanges = await keysAreBytewise();
  // rows the principals' groups give them (group-level storage), through their memberships: by key range
  // where text compares bytewise — joined instead, the planner re-read every membership once per group row
  // of the cluster (80 × 4,000 rows, 0.5 s for the cluster page's 40 strongest principals at 500 clusters)
  const expanded = await prisma().$queryRaw<{ data: unknown; key: string }[]>(Prisma.sql`
    SELECT x.data, x.natural_key AS key FROM ${expandedAccessSql({
      tenantId: scope.tenantId,
      scanId: scope.scanId,
      kinds: [kind],
      clusterIds: [clusterId],
      principalIds,
      keyRanges,
    })} x WHERE x.expanded`);
  const prefixes = principalIds.map((id) => `${clusterId}|${id}|`);
  const rows = keyRanges
    ? await prisma().$queryRaw<{ data: unknown; key: string }[]>(Prisma.sql`
        SELECT r.data, r.key FROM unnest(ARRAY[${Prisma.join(prefixes)}]::text[]) AS p(prefix)
        CROSS JOIN LATERAL (
          SELECT data, natural_key AS key FROM snapshot_records
          WHERE tenant_id = ${scope.tenantId} AND kind = ${kind}
            AND natural_key >= p.prefix AND natural_key < left(p.prefix, -1) || '}'
            AND starts_with(natural_key, p.prefix) AND ${asOf}
          OFFSET 0 -- a fence: keeps the planner probing the key index per prefix, not scanning the table
        ) r`)
    : await prisma().$queryRaw<{ data: unknown; key: string }[]>(Prisma.sql`
        SELECT data, natural_key AS key FROM snapshot_records
        WHERE tenant_id = ${scope.tenantId} AND cluster_id = ${clusterId} AND kind = ${kind} AND ${asOf}
          AND data->'principal'->>'id' IN (${Prisma.join(principalIds)})`);
  // one order whatever the layout: by key
  return (await withPathSteps(scope.tenantId, [...rows, ...expanded], { kindOf: () => kind }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((row) => row.data);
}

/** The grant documents (with paths) of a few principals on one cluster, by key range. */
export async function grantsOfPrincipals(
  scope: ScanScope,
  clusterId: string,
  principalIds: readonly string[],
): Promise<AccessGrantData[]> {
  const documents = await documentsOfPrincipals(scope, clusterId, principalIds, "access.grant");
  return documents.map((data) => accessGrantDataSchema.parse(data));
}

/** The escalation documents (with paths: attack paths and one-step) of a few principals on one cluster. */
export async function escalationsOfPrincipals(
  scope: ScanScope,
  clusterId: string,
  principalIds: readonly string[],
): Promise<AccessEscalationData[]> {
  const documents = await documentsOfPrincipals(scope, clusterId, principalIds, "access.escalation");
  return documents.map((data) => accessEscalationDataSchema.parse(data));
}
