import { createHash } from "node:crypto";
import { z } from "zod";
import {
  clusterSchema,
  denyAssignmentSchema,
  federatedCredentialSchema,
  managedIdentitySchema,
  managementGroupSchema,
  type RoleDefinition,
  roleAssignmentScheduleSchema,
  roleAssignmentSchema,
  roleDefinitionSchema,
  roleEligibilitySchema,
  subscriptionSchema,
} from "@/lib/model/azure";
import {
  ADMINISTRATIVE_UNITS_SOURCE,
  APPLICATION_CREDENTIALS_SOURCE,
  administrativeUnitSchema,
  applicationCredentialKey,
  applicationFederatedCredentialSchema,
  directoryOwnershipSchema,
  directoryRoleAssignmentSchema,
  graphAppRoleAssignmentSchema,
  groupEligibilitySchema,
  groupMembershipSchema,
  PIM_SOURCE,
  principalSchema,
} from "@/lib/model/directory";
import { kubernetesNaturalKey } from "@/lib/model/ids";
import {
  azureIdentityBindingSchema,
  azureIdentitySchema,
  azurePodIdentityExceptionSchema,
  type ClusterKubernetes,
  clusterRoleBindingSchema,
  clusterRoleSchema,
  emptyClusterKubernetes,
  namespaceSchema,
  podSchema,
  roleBindingSchema,
  roleSchema,
  secretProviderClassSchema,
  serviceAccountSchema,
} from "@/lib/model/kubernetes";
import {
  AZURE_PIM_SOURCE,
  clusterSource,
  DIRECTORY_SOURCE,
  sourceOfScope,
  subscriptionSource,
} from "@/lib/model/sources";
import { type Coverage, emptyTenantModel, type TenantModel } from "@/lib/model/tenant-model";

/** One row for the snapshot_records table (without tenant and validity, which the store adds). */
export const snapshotRecordInputSchema = z.object({
  kind: z.string(),
  naturalKey: z.string(),
  source: z.string(),
  clusterId: z.string().nullable(),
  data: z.unknown(),
});
export type SnapshotRecordInput = {
  kind: string;
  naturalKey: string;
  source: string;
  clusterId: string | null;
  data: unknown;
};

/**
 * Kubernetes record kinds, with the field of ClusterKubernetes they fill, the Kubernetes Kind used in
 * natural keys, and the schema that validates stored data.
 */
export const KUBERNETES_RECORD_KINDS = {
  "k8s.clusterRole": { field: "clusterRoles", kubernetesKind: "ClusterRole", schema: clusterRoleSchema },
  "k8s.clusterRoleBinding": {
    field: "clusterRoleBindings",
    kubernetesKind: "ClusterRoleBinding",
    schema: clusterRoleBindingSchema,
  },
  "k8s.role": { field: "roles", kubernetesKind: "Role", schema: roleSchema },
  "k8s.roleBinding": { field: "roleBindings", kubernetesKind: "RoleBinding", schema: roleBindingSchema },
  "k8s.namespace": { field: "namespaces", kubernetesKind: "Namespace", schema: namespaceSchema },
  "k8s.serviceAccount": {
    field: "serviceAccounts",
    kubernetesKind: "ServiceAccount",
    schema: serviceAccountSchema,
  },
  "k8s.pod": { field: "pods", kubernetesKind: "Pod", schema: podSchema },
  "k8s.azureIdentity": {
    field: "azureIdentities",
    kubernetesKind: "AzureIdentity",
    schema: azureIdentitySchema,
  },
  "k8s.azureIdentityBinding": {
    field: "azureIdentityBindings",
    kubernetesKind: "AzureIdentityBinding",
    schema: azureIdentityBindingSchema,
  },
  "k8s.azurePodIdentityException": {
    field: "azurePodIdentityExceptions",
    kubernetesKind: "AzurePodIdentityException",
    schema: azurePodIdentityExceptionSchema,
  },
  "k8s.secretProviderClass": {
    field: "secretProviderClasses",
    kubernetesKind: "SecretProviderClass",
    schema: secretProviderClassSchema,
  },
} as const satisfies Record<
  string,
  { field: keyof ClusterKubernetes; kubernetesKind: string; schema: z.ZodType }
>;
export type KubernetesRecordKind = keyof typeof KUBERNETES_RECORD_KINDS;

export const INVENTORY_RECORD_KINDS = [
  "subscription",
  "managementGroup",
  "cluster",
  "identity",
  "federatedCredential",
  "roleDefinition",
  "roleAssignment",
  "roleEligibility",
  "roleAssignmentSchedule",
  "denyAssignment",
  "principal",
  "groupMembership",
  "directoryRoleAssignment",
  "groupEligibility",
  "directoryOwnership",
  "administrativeUnit",
  "applicationFederatedCredential",
  "graphAppRoleAssignment",
  ...(Object.keys(KUBERNETES_RECORD_KINDS) as KubernetesRecordKind[]),
] as const;
export type InventoryRecordKind = (typeof INVENTORY_RECORD_KINDS)[number];

/**
 * Canonical JSON: object keys sorted, undefined members dropped, so equal content hashes equally.
 *
 * Written out directly rather than as JSON.stringify of a key-sorted copy: a scan hashes every row it stores
 * (~2 KB each, millions at 500 clusters), and the copy was half the store's CPU with its garbage. The text
 * is exactly the copy's, which stored content hashes depend on: members in `canonicalKeys` order, a member
 * whose value JSON leaves out (undefined, a function) dropped, such an array item written as null, no
 * toJSON (a Date is `{}`, as the copy made it). `records.test.ts` compares the two.
 */
export function canonicalJson(value: unknown): string {
  // JSON.stringify's own answer for a top-level value it leaves out (undefined)
  return writeCanonical(value) as string;
}

function writeCanonical(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      out += writeCanonical(value[i]) ?? "null";
    }
    return `${out}]`;
  }
  let out = "{";
  for (const key of canonicalKeys(value)) {
    const member = writeCanonical((value as Record<string, unknown>)[key]);
    if (member === undefined) continue;
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(key)}:${member}`;
  }
  return `${out}}`;
}

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;
const isArrayIndex = (key: string) => ARRAY_INDEX.test(key) && Number(key) < 4_294_967_295;

/**
 * The order canonical JSON writes an object's members in: what JSON.stringify gave for a copy with the keys
 * inserted sorted — JavaScript puts integer keys first, ascending, then the rest in insertion order — and
 * without `__proto__`, which such a copy could not hold as its own member.
 */
export function canonicalKeys(value: object): string[] {
  const keys = Object.keys(value).sort();
  if (!keys.some((key) => isArrayIndex(key) || key === "__proto__")) return keys;
  const indices = keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  return [...indices, ...keys.filter((key) => !isArrayIndex(key) && key !== "__proto__")];
}

/** sha-256 (hex) of the canonical JSON of `data`. */
export function contentHash(data: unknown): string {
  return hashCanonicalJson(canonicalJson(data));
}

/** The content hash of a string canonicalJson produced (a caller that also stores the JSON serialises once). */
export function hashCanonicalJson(json: string): string {
  return createHash("sha256").update(json).digest("hex");
}

function roleDefinitionSource(definition: RoleDefinition): string {
  if (definition.type === "BuiltInRole") return DIRECTORY_SOURCE;
  const underSubscription = definition.assignableScopes.find((scope) => scope.startsWith("/subscriptions/"));
  return underSubscription ? sourceOfScope(underSubscription) : DIRECTORY_SOURCE;
}

/** Every inventory object of the model as a snapshot record. */
export function modelToRecords(model: TenantModel): SnapshotRecordInput[] {
  const records: SnapshotRecordInput[] = [];
  const push = (kind: string, naturalKey: string, source: string, clusterId: string | null, data: unknown) =>
    records.push({ kind, naturalKey, source, clusterId, data });

  for (const subscription of model.subscriptions) {
    push(
      "subscription",
      subscription.id,
      subscriptionSource(subscription.subscriptionId),
      null,
      subscription,
    );
  }
  for (const group of model.managementGroups)
    push("managementGroup", group.id, DIRECTORY_SOURCE, null, group);
  for (const cluster of model.clusters) {
    push("cluster", cluster.id, subscriptionSource(cluster.subscriptionId), cluster.id, cluster);
  }
  for (const identity of model.identities) {
    push("identity", identity.id, subscriptionSource(identity.subscriptionId), null, identity);
  }
  for (const credential of model.federatedCredentials) {
    push("federatedCredential", credential.id, sourceOfScope(credential.identityId), null, credential);
  }
  for (const definition of model.roleDefinitions) {
    push("roleDefinition", definition.id, roleDefinitionSource(definition), null, definition);
  }
  for (const assignment of model.roleAssignments) {
    push("roleAssignment", assignment.id, sourceOfScope(assignment.scope), null, assignment);
  }
  for (const eligibility of model.roleEligibilities)
    push("roleEligibility", eligibility.id, AZURE_PIM_SOURCE, null, eligibility);
  for (const schedule of model.roleAssignmentSchedules)
    push("roleAssignmentSchedule", schedule.id, AZURE_PIM_SOURCE, null, schedule);
  for (const deny of model.denyAssignments)
    push("denyAssignment", deny.id, sourceOfScope(deny.scope), null, deny);
  for (const principal of model.principals)
    push("principal", principal.id, DIRECTORY_SOURCE, null, principal);
  for (const membership of model.groupMemberships) {
    push("groupMembership", membership.groupId, DIRECTORY_SOURCE, null, membership);
  }
  // Eligibility lives in its own source so that a tenant without PIM closes nothing it cannot read.
  for (const role of model.directoryRoleAssignments ?? []) {
    const key = `${role.eligible ? "eligible" : "active"}:${role.roleDefinitionId}:${role.principalId}:${role.directoryScopeId}`;
    push("directoryRoleAssignment", key, role.eligible ? PIM_SOURCE : DIRECTORY_SOURCE, null, role);
  }
  for (const eligibility of model.groupEligibilities ?? []) {
    const key = `${eligibility.groupId}:${eligibility.accessId}:${eligibility.principalId}`;
    push("groupEligibility", key, PIM_SOURCE, null, eligibility);
  }
  for (const ownership of model.directoryOwners ?? [])
    push("directoryOwnership", ownership.objectId, DIRECTORY_SOURCE, null, ownership);
  for (const unit of model.administrativeUnits ?? [])
    push("administrativeUnit", unit.id, ADMINISTRATIVE_UNITS_SOURCE, null, unit);
  for (const assignment of model.graphAppRoleAssignments ?? [])
    push("graphAppRoleAssignment", assignment.id, DIRECTORY_SOURCE, null, assignment);
  for (const credential of model.applicationFederatedCredentials ?? [])
    push(
      "applicationFederatedCredential",
      applicationCredentialKey(credential),
      APPLICATION_CREDENTIALS_SOURCE,
      null,
      credential,
    );
  for (const [clusterId, kubernetes] of Object.entries(model.kubernetes)) {
    const source = clusterSource(clusterId);
    for (const [kind, spec] of Object.entries(KUBERNETES_RECORD_KINDS)) {
      for (const object of kubernetes[spec.field]) {
        const namespace = "namespace" in object ? object.namespace : null;
        push(
          kind,
          kubernetesNaturalKey(clusterId, spec.kubernetesKind, namespace, object.name),
          source,
          clusterId,
          object,
        );
      }
    }
  }
  return records;
}

type RecordLike = { kind: string; data: unknown; clusterId?: string | null };

/**
 * Rebuilds the model from stored records (validating each with its schema). Kinds that are not
 * inventory (access.grant, finding ...) are ignored, so a whole scan's rows can be passed in.
 */
export function modelFromRecords(
  tenantId: string,
  records: Iterable<RecordLike>,
  coverage: Coverage,
): TenantModel {
  const model = emptyTenantModel(tenantId);
  model.coverage = coverage;
  const kubernetesOf = (clusterId: string): ClusterKubernetes => {
    let entry = model.kubernetes[clusterId];
    if (!entry) {
      entry = emptyClusterKubernetes();
      model.kubernetes[clusterId] = entry;
    }
    return entry;
  };

  for (const record of records) {
    switch (record.kind) {
      case "subscription":
        model.subscriptions.push(subscriptionSchema.parse(record.data));
        break;
      case "managementGroup":
        model.managementGroups.push(managementGroupSchema.parse(record.data));
        break;
      case "cluster":
        model.clusters.push(clusterSchema.parse(record.data));
        break;
      case "identity":
        model.identities.push(managedIdentitySchema.parse(record.data));
        break;
      case "federatedCredential":
        model.federatedCredentials.push(federatedCredentialSchema.parse(record.data));
        break;
      case "roleDefinition":
        model.roleDefinitions.push(roleDefinitionSchema.parse(record.data));
        break;
      case "roleAssignment":
        model.roleAssignments.push(roleAssignmentSchema.parse(record.data));
        break;
      case "roleEligibility":
        model.roleEligibilities.push(roleEligibilitySchema.parse(record.data));
        break;
      case "roleAssignmentSchedule":
        model.roleAssignmentSchedules.push(roleAssignmentScheduleSchema.parse(record.data));
        break;
      case "denyAssignment":
        model.denyAssignments.push(denyAssignmentSchema.parse(record.data));
        break;
      case "principal":
        model.principals.push(principalSchema.parse(record.data));
        break;
      case "groupMembership":
        model.groupMemberships.push(groupMembershipSchema.parse(record.data));
        break;
      case "directoryRoleAssignment":
        model.directoryRoleAssignments = model.directoryRoleAssignments ?? [];
        model.directoryRoleAssignments.push(directoryRoleAssignmentSchema.parse(record.data));
        break;
      case "groupEligibility":
        model.groupEligibilities = model.groupEligibilities ?? [];
        model.groupEligibilities.push(groupEligibilitySchema.parse(record.data));
        break;
      case "directoryOwnership":
        model.directoryOwners = model.directoryOwners ?? [];
        model.directoryOwners.push(directoryOwnershipSchema.parse(record.data));
        break;
      case "administrativeUnit":
        model.administrativeUnits = model.administrativeUnits ?? [];
        model.administrativeUnits.push(administrativeUnitSchema.parse(record.data));
        break;
      case "graphAppRoleAssignment":
        model.graphAppRoleAssignments = model.graphAppRoleAssignments ?? [];
        model.graphAppRoleAssignments.push(graphAppRoleAssignmentSchema.parse(record.data));
        break;
      case "applicationFederatedCredential":
        model.applicationFederatedCredentials = model.applicationFederatedCredentials ?? [];
        model.applicationFederatedCredentials.push(applicationFederatedCredentialSchema.parse(record.data));
        break;
      default: {
        if (!(record.kind in KUBERNETES_RECORD_KINDS)) break;
        const spec = KUBERNETES_RECORD_KINDS[record.kind as KubernetesRecordKind];
        const object = spec.schema.parse(record.data);
        const target = kubernetesOf(object.clusterId)[spec.field] as unknown[];
        target.push(object);
      }
    }
  }
  // Read with none: the source's coverage says so (a scan from before they were read has no entry).
  if (
    !model.applicationFederatedCredentials &&
    coverage[APPLICATION_CREDENTIALS_SOURCE] &&
    coverage[APPLICATION_CREDENTIALS_SOURCE].status !== "not-read"
  )
    model.applicationFederatedCredentials = [];
  return model;
}
