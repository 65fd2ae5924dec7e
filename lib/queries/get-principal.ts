import type { AccessPrincipal } from "@/lib/access/types";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { managedIdentitySchema, roleAssignmentSchema, roleDefinitionSchema } from "@/lib/model/azure";
import { groupMembershipSchema, principalSchema } from "@/lib/model/directory";
import { keysAreBytewise } from "@/lib/queries/access-keys";
import { shapeClusterAccess } from "@/lib/queries/get-cluster-access";
import { NotFoundError } from "@/lib/queries/query-errors";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";
import { accessEscalationDataSchema, accessGrantDataSchema, levelRank } from "@/lib/queries/stored-records";

// GET /api/principals/:id and the principal page: everything one user, group, service principal,
// managed identity or Kubernetes subject can do on every cluster, each grant with its path
// ("what can Penny do?"), plus the directory facts that explain it (groups, role assignments).

type Row = { kind: string; data: unknown; clusterId: string | null };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The principal's access rows. Their keys start with `<cluster id>|<principal id>|`, so with bytewise
 * text order they are read by one key-index range per cluster (milliseconds on a 500-cluster
 * tenant); otherwise by filtering every access document (correct, but it reads them all).
 */
async function readAccessRows(scope: ScanScope, id: string): Promise<Row[]> {
  const asOf = (alias: string) =>
    Prisma.sql`${Prisma.raw(alias)}.valid_from_scan <= ${scope.scanId}
      AND (${Prisma.raw(alias)}.valid_to_scan IS NULL OR ${Prisma.raw(alias)}.valid_to_scan > ${scope.scanId})`;
  if (await keysAreBytewise()) {
    // cluster ids first, on their own: joined in one statement, the planner may scan the whole table
    const clusters = await prisma().$queryRaw<{ id: string }[]>(Prisma.sql`
      SELECT natural_key AS id FROM snapshot_records
      WHERE tenant_id = ${scope.tenantId} AND kind = 'cluster' AND ${asOfCondition(scope.scanId)}`);
    if (clusters.length === 0) return [];
    return prisma().$queryRaw<Row[]>(Prisma.sql`
      SELECT r.kind, r.data, r.cluster_id AS "clusterId"
      FROM unnest(ARRAY[${Prisma.join(clusters.map((cluster) => cluster.id))}]::text[]) AS c(id)
      CROSS JOIN LATERAL (
        SELECT kind, data, cluster_id FROM snapshot_records r
        WHERE r.tenant_id = ${scope.tenantId} AND r.kind IN ('access.grant', 'access.escalation')
          AND r.natural_key >= c.id || '|' || ${id} || '|'
          AND r.natural_key < c.id || '|' || ${id} || '}'
          AND starts_with(r.natural_key, c.id || '|' || ${id} || '|')
          AND ${asOf("r")}
        OFFSET 0 -- a fence: keeps the planner probing the key index per cluster, not scanning the table
      ) r`);
  }
  return prisma().$queryRaw<Row[]>(Prisma.sql`
    SELECT kind, data, cluster_id AS "clusterId" FROM snapshot_records
    WHERE tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}
      AND kind IN ('access.grant', 'access.escalation') AND data->'principal'->>'id' = ${id}`);
}

export async function getPrincipal(scope: ScanScope, rawId: string) {
  // Directory object ids are stored lower-cased; Kubernetes names keep their case.
  const id = GUID.test(rawId) ? rawId.toLowerCase() : rawId;
  const db = prisma();
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;
  const [access, directory, memberOf] = await Promise.all([
    readAccessRows(scope, id),
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
  const grants = access
    .filter((row) => row.kind === "access.grant")
    .map((row) => accessGrantDataSchema.parse(row.data));
  const escalations = access
    .filter((row) => row.kind === "access.escalation")
    .map((row) => accessEscalationDataSchema.parse(row.data));
  if (!directoryPrincipal && grants.length === 0 && escalations.length === 0) {
    throw new NotFoundError("principal_not_found", `No principal ${id} in scan ${scope.scanId}.`);
  }
  const accessPrincipal: AccessPrincipal | undefined = grants[0]?.principal ?? escalations[0]?.principal;
  const membershipRow = directory.find((row) => row.kind === "groupMembership");
  const membership = membershipRow ? groupMembershipSchema.parse(membershipRow.data) : null;
  const identityRow = directory.find((row) => row.kind === "identity");
  const managedIdentity = identityRow ? managedIdentitySchema.parse(identityRow.data) : null;

  // Role assignments held directly or through a group, and the names of everything they mention.
  const holders = [id, ...memberOf.map((group) => group.groupId)];
  const assignments = (
    await db.$queryRaw<Row[]>(Prisma.sql`
      SELECT kind, data, cluster_id AS "clusterId" FROM snapshot_records
      WHERE ${tenant} AND kind = 'roleAssignment' AND data->>'principalId' IN (${Prisma.join(holders)})`)
  ).map((row) => roleAssignmentSchema.parse(row.data));
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

  // Access per cluster, strongest first; shapeClusterAccess groups by principal, here there is one.
  const byCluster = new Map<
    string,
    { cluster: { id: string; name: string }; grants: typeof grants; escalations: typeof escalations }
  >();
  for (const item of [...grants, ...escalations]) {
    let entry = byCluster.get(item.cluster.id);
    if (!entry) {
      entry = { cluster: item.cluster, grants: [], escalations: [] };
      byCluster.set(item.cluster.id, entry);
    }
    if ("level" in item) entry.grants.push(item);
    else entry.escalations.push(item);
  }
  const clusters = [...byCluster.values()]
    .map((entry) => {
      const shaped = shapeClusterAccess(entry.grants, entry.escalations)[0];
      const strongest = shaped?.grants[0]?.level ?? null;
      return {
        cluster: entry.cluster,
        strongestLevel: strongest,
        grants: shaped?.grants ?? [],
        escalations: shaped?.escalations ?? [],
      };
    })
    .sort(
      (a, b) =>
        (b.strongestLevel ? levelRank(b.strongestLevel) : -1) -
          (a.strongestLevel ? levelRank(a.strongestLevel) : -1) ||
        a.cluster.name.localeCompare(b.cluster.name),
    );

  const kind = directoryPrincipal?.kind ?? accessPrincipal?.kind ?? "Unknown";
  return {
    scanId: scope.scanId.toString(),
    principal: {
      id,
      kind,
      displayName: directoryPrincipal?.displayName ?? accessPrincipal?.displayName ?? id,
      userPrincipalName: directoryPrincipal?.userPrincipalName ?? null,
      appId: directoryPrincipal?.appId ?? null,
      deleted: directoryPrincipal?.deleted === true,
      inDirectory: directoryPrincipal !== null,
    },
    managedIdentity,
    memberOf: memberOf
      .map((group) => ({
        id: group.groupId,
        displayName: nameOf.get(group.groupId)?.displayName ?? group.groupId,
        direct: group.direct,
      }))
      .sort((a, b) => Number(b.direct) - Number(a.direct) || a.displayName.localeCompare(b.displayName)),
    members: membership
      ? {
          direct: membership.directMemberIds.map((memberId) => ({
            id: memberId,
            kind: nameOf.get(memberId)?.kind ?? "Unknown",
            displayName: nameOf.get(memberId)?.displayName ?? memberId,
          })),
          transitiveCount: membership.memberIds.length,
        }
      : null,
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
      .sort((a, b) => a.scope.localeCompare(b.scope) || a.role.localeCompare(b.role)),
    clusters,
  };
}

export type PrincipalResponse = Awaited<ReturnType<typeof getPrincipal>>;
