import { accessEscalationDataSchema, accessGrantDataSchema } from "@/lib/access/records";
import {
  type AccessPrincipal,
  accessLevelSchema,
  accessPrincipalSchema,
  accessRouteSchema,
  escalationTargetSchema,
} from "@/lib/access/types";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { managedIdentitySchema, roleDefinitionSchema } from "@/lib/model/azure";
import { groupMembershipSchema, principalSchema } from "@/lib/model/directory";
import { keysAreBytewise, nonDirectoryDisplayName } from "@/lib/queries/access-keys";
import { expandedAccessSql } from "@/lib/queries/expanded-access";
import { shapeClusterAccess } from "@/lib/queries/get-cluster-access";
import { parseAccessKeyTail, reachOfRow } from "@/lib/queries/get-cluster-access-summary";
import { withPathSteps } from "@/lib/queries/path-steps";
import { NotFoundError } from "@/lib/queries/query-errors";
import { roleAssignmentsOf } from "@/lib/queries/scan-directory";
import { memoByScan, memoByScanObject } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { signInGroupOf } from "@/lib/queries/sign-in-group";
import { asOfCondition } from "@/lib/queries/snapshot";
import { levelRank } from "@/lib/queries/stored-records";

// GET /api/principals/:id and the principal page: everything one user, group, service principal,
// managed identity or Kubernetes subject can do on every cluster, each grant with its path
// ("what can Penny do?"), plus the directory facts that explain it (groups, role assignments).

type Row = { kind: string; data: unknown; clusterId: string | null };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type KeyRow = {
  kind: string;
  key: string;
  clusterId: string;
  /** attack-path escalations only (read from the document): hops, conditional, namespace reached */
  hops: number | null;
  conditional: boolean | null;
  namespace: string | null;
  /** grants only: the grant needs a PIM activation */
  eligible: boolean | null;
};

/** `document`: the column holding the row's fields (`attrs` of expanded-access.ts: no paths rebuilt) */
const attackPathColumns = (alias: string, document = "data") => {
  const table = Prisma.raw(alias);
  const doc = Prisma.raw(`${alias}.${document}`);
  const row = Prisma.sql`${table}.kind = 'access.escalation' AND ${table}.natural_key LIKE '%|attack-path'`;
  return Prisma.sql`CASE WHEN ${row} THEN (${doc}->>'hops')::int END AS hops,
    CASE WHEN ${row} THEN (${doc}->>'conditional')::boolean END AS conditional,
    CASE WHEN ${row} THEN ${doc}->>'namespace' END AS namespace,
    CASE WHEN ${table}.kind = 'access.grant' THEN (${doc}->>'eligible')::boolean END AS eligible`;
};

/**
 * The keys of the principal's access rows (`<cluster>|<principal>|<level>|<namespace>|<route>`): with
 * bytewise text order, one key-index range per cluster (milliseconds on a 500-cluster tenant);
 * otherwise by filtering every access document (correct, but it reads them all).
 */
async function readAccessKeys(scope: ScanScope, id: string): Promise<KeyRow[]> {
  const keyRanges = await keysAreBytewise();
  const [stored, expanded] = await Promise.all([
    readStoredAccessKeys(scope, id),
    readExpandedAccessKeys(scope, id, keyRanges),
  ]);
  // one order whatever the layout: by cluster, then by key (the order the key index gives)
  const byKey = (a: KeyRow, b: KeyRow) =>
    a.clusterId < b.clusterId
      ? -1
      : a.clusterId > b.clusterId
        ? 1
        : a.key < b.key
          ? -1
          : a.key > b.key
            ? 1
            : 0;
  return [...stored, ...expanded].sort(byKey);
}

/**
 * For every group with stored memberships (the groups whose rows group-level storage keeps once), the clusters
 * it has access rows on, as of the scan: read once per scan (1.5 s on a 500-cluster tenant, warmed after each
 * scan by lib/queries/warm-scan.ts), so a principal page reads only the key ranges that hold its groups' rows.
 */
const groupClustersMemo = memoByScan<ReadonlyMap<string, readonly string[]>>("group-clusters");

export function groupClustersOf(scope: ScanScope): Promise<ReadonlyMap<string, readonly string[]>> {
  return groupClustersMemo(`${scope.tenantId}|${scope.scanId}`, async () => {
    const asOf = (alias: string) => asOfCondition(scope.scanId, alias);
    // group ids are directory GUIDs: the 36 characters after the cluster id, then '|' (as expanded-access.ts)
    const rows = await prisma().$queryRaw<{ groupId: string; clusterId: string }[]>(Prisma.sql`
      WITH groups AS (
        SELECT DISTINCT split_part(m.natural_key, '|', 1) AS id FROM snapshot_records m
        WHERE m.tenant_id = ${scope.tenantId} AND m.kind = 'access.membership' AND ${asOf("m")})
      SELECT DISTINCT g.id AS "groupId", r.cluster_id AS "clusterId"
      FROM snapshot_records r JOIN groups g ON substr(r.natural_key, length(r.cluster_id) + 2, 36) = g.id
      WHERE r.tenant_id = ${scope.tenantId} AND r.kind IN ('access.grant', 'access.escalation') AND ${asOf("r")}
        AND substr(r.natural_key, length(r.cluster_id) + 38, 1) = '|'`);
    const clusters = new Map<string, string[]>();
    for (const row of rows) {
      const list = clusters.get(row.groupId);
      if (list) list.push(row.clusterId);
      else clusters.set(row.groupId, [row.clusterId]);
    }
    return clusters;
  });
}

/** The rows the principal's groups give it (group-level storage): through its memberships. */
async function readExpandedAccessKeys(scope: ScanScope, id: string, keyRanges: boolean): Promise<KeyRow[]> {
  let groupClusters: { groupId: string; clusterId: string }[] | undefined;
  if (keyRanges) {
    // only the (group, cluster) ranges that hold rows: the principal's groups first, then the per-scan map
    const [groups, clustersOf] = await Promise.all([
      prisma().$queryRaw<{ groupId: string }[]>(Prisma.sql`
        SELECT DISTINCT split_part(natural_key, '|', 1) AS "groupId" FROM snapshot_records
        WHERE tenant_id = ${scope.tenantId} AND kind = 'access.membership' AND ${asOfCondition(scope.scanId)}
          AND split_part(natural_key, '|', 2) = ${id}`),
      groupClustersOf(scope),
    ]);
    groupClusters = groups.flatMap(({ groupId }) =>
      (clustersOf.get(groupId) ?? []).map((clusterId) => ({ groupId, clusterId })),
    );
    if (groupClusters.length === 0) return [];
  }
  return prisma().$queryRaw<KeyRow[]>(Prisma.sql`
    SELECT r.kind, r.natural_key AS key, r.cluster_id AS "clusterId", ${attackPathColumns("r", "attrs")}
    FROM ${expandedAccessSql({
      tenantId: scope.tenantId,
      scanId: scope.scanId,
      principalId: id,
      keyRanges,
      groupClusters,
    })} r
    WHERE r.expanded`);
}

async function readStoredAccessKeys(scope: ScanScope, id: string): Promise<KeyRow[]> {
  if (await keysAreBytewise()) {
    // cluster ids first, on their own: joined in one statement, the planner may scan the whole table
    const clusters = await prisma().$queryRaw<{ id: string }[]>(Prisma.sql`
      SELECT natural_key AS id FROM snapshot_records
      WHERE tenant_id = ${scope.tenantId} AND kind = 'cluster' AND ${asOfCondition(scope.scanId)}`);
    if (clusters.length === 0) return [];
    return prisma().$queryRaw<KeyRow[]>(Prisma.sql`
      SELECT r.kind, r.natural_key AS key, r.cluster_id AS "clusterId", r.hops, r.conditional, r.namespace, r.eligible
      FROM unnest(ARRAY[${Prisma.join(clusters.map((cluster) => cluster.id))}]::text[]) AS c(id)
      CROSS JOIN LATERAL (
        SELECT r.kind, r.natural_key, r.cluster_id, ${attackPathColumns("r")} FROM snapshot_records r
        WHERE r.tenant_id = ${scope.tenantId} AND r.kind IN ('access.grant', 'access.escalation')
          AND r.natural_key >= c.id || '|' || ${id} || '|'
          AND r.natural_key < c.id || '|' || ${id} || '}'
          AND starts_with(r.natural_key, c.id || '|' || ${id} || '|')
          AND ${asOfCondition(scope.scanId, "r")}
        OFFSET 0 -- a fence: keeps the planner probing the key index per cluster, not scanning the table
      ) r`);
  }
  return prisma().$queryRaw<KeyRow[]>(Prisma.sql`
    SELECT kind, natural_key AS key, cluster_id AS "clusterId", ${attackPathColumns("snapshot_records")}
    FROM snapshot_records
    WHERE tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}
      AND kind IN ('access.grant', 'access.escalation') AND data->'principal'->>'id' = ${id}`);
}

const signInGroupHoldsMemo = memoByScan<boolean>("sign-in-group-holds");

/**
 * Whether the tenant's sign-in group holds anything as of the scan (its own rows: read once per scan, warmed
 * after each scan by lib/queries/warm-scan.ts).
 */
export function signInGroupHolds(scope: ScanScope): Promise<boolean> {
  return signInGroupHoldsMemo(
    `${scope.tenantId}|${scope.scanId}`,
    async () => (await readStoredAccessKeys(scope, (await signInGroupOf(scope)).id)).length > 0,
  );
}

/** Access documents by key (through the key index). */
async function readAccessDocuments(scope: ScanScope, id: string, rows: readonly KeyRow[]) {
  if (rows.length === 0) return { grants: [], escalations: [] };
  const stored = await prisma().$queryRaw<{ kind: string; data: unknown }[]>(Prisma.sql`
    SELECT kind, data FROM ${expandedAccessSql({
      tenantId: scope.tenantId,
      scanId: scope.scanId,
      principalId: id,
      naturalKeys: rows.map((row) => row.key),
    })} r
    ORDER BY r.cluster_id, r.kind, r.natural_key`);
  const documents = await withPathSteps(scope.tenantId, stored);
  return {
    grants: documents
      .filter((row) => row.kind === "access.grant")
      .map((row) => accessGrantDataSchema.parse(row.data)),
    escalations: documents
      .filter((row) => row.kind === "access.escalation")
      .map((row) => accessEscalationDataSchema.parse(row.data)),
  };
}

export type PrincipalPaths = "all" | { page: number; perPage: number };

/** Clusters per page of the principal page (whose pages the server warms: warm-scan.ts). */
export const PRINCIPAL_CLUSTERS_PER_PAGE = 10;

/** How many principals the scan lists as members of a group at most, on its page. */
const LISTED_MEMBERS = 100;

/**
 * The members of the tenant's sign-in group (every account that signs in with Entra ID): no directory
 * object, so they are its `access.membership` records — the first by name, and how many there are.
 */
async function signInGroupMembers(scope: ScanScope, groupId: string) {
  const rows = await prisma().$queryRaw<{ member: unknown; total: bigint }[]>(Prisma.sql`
    SELECT data->'member' AS member, count(*) OVER () AS total FROM snapshot_records
    WHERE tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)} AND kind = 'access.membership'
      AND split_part(natural_key, '|', 1) = ${groupId}
    ORDER BY data->'member'->>'displayName', natural_key
    LIMIT ${LISTED_MEMBERS}`);
  if (rows.length === 0) return null;
  return {
    direct: rows.map((row) => {
      const member = accessPrincipalSchema.parse(row.member);
      return { id: member.id, kind: member.kind, displayName: member.displayName };
    }),
    transitiveCount: Number(rows[0].total),
    /** only the first LISTED_MEMBERS by name are listed */
    firstOnly: true as const,
  };
}

/**
 * The principal pages read last, per scan (a completed scan's never change): a principal with access
 * everywhere is hundreds of clusters summarised from their keys, its groups' rows read by key range — 180–290 ms
 * for bench/pages' user on 475 clusters — the same for every visit of the page (~1 MB of objects each). Pages
 * only: the API's "all" holds every path, too large to keep.
 */
const principalPages = memoByScanObject<PrincipalResponse>("principal-pages", 16);

/**
 * `paths` = "all" (the API) or one page of clusters (the page): every cluster is summarised from keys;
 * path documents are read only for the clusters shown. What it returns is shared by the readers of a page
 * (principalPages): never changed in place.
 */
export function getPrincipal(
  scope: ScanScope,
  rawId: string,
  paths: PrincipalPaths = "all",
): Promise<PrincipalResponse> {
  // Directory object ids are stored lower-cased; Kubernetes names keep their case.
  const id = GUID.test(rawId) ? rawId.toLowerCase() : rawId;
  if (paths === "all") return readPrincipal(scope, id, paths);
  return principalPages(scope, `${id}:${paths.page}/${paths.perPage}`, () => readPrincipal(scope, id, paths));
}

async function readPrincipal(scope: ScanScope, id: string, paths: PrincipalPaths) {
  const db = prisma();
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;
  const [keys, directory, memberOf] = await Promise.all([
    readAccessKeys(scope, id),
    db.$queryRaw<Row[]>(Prisma.sql`
      SELECT kind, data, cluster_id AS "clusterId" FROM snapshot_records
      WHERE ${tenant} AND ((kind = 'principal' AND natural_key = ${id})
                           OR (kind = 'groupMembership' AND natural_key = ${id})
                           OR (kind = 'identity' AND data->>'principalId' = ${id}))`),
    db.$queryRaw<{ groupId: string; direct: boolean }[]>(Prisma.sql`
      SELECT natural_key AS "groupId", data->'directMemberIds' @> ${JSON.stringify([id])}::jsonb AS direct FROM snapshot_records
      WHERE ${tenant} AND kind = 'groupMembership' AND data->'memberIds' @> ${JSON.stringify([id])}::jsonb`),
  ]);

  const record = directory.find((row) => row.kind === "principal");
  const directoryPrincipal = record ? principalSchema.parse(record.data) : null;
  if (!directoryPrincipal && keys.length === 0) {
    throw new NotFoundError("principal_not_found", `No principal ${id} in scan ${scope.scanId}.`);
  }
  const membershipRow = directory.find((row) => row.kind === "groupMembership");
  const membership = membershipRow ? groupMembershipSchema.parse(membershipRow.data) : null;
  const signInGroup = await signInGroupOf(scope);
  const signInMembers = !membership && id === signInGroup.id ? await signInGroupMembers(scope, id) : null;
  const identityRow = directory.find((row) => row.kind === "identity");
  const managedIdentity = identityRow ? managedIdentitySchema.parse(identityRow.data) : null;
  // Every account that signs in with Entra ID is a member of the tenant's sign-in group (as the engine's
  // signInMembersOf: users, service principals, managed identities the directory still has); listed among
  // its groups where that group holds something. Asked of the group's own rows, which both storage layouts
  // keep, so the answer does not depend on the layout.
  const signsIn = directoryPrincipal
    ? directoryPrincipal.kind !== "Group" && directoryPrincipal.deleted !== true
    : managedIdentity !== null;
  const inSignInGroup = !membership && id !== signInGroup.id && signsIn && (await signInGroupHolds(scope));

  // Role assignments held directly or through a group, and the names of everything they mention.
  const holders = [id, ...memberOf.map((group) => group.groupId)];
  const assignments = await roleAssignmentsOf(scope, holders);
  const roleGuids = [...new Set(assignments.map((assignment) => assignment.roleDefinitionId))];
  const namedIds = [
    ...new Set([...memberOf.map((group) => group.groupId), ...(membership?.directMemberIds ?? [])]),
  ];
  const [roles, names] = await Promise.all([
    roleGuids.length
      ? db
          .$queryRaw<Row[]>(Prisma.sql`
            SELECT kind, data, cluster_id AS "clusterId" FROM snapshot_records
            WHERE ${tenant} AND kind = 'roleDefinition' AND data->>'guid' IN (${Prisma.join(roleGuids)})`)
          .then((rows) => rows.map((row) => roleDefinitionSchema.parse(row.data)))
      : [],
    namedIds.length
      ? db
          .$queryRaw<Row[]>(Prisma.sql`
            SELECT kind, data, cluster_id AS "clusterId" FROM snapshot_records
            WHERE ${tenant} AND kind = 'principal' AND natural_key IN (${Prisma.join(namedIds)})`)
          .then((rows) => rows.map((row) => principalSchema.parse(row.data)))
      : [],
  ]);
  const roleByGuid = new Map(roles.map((role) => [role.guid, role]));
  const nameOf = new Map(names.map((principal) => [principal.id, principal]));

  // Every cluster summarised from keys, strongest first.
  const clusterIds = [...new Set(keys.map((row) => row.clusterId))];
  const clusterNames = clusterIds.length
    ? await db.$queryRaw<{ id: string; name: string }[]>(Prisma.sql`
        SELECT natural_key AS id, data->>'name' AS name FROM snapshot_records
        WHERE ${tenant} AND kind = 'cluster' AND natural_key IN (${Prisma.join(clusterIds)})`)
    : [];
  const nameOfCluster = new Map(clusterNames.map((row) => [row.id, row.name]));
  // keys by cluster, in one pass (filtering every key per cluster was 456 × 5,000 comparisons)
  const keysOf = new Map<string, KeyRow[]>();
  for (const row of keys) {
    const list = keysOf.get(row.clusterId);
    if (list) list.push(row);
    else keysOf.set(row.clusterId, [row]);
  }
  const summary = clusterIds
    .map((clusterId) => {
      const own = keysOf.get(clusterId) ?? [];
      const tails = (kind: string) =>
        own
          .filter((row) => row.kind === kind)
          .map((row) => ({ ...parseAccessKeyTail(row.key.slice(clusterId.length + 1)), row }));
      const escalationTails = tails("access.escalation");
      const reaches = escalationTails
        .filter((tail) => tail.route === "attack-path")
        .flatMap((tail) => reachOfRow(tail.level, tail.row, tail.namespace) ?? [])
        .sort(
          (a, b) =>
            levelRank(b.level) - levelRank(a.level) ||
            (a.hops ?? Number.POSITIVE_INFINITY) - (b.hops ?? Number.POSITIVE_INFINITY),
        );
      const oneStep = [
        ...new Set(
          escalationTails
            .filter((tail) => tail.route !== "attack-path")
            .flatMap((tail) => {
              const target = escalationTargetSchema.safeParse(tail.level);
              return target.success ? [target.data] : [];
            }),
        ),
      ].sort();
      const grants = tails("access.grant")
        .map((tail) => ({
          level: accessLevelSchema.catch("credentials-only").parse(tail.level),
          namespace: tail.namespace === "*" ? null : tail.namespace,
          route: accessRouteSchema.catch("kubernetes-rbac").parse(tail.route),
          eligible: tail.row.eligible === true,
        }))
        .sort((a, b) => levelRank(b.level) - levelRank(a.level));
      // Eligible access (PIM) is never counted as standing: it has its own strongest level.
      const standing = grants.filter((grant) => !grant.eligible);
      const eligible = grants.filter((grant) => grant.eligible);
      return {
        cluster: { id: clusterId, name: nameOfCluster.get(clusterId) ?? clusterId },
        strongestLevel: standing[0]?.level ?? null,
        /** the strongest level a PIM activation would give (null: none) */
        eligibleLevel: eligible[0]?.level ?? null,
        /**
         * where the strongest standing level is held: null when cluster-wide (or nothing standing), else the
         * namespaces ("admin of namespace default" must not read as "admin")
         */
        strongestNamespaces: namespacesOf(standing),
        eligibleNamespaces: namespacesOf(eligible),
        routes: [...new Set(standing.map((grant) => grant.route))],
        eligibleRoutes: [...new Set(eligible.map((grant) => grant.route))],
        escalations: escalationTails.length,
        /** attack paths: levels reachable but not held, strongest first */
        reaches,
        /** one-step escalation targets, distinct */
        oneStep,
      };
    })
    .sort(
      (a, b) =>
        (b.strongestLevel ? levelRank(b.strongestLevel) : -1) -
          (a.strongestLevel ? levelRank(a.strongestLevel) : -1) ||
        (b.eligibleLevel ? levelRank(b.eligibleLevel) : -1) -
          (a.eligibleLevel ? levelRank(a.eligibleLevel) : -1) ||
        (b.reaches[0] ? levelRank(b.reaches[0].level) : -1) -
          (a.reaches[0] ? levelRank(a.reaches[0].level) : -1) ||
        a.cluster.name.localeCompare(b.cluster.name),
    );

  // Paths for all clusters or one page of them; shapeClusterAccess groups by principal, here there is one.
  const shown =
    paths === "all" ? summary : summary.slice((paths.page - 1) * paths.perPage, paths.page * paths.perPage);
  const shownIds = new Set(shown.map((entry) => entry.cluster.id));
  const documents = await readAccessDocuments(
    scope,
    id,
    keys.filter((row) => shownIds.has(row.clusterId)),
  );
  const accessPrincipal: AccessPrincipal | undefined =
    documents.grants[0]?.principal ?? documents.escalations[0]?.principal;
  const clusters = shown.map((entry) => {
    const shaped = shapeClusterAccess(
      documents.grants.filter((grant) => grant.cluster.id === entry.cluster.id),
      documents.escalations.filter((escalation) => escalation.cluster.id === entry.cluster.id),
    )[0];
    return {
      cluster: entry.cluster,
      strongestLevel: entry.strongestLevel,
      eligibleLevel: entry.eligibleLevel,
      reaches: entry.reaches,
      oneStep: entry.oneStep,
      grants: shaped?.grants ?? [],
      escalations: shaped?.escalations ?? [],
    };
  });

  const kind = directoryPrincipal?.kind ?? accessPrincipal?.kind ?? kindFromId(id);
  return {
    scanId: scope.scanId.toString(),
    principal: {
      id,
      kind,
      displayName:
        directoryPrincipal?.displayName ?? accessPrincipal?.displayName ?? nonDirectoryDisplayName(id),
      userPrincipalName: directoryPrincipal?.userPrincipalName ?? null,
      appId: directoryPrincipal?.appId ?? null,
      deleted: directoryPrincipal?.deleted === true,
      inDirectory: directoryPrincipal !== null,
    },
    managedIdentity,
    memberOf: [
      ...memberOf.map((group) => ({
        id: group.groupId,
        displayName: nameOf.get(group.groupId)?.displayName ?? group.groupId,
        direct: group.direct,
      })),
      ...(inSignInGroup ? [{ id: signInGroup.id, displayName: signInGroup.displayName, direct: true }] : []),
    ].sort(
      (a, b) =>
        Number(b.direct) - Number(a.direct) ||
        a.displayName.localeCompare(b.displayName) ||
        a.id.localeCompare(b.id),
    ),
    members:
      signInMembers ??
      (membership
        ? {
            direct: membership.directMemberIds.map((memberId) => ({
              id: memberId,
              kind: nameOf.get(memberId)?.kind ?? "Unknown",
              displayName: nameOf.get(memberId)?.displayName ?? memberId,
            })),
            transitiveCount: membership.memberIds.length,
          }
        : null),
    roleAssignments: assignments
      .map((assignment) => ({
        id: assignment.id,
        scope: assignment.scope,
        role: roleByGuid.get(assignment.roleDefinitionId)?.roleName ?? assignment.roleDefinitionId,
        conditional: assignment.condition !== null,
        via:
          assignment.principalId === id
            ? null
            : {
                id: assignment.principalId,
                displayName: nameOf.get(assignment.principalId)?.displayName ?? assignment.principalId,
              },
      }))
      .sort(
        // the id last: one order for the same role at one scope held twice (directly, through a group)
        (a, b) => a.scope.localeCompare(b.scope) || a.role.localeCompare(b.role) || a.id.localeCompare(b.id),
      ),
    /** every cluster the principal reaches, strongest first */
    summary,
    /** with paths: every cluster, or the requested page of `summary` */
    clusters,
  };
}

/** The namespaces of the strongest grants (sorted strongest first); null when one of them is cluster-wide. */
function namespacesOf(grants: readonly { level: string; namespace: string | null }[]): string[] | null {
  const strongest = grants.filter((grant) => grant.level === grants[0]?.level);
  if (strongest.length === 0 || strongest.some((grant) => grant.namespace === null)) return null;
  return [...new Set(strongest.map((grant) => grant.namespace as string))].sort();
}

function kindFromId(id: string): string {
  if (id.startsWith("system:serviceaccount:")) return "ServiceAccount";
  if (id.startsWith("k8s-user:")) return "KubernetesUser";
  if (id.startsWith("k8s-group:")) return "KubernetesGroup";
  return "Unknown";
}

export type PrincipalResponse = Awaited<ReturnType<typeof readPrincipal>>;
