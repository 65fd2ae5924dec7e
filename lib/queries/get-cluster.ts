import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import {
  clusterSchema,
  federatedCredentialSchema,
  managedIdentitySchema,
  managementGroupSchema,
  roleDefinitionSchema,
  subscriptionSchema,
} from "@/lib/model/azure";
import {
  applicationFederatedCredentialSchema,
  directoryOwnershipSchema,
  groupMembershipSchema,
  principalSchema,
} from "@/lib/model/directory";
import {
  azureIdentityBindingSchema,
  azureIdentitySchema,
  azurePodIdentityExceptionSchema,
  podSchema,
  secretProviderClassSchema,
  serviceAccountSchema,
} from "@/lib/model/kubernetes";
import { clusterSource, subscriptionSource } from "@/lib/model/sources";
import { coverageSchema } from "@/lib/model/tenant-model";
import { assembleClusterDetail, scopeChainOf } from "@/lib/queries/cluster-detail";
import { NotFoundError } from "@/lib/queries/query-errors";
import { allRoleAssignments } from "@/lib/queries/scan-directory";
import { memoByScanObject } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";

// GET /api/clusters/:id and the planes of the cluster page. Reads only what concerns this cluster —
// its own rows by cluster_id, the assignments on its scope chain and of its identities — so the page
// costs the same on a 500-cluster tenant as on a 5-cluster one.

type Row = { kind: string; data: unknown };

const WORKLOAD_KINDS = [
  "k8s.serviceAccount",
  "k8s.pod",
  "k8s.azureIdentity",
  "k8s.azureIdentityBinding",
  "k8s.azurePodIdentityException",
  "k8s.secretProviderClass",
];

function parseAll<T>(rows: readonly Row[], kind: string, schema: { parse(data: unknown): T }): T[] {
  return rows.filter((row) => row.kind === kind).map((row) => schema.parse(row.data));
}

/**
 * The details of the clusters read last, per scan (a completed scan's never change): the cluster page reads
 * them on every visit, ~5 ms of a busy cluster's request (four queries and their rows' parsing).
 */
const details = memoByScanObject<ClusterDetail>("cluster-details", 8);

export function getCluster(scope: ScanScope, clusterId: string): Promise<ClusterDetail> {
  return details(scope, clusterId, () => readCluster(scope, clusterId));
}

async function readCluster(scope: ScanScope, clusterId: string) {
  const db = prisma();
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;

  const [own, counts, tenantScopes] = await Promise.all([
    db.$queryRaw<Row[]>(Prisma.sql`
      SELECT kind, data FROM snapshot_records
      WHERE ${tenant} AND cluster_id = ${clusterId} AND kind IN ('cluster', ${Prisma.join(WORKLOAD_KINDS)})`),
    db.$queryRaw<{ kind: string; n: bigint }[]>(Prisma.sql`
      SELECT kind, count(*) AS n FROM snapshot_records
      WHERE ${tenant} AND cluster_id = ${clusterId} AND kind LIKE 'k8s.%' GROUP BY kind`),
    db.$queryRaw<Row[]>(Prisma.sql`
      SELECT kind, data FROM snapshot_records WHERE ${tenant} AND kind IN ('subscription', 'managementGroup')`),
  ]);
  const clusterRow = own.find((row) => row.kind === "cluster");
  if (!clusterRow)
    throw new NotFoundError("cluster_not_found", `No cluster ${clusterId} in scan ${scope.scanId}.`);
  const cluster = clusterSchema.parse(clusterRow.data);
  const serviceAccounts = parseAll(own, "k8s.serviceAccount", serviceAccountSchema);
  const pods = parseAll(own, "k8s.pod", podSchema);
  const azureIdentities = parseAll(own, "k8s.azureIdentity", azureIdentitySchema);
  const secretProviderClasses = parseAll(own, "k8s.secretProviderClass", secretProviderClassSchema);
  const subscription =
    parseAll(tenantScopes, "subscription", subscriptionSchema).find(
      (candidate) => candidate.subscriptionId === cluster.subscriptionId,
    ) ?? null;
  const managementGroups = parseAll(tenantScopes, "managementGroup", managementGroupSchema);

  // Workload identity: credentials trusting this cluster's issuer, then every identity any plane names.
  const federatedCredentials = cluster.oidcIssuer.issuerUrl
    ? (
        await db.$queryRaw<Row[]>(Prisma.sql`
          SELECT kind, data FROM snapshot_records
          WHERE ${tenant} AND kind = 'federatedCredential' AND data->>'issuer' = ${cluster.oidcIssuer.issuerUrl}`)
      ).map((row) => federatedCredentialSchema.parse(row.data))
    : [];
  const identityIds = new Set<string>(federatedCredentials.map((credential) => credential.identityId));
  for (const ref of [cluster.kubeletIdentity, ...cluster.addons.map((addon) => addon.identity)]) {
    if (ref?.resourceId) identityIds.add(ref.resourceId);
  }
  if (cluster.controlPlaneIdentity.resourceId) identityIds.add(cluster.controlPlaneIdentity.resourceId);
  for (const azureIdentity of azureIdentities)
    if (azureIdentity.resourceId) identityIds.add(azureIdentity.resourceId);
  const clientIds = new Set<string>();
  for (const account of serviceAccounts)
    if (account.workloadIdentity.clientId) clientIds.add(account.workloadIdentity.clientId);
  for (const azureIdentity of azureIdentities)
    if (azureIdentity.clientId) clientIds.add(azureIdentity.clientId);
  for (const spc of secretProviderClasses) {
    if (spc.identity.mode === "workload-identity") clientIds.add(spc.identity.clientId);
    if (spc.identity.mode === "vm-managed-identity" && spc.identity.userAssignedIdentityId)
      clientIds.add(spc.identity.userAssignedIdentityId);
  }
  const identities =
    identityIds.size + clientIds.size === 0
      ? []
      : (
          await db.$queryRaw<Row[]>(Prisma.sql`
            SELECT kind, data FROM snapshot_records
            WHERE ${tenant} AND kind = 'identity'
              AND (natural_key IN (${Prisma.join(identityIds.size ? [...identityIds] : [""])})
                   OR data->>'clientId' IN (${Prisma.join(clientIds.size ? [...clientIds] : [""])}))`)
        ).map((row) => managedIdentitySchema.parse(row.data));

  // Applications: credentials trusting the issuer, and the applications the service accounts name (an
  // annotation's client id that is no managed identity's), with their service principals.
  const applicationCredentials = cluster.oidcIssuer.issuerUrl
    ? (
        await db.$queryRaw<Row[]>(Prisma.sql`
          SELECT kind, data FROM snapshot_records
          WHERE ${tenant} AND kind = 'applicationFederatedCredential' AND data->>'issuer' = ${cluster.oidcIssuer.issuerUrl}`)
      ).map((row) => applicationFederatedCredentialSchema.parse(row.data))
    : [];
  const identityClientIds = new Set(identities.map((identity) => identity.clientId));
  const appIds = [
    ...new Set([
      ...applicationCredentials.map((credential) => credential.appId),
      ...serviceAccounts.flatMap((account) =>
        account.workloadIdentity.clientId && !identityClientIds.has(account.workloadIdentity.clientId)
          ? [account.workloadIdentity.clientId]
          : [],
      ),
    ]),
  ];
  const applicationRows = appIds.length
    ? await db.$queryRaw<Row[]>(Prisma.sql`
        SELECT kind, data FROM snapshot_records
        WHERE ${tenant} AND kind IN ('directoryOwnership', 'principal') AND data->>'appId' IN (${Prisma.join(appIds)})`)
    : [];
  const applications = parseAll(applicationRows, "directoryOwnership", directoryOwnershipSchema).filter(
    (ownership) => ownership.objectKind === "Application",
  );
  const applicationPrincipals = parseAll(applicationRows, "principal", principalSchema).filter(
    (principal) => principal.kind === "ServicePrincipal",
  );

  const identityPrincipalIds = new Set<string>(identities.map((identity) => identity.principalId));
  for (const principal of applicationPrincipals) identityPrincipalIds.add(principal.id);
  for (const objectId of [
    cluster.controlPlaneIdentity.principalId,
    cluster.kubeletIdentity?.objectId,
    ...cluster.addons.map((addon) => addon.identity?.objectId),
  ]) {
    if (objectId) identityPrincipalIds.add(objectId);
  }
  const chain = scopeChainOf(cluster, subscription, managementGroups);
  // the scan's assignments are read once per scan (scan-directory.ts); filtering them here replaces a
  // per-request filter of every assignment document on its scope (40–75 ms at 8,000 assignments)
  const inChain = new Set(chain);
  const roleAssignments = (await allRoleAssignments(scope)).filter(
    (assignment) =>
      inChain.has(assignment.scope) ||
      assignment.scope.startsWith(`${cluster.id}/namespaces/`) ||
      identityPrincipalIds.has(assignment.principalId),
  );

  const roleGuids = [...new Set(roleAssignments.map((assignment) => assignment.roleDefinitionId))];
  const adminGroupIds = cluster.entra.adminGroupIds;
  const [roleDefinitions, groupMemberships] = await Promise.all([
    roleGuids.length
      ? db
          .$queryRaw<Row[]>(Prisma.sql`
            SELECT kind, data FROM snapshot_records
            WHERE ${tenant} AND kind = 'roleDefinition' AND data->>'guid' IN (${Prisma.join(roleGuids)})`)
          .then((rows) => rows.map((row) => roleDefinitionSchema.parse(row.data)))
      : [],
    adminGroupIds.length
      ? db
          .$queryRaw<Row[]>(Prisma.sql`
            SELECT kind, data FROM snapshot_records
            WHERE ${tenant} AND kind = 'groupMembership' AND natural_key IN (${Prisma.join(adminGroupIds)})`)
          .then((rows) => rows.map((row) => groupMembershipSchema.parse(row.data)))
      : [],
  ]);
  const principalIds = new Set<string>([
    ...applicationPrincipals.map((principal) => principal.id),
    ...roleAssignments.map((assignment) => assignment.principalId),
    ...adminGroupIds,
    ...groupMemberships.flatMap((group) => group.memberIds),
  ]);
  const principals = principalIds.size
    ? (
        await db.$queryRaw<Row[]>(Prisma.sql`
          SELECT kind, data FROM snapshot_records
          WHERE ${tenant} AND kind = 'principal' AND natural_key IN (${Prisma.join([...principalIds])})`)
      ).map((row) => principalSchema.parse(row.data))
    : [];

  const coverage = coverageSchema.catch({}).parse(scope.scan.coverage);
  const detail = assembleClusterDetail({
    cluster,
    subscription,
    managementGroups,
    roleAssignments,
    roleDefinitions,
    principals,
    groupMemberships,
    identities,
    federatedCredentials,
    applicationCredentials,
    applications,
    serviceAccounts,
    pods,
    azureIdentities,
    azureIdentityBindings: parseAll(own, "k8s.azureIdentityBinding", azureIdentityBindingSchema),
    azurePodIdentityExceptions: parseAll(
      own,
      "k8s.azurePodIdentityException",
      azurePodIdentityExceptionSchema,
    ),
    secretProviderClasses,
    kubernetesCounts: Object.fromEntries(counts.map((row) => [row.kind, Number(row.n)])),
    coverage: {
      azure: coverage[subscriptionSource(cluster.subscriptionId)] ?? { status: "not-read" },
      kubernetes: coverage[clusterSource(cluster.id)] ?? { status: "not-read" },
    },
  });
  return { scanId: scope.scanId.toString(), ...detail };
}

type ClusterDetail = Awaited<ReturnType<typeof readCluster>>;
export type ClusterResponse = ClusterDetail;
