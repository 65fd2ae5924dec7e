import type {
  Cluster,
  ClusterAddon,
  ClusterIdentityRef,
  ControlPlaneIdentity,
  DenyAssignment,
  DenyPrincipal,
  FederatedCredential,
  ManagedIdentity,
  ManagementGroup,
  PodIdentityEntry,
  PodIdentityExceptionEntry,
  PrincipalType,
  RoleAssignment,
  RoleAssignmentSchedule,
  RoleDefinition,
  RoleEligibility,
  RolePermission,
  Subscription,
} from "@/lib/model/azure";
import { principalTypeSchema } from "@/lib/model/azure";
import {
  managementGroupArmId,
  normalizeArmId,
  normalizeGuid,
  parseArmId,
  roleDefinitionGuid,
  subscriptionArmId,
  tenantRoleDefinitionId,
} from "@/lib/model/ids";
import {
  armProperty,
  asArray,
  asBoolean,
  asLowerString,
  asString,
  asStringArray,
  asStringMap,
  field,
  isWireObject,
  path,
  requireString,
  WireFormatError,
} from "@/lib/model/wire-reader";

// ARM wire → model. Each converter accepts the REST wire shape (`properties` nested) and also the
// flattened shape the JS SDKs and `az` print, so the scanner and the offline import share them.

function identityRefFromWire(value: unknown): ClusterIdentityRef | null {
  if (!isWireObject(value)) return null;
  const resourceId = asString(field(value, "resourceId"));
  const clientId = asLowerString(field(value, "clientId"));
  const objectId = asLowerString(field(value, "objectId")) ?? asLowerString(field(value, "principalId"));
  if (resourceId === null && clientId === null && objectId === null) return null;
  return { resourceId: resourceId === null ? null : normalizeArmId(resourceId), clientId, objectId };
}

function controlPlaneIdentityFromWire(cluster: unknown): ControlPlaneIdentity {
  const identity = field(cluster, "identity");
  const type = asString(field(identity, "type"))?.toLowerCase() ?? "";
  if (type.includes("userassigned")) {
    const assigned = field(identity, "userAssignedIdentities");
    const [resourceId, value] = isWireObject(assigned) ? (Object.entries(assigned)[0] ?? []) : [];
    return {
      type: "UserAssigned",
      principalId: asLowerString(field(value, "principalId")),
      clientId: asLowerString(field(value, "clientId")),
      resourceId: typeof resourceId === "string" ? normalizeArmId(resourceId) : null,
    };
  }
  if (type === "systemassigned") {
    return {
      type: "SystemAssigned",
      principalId: asLowerString(field(identity, "principalId")),
      clientId: null,
      resourceId: null,
    };
  }
  // Clusters created before managed identity carry a service principal; managed-identity clusters
  // show the placeholder client id "msi" there.
  const servicePrincipalClientId = asLowerString(
    path(armProperty(cluster, "servicePrincipalProfile"), "clientId"),
  );
  if (servicePrincipalClientId !== null && servicePrincipalClientId !== "msi") {
    return {
      type: "ServicePrincipal",
      principalId: null,
      clientId: servicePrincipalClientId,
      resourceId: null,
    };
  }
  return { type: "None", principalId: null, clientId: null, resourceId: null };
}

function entraFromWire(aadProfile: unknown): Cluster["entra"] {
  if (!isWireObject(aadProfile)) return { mode: "none", azureRbac: false, adminGroupIds: [], tenantId: null };
  const managed = asBoolean(field(aadProfile, "managed")) === true;
  return {
    // An aadProfile without `managed` is the legacy server/client application integration.
    mode: managed ? "managed" : "legacy",
    azureRbac: managed && asBoolean(field(aadProfile, "enableAzureRBAC")) === true,
    adminGroupIds: asStringArray(field(aadProfile, "adminGroupObjectIDs")).map(normalizeGuid),
    tenantId: asLowerString(field(aadProfile, "tenantID")),
  };
}

function addonsFromWire(addonProfiles: unknown): ClusterAddon[] {
  if (!isWireObject(addonProfiles)) return [];
  return Object.entries(addonProfiles)
    .map(([name, profile]) => ({
      // Addon keys vary in casing between clusters and API versions (omsagent / omsAgent).
      name: name.toLowerCase(),
      enabled: asBoolean(field(profile, "enabled")) === true,
      identity: identityRefFromWire(field(profile, "identity")),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function podIdentityFromWire(profile: unknown): Cluster["podIdentity"] {
  const identities: PodIdentityEntry[] = asArray(field(profile, "userAssignedIdentities")).map((entry) => ({
    name: asString(field(entry, "name")) ?? "",
    namespace: asString(field(entry, "namespace")) ?? "",
    bindingSelector: asString(field(entry, "bindingSelector")),
    identity: identityRefFromWire(field(entry, "identity")),
  }));
  const exceptions: PodIdentityExceptionEntry[] = asArray(
    field(profile, "userAssignedIdentityExceptions"),
  ).map((entry) => ({
    name: asString(field(entry, "name")) ?? "",
    namespace: asString(field(entry, "namespace")) ?? "",
    podLabels: asStringMap(field(entry, "podLabels")),
  }));
  return { enabled: asBoolean(field(profile, "enabled")) === true, identities, exceptions };
}

/** A `Microsoft.ContainerService/managedClusters` resource → Cluster. */
export function clusterFromWire(wire: unknown): Cluster {
  const rawId = requireString(field(wire, "id"), "managedCluster", "id");
  const id = normalizeArmId(rawId);
  const parsed = parseArmId(id);
  if (!parsed.subscriptionId || !parsed.resourceGroup) {
    throw new WireFormatError("managedCluster", `id is not a resource id: ${rawId}`);
  }
  const apiServer = armProperty(wire, "apiServerAccessProfile");
  const oidc = armProperty(wire, "oidcIssuerProfile");
  const kubeletIdentity = identityRefFromWire(field(armProperty(wire, "identityProfile"), "kubeletidentity"));
  return {
    id,
    name: asString(field(wire, "name")) ?? parsed.name ?? "",
    subscriptionId: parsed.subscriptionId,
    resourceGroup: parsed.resourceGroup,
    location: asString(field(wire, "location")) ?? "",
    kubernetesVersion:
      asString(armProperty(wire, "currentKubernetesVersion")) ??
      asString(armProperty(wire, "kubernetesVersion")),
    fqdn: asString(armProperty(wire, "fqdn")),
    privateFqdn: asString(armProperty(wire, "privateFQDN")),
    nodeResourceGroup: asLowerString(armProperty(wire, "nodeResourceGroup")),
    entra: entraFromWire(armProperty(wire, "aadProfile")),
    // enableRBAC defaults to true in AKS; only an explicit false turns it off.
    kubernetesRbac: asBoolean(armProperty(wire, "enableRBAC")) !== false,
    localAccountsDisabled: asBoolean(armProperty(wire, "disableLocalAccounts")) === true,
    runCommandDisabled: asBoolean(field(apiServer, "disableRunCommand")) === true,
    privateCluster: asBoolean(field(apiServer, "enablePrivateCluster")) === true,
    authorizedIpRanges: asStringArray(field(apiServer, "authorizedIPRanges")),
    controlPlaneIdentity: controlPlaneIdentityFromWire(wire),
    kubeletIdentity,
    addons: addonsFromWire(armProperty(wire, "addonProfiles")),
    oidcIssuer: {
      enabled: asBoolean(field(oidc, "enabled")) === true,
      issuerUrl: asString(field(oidc, "issuerURL")),
    },
    workloadIdentityEnabled:
      asBoolean(path(armProperty(wire, "securityProfile"), "workloadIdentity", "enabled")) === true,
    podIdentity: podIdentityFromWire(armProperty(wire, "podIdentityProfile")),
    podLinkLocalAccess: asString(field(armProperty(wire, "networkProfile"), "podLinkLocalAccess")),
    tags: asStringMap(field(wire, "tags")),
  };
}

/** A `Microsoft.ManagedIdentity/userAssignedIdentities` resource → ManagedIdentity. */
export function managedIdentityFromWire(wire: unknown): ManagedIdentity {
  const rawId = requireString(field(wire, "id"), "userAssignedIdentity", "id");
  const id = normalizeArmId(rawId);
  const parsed = parseArmId(id);
  return {
    id,
    name: asString(field(wire, "name")) ?? parsed.name ?? "",
    resourceGroup: parsed.resourceGroup ?? "",
    subscriptionId: parsed.subscriptionId ?? "",
    location: asString(field(wire, "location")),
    clientId: asLowerString(armProperty(wire, "clientId")) ?? "",
    principalId: asLowerString(armProperty(wire, "principalId")) ?? "",
    tenantId: asLowerString(armProperty(wire, "tenantId")),
  };
}

/** A federated identity credential. Its identity is derived from its id unless given. */
export function federatedCredentialFromWire(wire: unknown, identityId?: string): FederatedCredential {
  const rawId = requireString(field(wire, "id"), "federatedIdentityCredential", "id");
  const id = normalizeArmId(rawId);
  const owner = identityId ?? id.replace(/\/federatedidentitycredentials\/[^/]+$/, "");
  return {
    id,
    name: asString(field(wire, "name")) ?? id.split("/").pop() ?? "",
    identityId: normalizeArmId(owner),
    issuer: asString(armProperty(wire, "issuer")) ?? "",
    subject: asString(armProperty(wire, "subject")) ?? "",
    audiences: asStringArray(armProperty(wire, "audiences")),
    claimsMatchingExpression: claimsMatchingExpressionFromWire(armProperty(wire, "claimsMatchingExpression")),
  };
}

/**
 * `properties.claimsMatchingExpression` ({ value, languageVersion }, Microsoft.ManagedIdentity
 * 2025-01-31-preview and later). A value without a usable languageVersion counts as version 1, the
 * only version the service defines.
 */
function claimsMatchingExpressionFromWire(value: unknown): FederatedCredential["claimsMatchingExpression"] {
  const expression = asString(field(value, "value"));
  if (!expression) return null;
  const version = field(value, "languageVersion");
  const languageVersion =
    typeof version === "number" && Number.isInteger(version)
      ? version
      : typeof version === "string" && /^\d+$/.test(version)
        ? Number.parseInt(version, 10)
        : 1;
  return { value: expression, languageVersion };
}

function permissionFromWire(value: unknown): RolePermission {
  const permission: RolePermission = {
    actions: asStringArray(field(value, "actions")),
    notActions: asStringArray(field(value, "notActions")),
    dataActions: asStringArray(field(value, "dataActions")),
    notDataActions: asStringArray(field(value, "notDataActions")),
  };
  const condition = asString(field(value, "condition"));
  if (condition) permission.condition = condition;
  return permission;
}

/** A role definition. Built-in roles get their tenant-level id so one role has one id everywhere. */
export function roleDefinitionFromWire(wire: unknown): RoleDefinition {
  const rawId = asString(field(wire, "id")) ?? asString(field(wire, "name"));
  if (rawId === null) throw new WireFormatError("roleDefinition", 'missing "id" and "name"');
  const guid = roleDefinitionGuid(asString(field(wire, "name")) ?? rawId);
  // Wire: properties.type; SDK: roleType; CLI: roleType (and a top-level `type` that is the resource type).
  const roleType = asString(path(wire, "properties", "type")) ?? asString(field(wire, "roleType"));
  const type = roleType?.toLowerCase() === "builtinrole" ? "BuiltInRole" : "CustomRole";
  return {
    id:
      type === "BuiltInRole"
        ? tenantRoleDefinitionId(guid)
        : normalizeArmId(rawId.includes("/") ? rawId : tenantRoleDefinitionId(guid)),
    guid,
    roleName: asString(armProperty(wire, "roleName")) ?? guid,
    type,
    permissions: asArray(armProperty(wire, "permissions")).map(permissionFromWire),
    assignableScopes: asStringArray(armProperty(wire, "assignableScopes")).map(normalizeArmId),
  };
}

function principalTypeFromWire(value: unknown): PrincipalType {
  const parsed = principalTypeSchema.safeParse(asString(value));
  return parsed.success ? parsed.data : "Unknown";
}

/** A role assignment. The scope falls back to the part of the id before `/providers/Microsoft.Authorization`. */
export function roleAssignmentFromWire(wire: unknown): RoleAssignment {
  const rawId = requireString(field(wire, "id"), "roleAssignment", "id");
  const id = normalizeArmId(rawId);
  const scopeFromId = id.replace(/\/providers\/microsoft\.authorization\/roleassignments\/[^/]+$/, "") || "/";
  const scope = asString(armProperty(wire, "scope"));
  return {
    id,
    scope: normalizeArmId(scope ?? scopeFromId),
    roleDefinitionId: roleDefinitionGuid(
      requireString(armProperty(wire, "roleDefinitionId"), "roleAssignment", "roleDefinitionId"),
    ),
    principalId: normalizeGuid(
      requireString(armProperty(wire, "principalId"), "roleAssignment", "principalId"),
    ),
    principalType: principalTypeFromWire(armProperty(wire, "principalType")),
    condition: asString(armProperty(wire, "condition")),
  };
}

/** A subscription as listed by `GET /subscriptions`. */
export function subscriptionFromWire(wire: unknown, managementGroupId: string | null = null): Subscription {
  const subscriptionId = normalizeGuid(
    requireString(field(wire, "subscriptionId"), "subscription", "subscriptionId"),
  );
  return {
    id: subscriptionArmId(subscriptionId),
    subscriptionId,
    displayName: asString(field(wire, "displayName")) ?? subscriptionId,
    tenantId: asLowerString(field(wire, "tenantId")),
    managementGroupId,
  };
}

/** A management group from the tenant file's tree (`name`, `displayName`, `parent`, `subscriptions`). */
export function managementGroupFromTree(entry: unknown): ManagementGroup {
  const name = requireString(field(entry, "name"), "managementGroup", "name");
  const parent = asString(field(entry, "parent"));
  return {
    id: managementGroupArmId(name),
    name,
    displayName: asString(field(entry, "displayName")) ?? name,
    parentId: parent === null ? null : managementGroupArmId(parent),
    subscriptionIds: asStringArray(field(entry, "subscriptions")).map(normalizeGuid),
  };
}

// ---------------------------------------------------------------------------------------------
// PIM schedule instances and deny assignments (azure-rest-api-specs, Microsoft.Authorization
// stable/2020-10-01 RoleEligibilityScheduleInstance.json, RoleAssignmentScheduleInstance.json;
// stable/2022-04-01 authorization-DenyAssignmentCalls.json).

/** An ISO 8601 instant from the wire (a string) or the SDK (a Date), normalized; null when absent or unreadable. */
function asDateTime(value: unknown): string | null {
  const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

function scopeOf(wire: unknown, id: string, collection: string): string {
  const scope = asString(armProperty(wire, "scope"));
  if (scope !== null) return normalizeArmId(scope);
  const at = id.lastIndexOf(`/providers/microsoft.authorization/${collection}/`);
  return at > 0 ? id.slice(0, at) : "/";
}

/** A role eligibility schedule instance (wire or SDK shape). */
export function roleEligibilityFromWire(wire: unknown): RoleEligibility {
  const id = normalizeArmId(requireString(field(wire, "id"), "roleEligibility", "id"));
  return {
    id,
    scope: scopeOf(wire, id, "roleeligibilityscheduleinstances"),
    roleDefinitionId: roleDefinitionGuid(
      requireString(armProperty(wire, "roleDefinitionId"), "roleEligibility", "roleDefinitionId"),
    ),
    principalId: normalizeGuid(
      requireString(armProperty(wire, "principalId"), "roleEligibility", "principalId"),
    ),
    principalType: principalTypeFromWire(armProperty(wire, "principalType")),
    condition: asString(armProperty(wire, "condition")),
    startDateTime: asDateTime(armProperty(wire, "startDateTime")),
    endDateTime: asDateTime(armProperty(wire, "endDateTime")),
    memberType: asString(armProperty(wire, "memberType")),
    status: asString(armProperty(wire, "status")),
  };
}

/** A role assignment schedule instance (wire or SDK shape). */
export function roleAssignmentScheduleFromWire(wire: unknown): RoleAssignmentSchedule {
  const id = normalizeArmId(requireString(field(wire, "id"), "roleAssignmentSchedule", "id"));
  const origin = asString(armProperty(wire, "originRoleAssignmentId"));
  return {
    id,
    scope: scopeOf(wire, id, "roleassignmentscheduleinstances"),
    roleDefinitionId: roleDefinitionGuid(
      requireString(armProperty(wire, "roleDefinitionId"), "roleAssignmentSchedule", "roleDefinitionId"),
    ),
    principalId: normalizeGuid(
      requireString(armProperty(wire, "principalId"), "roleAssignmentSchedule", "principalId"),
    ),
    principalType: principalTypeFromWire(armProperty(wire, "principalType")),
    assignmentType: asString(armProperty(wire, "assignmentType")),
    startDateTime: asDateTime(armProperty(wire, "startDateTime")),
    endDateTime: asDateTime(armProperty(wire, "endDateTime")),
    originRoleAssignmentId: origin === null ? null : normalizeArmId(origin),
    memberType: asString(armProperty(wire, "memberType")),
  };
}

function denyPrincipalsFromWire(value: unknown): DenyPrincipal[] {
  return asArray(value).flatMap((entry) => {
    const id = asString(field(entry, "id"));
    return id === null ? [] : [{ id: normalizeGuid(id), type: asString(field(entry, "type")) }];
  });
}

/** A deny assignment (wire or SDK shape). */
export function denyAssignmentFromWire(wire: unknown): DenyAssignment {
  const id = normalizeArmId(requireString(field(wire, "id"), "denyAssignment", "id"));
  return {
    id,
    name: asString(armProperty(wire, "denyAssignmentName")) ?? asString(field(wire, "name")) ?? id,
    scope: scopeOf(wire, id, "denyassignments"),
    permissions: asArray(armProperty(wire, "permissions")).map((block) => ({
      actions: asStringArray(field(block, "actions")),
      notActions: asStringArray(field(block, "notActions")),
      dataActions: asStringArray(field(block, "dataActions")),
      notDataActions: asStringArray(field(block, "notDataActions")),
    })),
    principals: denyPrincipalsFromWire(armProperty(wire, "principals")),
    excludePrincipals: denyPrincipalsFromWire(armProperty(wire, "excludePrincipals")),
    doNotApplyToChildScopes: asBoolean(armProperty(wire, "doNotApplyToChildScopes")) ?? false,
    isSystemProtected: asBoolean(armProperty(wire, "isSystemProtected")) ?? false,
  };
}
