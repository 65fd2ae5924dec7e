/**
 * The tenant file (version 1): one JSON document describing an Entra tenant, its subscriptions,
 * role assignments and what each AKS cluster's Kubernetes API holds — in the wire shapes Azure and
 * Kubernetes themselves use. The emulator serves it, the offline import reads it, fixtures use it.
 * Format: docs/tenant-file.md. Pure (no I/O): reading one from disk is
 * lib/tenant-file/read-tenant-file.ts.
 */
import { z } from "zod";
import builtInRoleData from "@/lib/model/data/builtin-roles.json";
import {
  EVERYONE_ID,
  MANAGED_CLUSTER_TYPE,
  managementGroupSchema,
  type TenantPrincipal,
  type TenantSubscription,
  tenantPrincipalSchema,
  tenantSubscriptionSchema,
  USER_ASSIGNED_IDENTITY_TYPE,
  type WireManagedCluster,
  type WireResource,
  type WireUserAssignedIdentity,
  wireDenyAssignmentSchema,
  wireManagedClusterSchema,
  wireRoleAssignmentScheduleInstanceSchema,
  wireRoleAssignmentSchema,
  wireRoleDefinitionSchema,
  wireRoleEligibilityScheduleInstanceSchema,
  wireUserAssignedIdentitySchema,
} from "@/lib/model/wire/azure";
import { guidSchema } from "@/lib/model/wire/common";
import { locateJsonSyntaxError } from "@/lib/model/wire/json-syntax-error";
import { clusterObjectSchema } from "@/lib/model/wire/kubernetes";
import {
  checkRoleManagementPolicySemantics,
  wireRoleManagementPolicyAssignmentSchema,
  wireRoleManagementPolicySchema,
} from "@/lib/model/wire/role-management-policies";
import { checkCoverageSemantics, tenantCoverageSchema } from "@/lib/model/wire/tenant-file-coverage";
import { checkEntraSemantics, entraSectionSchema } from "@/lib/model/wire/tenant-file-entra";
import { checkLicenceSpellings, normalizeLicences } from "@/lib/model/wire/tenant-file-licences";

// ---------------------------------------------------------------------------------------------
// Tenant-file sections that are not wire shapes

/**
 * What the tenant is licensed for. Without Microsoft Entra ID P2 the PIM APIs (ARM and Graph) answer
 * 400 AadPremiumLicenseRequired (docs/emulator.md), which is how a tenant without PIM looks. The one
 * licence field; the old `entra.license` is still read into it (lib/model/wire/tenant-file-licences.ts).
 */
export const tenantLicensesSchema = z.strictObject({
  entraIdP2: z.boolean().default(true),
});

export const tenantClusterDataSchema = z.strictObject({
  /** false: the API server cannot be reached (private cluster, network). */
  reachable: z.boolean().default(true),
  /** true: the emulator adds what every AKS cluster has (see lib/model/kubernetes-defaults.ts). */
  includeDefaults: z.boolean().default(true),
  objects: z.array(clusterObjectSchema).default([]),
});

// ---------------------------------------------------------------------------------------------
// The envelope

/** The only tenant file format version this code reads and writes. */
export const TENANT_FILE_VERSION = 1;

export const tenantFileSchema = z.strictObject({
  version: z.literal(TENANT_FILE_VERSION, {
    error: (issue) =>
      typeof issue.input === "number" && issue.input > TENANT_FILE_VERSION
        ? `tenant file version ${issue.input} is newer than this aks-atlas reads (version ${TENANT_FILE_VERSION}): update aks-atlas`
        : `unsupported tenant file version ${JSON.stringify(issue.input)}: this aks-atlas reads version ${TENANT_FILE_VERSION}`,
  }),
  tenantId: guidSchema,
  displayName: z.string().optional(),
  principals: z.array(tenantPrincipalSchema).default([]),
  managementGroups: z.array(managementGroupSchema).default([]),
  roleDefinitions: z.array(wireRoleDefinitionSchema).default([]),
  roleAssignments: z.array(wireRoleAssignmentSchema).default([]),
  /** PIM for Azure resources: eligible role assignments, any scope */
  roleEligibilityScheduleInstances: z.array(wireRoleEligibilityScheduleInstanceSchema).default([]),
  /** PIM for Azure resources: active assignments with their schedule (time-bound ones carry `endDateTime`) */
  roleAssignmentScheduleInstances: z.array(wireRoleAssignmentScheduleInstanceSchema).default([]),
  denyAssignments: z.array(wireDenyAssignmentSchema).default([]),
  /**
   * PIM role settings (approval, activation duration) per role and scope
   * (lib/model/wire/role-management-policies.ts). Absent (both): the file does not describe them and
   * none are served; present: the roles and scopes not listed have PIM's defaults.
   */
  roleManagementPolicies: z.array(wireRoleManagementPolicySchema).optional(),
  roleManagementPolicyAssignments: z.array(wireRoleManagementPolicyAssignmentSchema).optional(),
  /** licences that change what the APIs answer; absent = licensed for everything */
  licenses: tenantLicensesSchema.default({ entraIdP2: true }),
  subscriptions: z.array(tenantSubscriptionSchema).default([]),
  /** Keyed by managedCluster resource id, matched case-insensitively. */
  clusters: z.record(z.string(), tenantClusterDataSchema).default({}),
  /** Directory roles, PIM for Groups, applications and owners (lib/model/wire/tenant-file-entra.ts). */
  entra: entraSectionSchema.optional(),
  /** What the collector that wrote the file could not read (lib/model/wire/tenant-file-coverage.ts). */
  coverage: tenantCoverageSchema.optional(),
});

export type TenantFile = z.infer<typeof tenantFileSchema>;
export type TenantClusterData = z.infer<typeof tenantClusterDataSchema>;

// ---------------------------------------------------------------------------------------------
// Errors

export interface TenantFileIssue {
  /** JSON path into the file, e.g. $.subscriptions[0].resources[3].properties.aadProfile */
  path: string;
  message: string;
}

const MAX_ISSUES_IN_MESSAGE = 20;

export class TenantFileError extends Error {
  readonly issues: TenantFileIssue[];

  /** `listIssues: false` when the summary already says everything (unreadable file, broken JSON). */
  constructor(summary: string, issues: TenantFileIssue[], listIssues = true) {
    const shown = listIssues ? issues : [];
    const listed = shown.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => `  ${issue.path}: ${issue.message}`);
    const more =
      shown.length > MAX_ISSUES_IN_MESSAGE ? [`  … and ${shown.length - MAX_ISSUES_IN_MESSAGE} more`] : [];
    super([summary, ...listed, ...more].join("\n"));
    this.name = "TenantFileError";
    this.issues = issues;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = "$";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && IDENTIFIER.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Semantic checks: what a schema cannot say about one value in isolation

export interface TenantFileReport {
  errors: TenantFileIssue[];
  /** Realistic but noteworthy: e.g. an assignment to a principal deleted from the directory. */
  warnings: TenantFileIssue[];
}

const builtInRoleGuids: ReadonlySet<string> = new Set(
  builtInRoleData.roleDefinitions.map((definition) => definition.name.toLowerCase()),
);

/** The role definition GUID is the last segment of its id; ARM joins on it, lower-cased. */
export function roleDefinitionGuid(roleDefinitionId: string): string {
  const segments = roleDefinitionId.split("/").filter((segment) => segment.length > 0);
  return (segments.at(-1) ?? "").toLowerCase();
}

const SUBSCRIPTION_IN_ID = /^\/subscriptions\/([^/]+)/i;
const MANAGEMENT_GROUP_SCOPE = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\/?$/i;
const CLUSTER_IN_ID =
  /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+)(\/|$)/i;

function subscriptionOf(armId: string): string | undefined {
  return SUBSCRIPTION_IN_ID.exec(armId)?.[1]?.toLowerCase();
}

function trimTrailingSlash(value: string): string {
  return value.length > 1 && value.endsWith("/") ? value.slice(0, -1) : value;
}

/** Records the first path of every key and reports later duplicates. */
function duplicateTracker(report: TenantFileReport, what: string) {
  const seen = new Map<string, string>();
  return (key: string, path: string) => {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, path);
    else report.errors.push({ path, message: `duplicate ${what} "${key}" (first at ${first})` });
  };
}

export function checkTenantSemantics(tenant: TenantFile): TenantFileReport {
  const report: TenantFileReport = { errors: [], warnings: [] };

  // Principals and group membership
  const principalsById = new Map<string, TenantPrincipal>();
  const seenPrincipal = duplicateTracker(report, "principal id");
  tenant.principals.forEach((principal, index) => {
    const key = principal.id.toLowerCase();
    seenPrincipal(key, `$.principals[${index}].id`);
    if (!principalsById.has(key)) principalsById.set(key, principal);
  });
  tenant.principals.forEach((principal, index) => {
    if (principal.type !== "Group") return;
    principal.members.forEach((member, memberIndex) => {
      if (member.toLowerCase() === principal.id.toLowerCase()) {
        report.errors.push({
          path: `$.principals[${index}].members[${memberIndex}]`,
          message: "a group cannot be a member of itself",
        });
      } else if (!principalsById.has(member.toLowerCase())) {
        report.warnings.push({
          path: `$.principals[${index}].members[${memberIndex}]`,
          message: `member ${member} is not in the directory (deleted principal)`,
        });
      }
    });
  });

  // Subscriptions and resources
  const subscriptionIds = new Set<string>();
  const seenSubscription = duplicateTracker(report, "subscription id");
  const seenResource = duplicateTracker(report, "resource id");
  const clusterIds = new Set<string>();
  tenant.subscriptions.forEach((subscription, subscriptionIndex) => {
    const subscriptionId = subscription.subscriptionId.toLowerCase();
    seenSubscription(subscriptionId, `$.subscriptions[${subscriptionIndex}].subscriptionId`);
    subscriptionIds.add(subscriptionId);
    subscription.resources.forEach((resource, resourceIndex) => {
      const path = `$.subscriptions[${subscriptionIndex}].resources[${resourceIndex}]`;
      const id = resource.id.toLowerCase();
      seenResource(id, `${path}.id`);
      if (subscriptionOf(id) !== subscriptionId) {
        report.errors.push({
          path: `${path}.id`,
          message: `resource id is not in subscription ${subscription.subscriptionId}`,
        });
      }
      const expectedTail = `/providers/${resource.type}/${resource.name}`.toLowerCase();
      if (!id.endsWith(expectedTail)) {
        report.errors.push({
          path: `${path}.id`,
          message: `resource id does not end with /providers/${resource.type}/${resource.name}`,
        });
      }
      if (resource.type.toLowerCase() === MANAGED_CLUSTER_TYPE.toLowerCase()) clusterIds.add(id);
      if (resource.type.toLowerCase() === USER_ASSIGNED_IDENTITY_TYPE.toLowerCase()) {
        checkFederatedCredentials(resource, path, report);
      }
    });
  });

  // Management groups: known parents, one tree, each subscription in at most one group
  const managementGroupNames = new Set<string>();
  const seenManagementGroup = duplicateTracker(report, "management group");
  tenant.managementGroups.forEach((group, index) => {
    seenManagementGroup(group.name.toLowerCase(), `$.managementGroups[${index}].name`);
    managementGroupNames.add(group.name.toLowerCase());
  });
  const parentOf = new Map<string, string | null>();
  const seenManagedSubscription = duplicateTracker(report, "subscription in management groups");
  tenant.managementGroups.forEach((group, index) => {
    const parent = group.parent?.toLowerCase() ?? null;
    parentOf.set(group.name.toLowerCase(), parent);
    if (parent !== null && !managementGroupNames.has(parent)) {
      report.errors.push({
        path: `$.managementGroups[${index}].parent`,
        message: `parent management group "${group.parent}" does not exist`,
      });
    }
    group.subscriptions.forEach((subscriptionId, subscriptionIndex) => {
      const path = `$.managementGroups[${index}].subscriptions[${subscriptionIndex}]`;
      seenManagedSubscription(subscriptionId.toLowerCase(), path);
      if (!subscriptionIds.has(subscriptionId.toLowerCase())) {
        report.errors.push({ path, message: `subscription ${subscriptionId} is not in $.subscriptions` });
      }
    });
  });
  tenant.managementGroups.forEach((group, index) => {
    const visited = new Set<string>();
    let current: string | null = group.name.toLowerCase();
    while (current !== null && !visited.has(current)) {
      visited.add(current);
      current = parentOf.get(current) ?? null;
    }
    if (current !== null) {
      report.errors.push({
        path: `$.managementGroups[${index}].parent`,
        message: `management group "${group.name}" is part of a parent cycle`,
      });
    }
  });
  const roots = tenant.managementGroups.filter((group) => group.parent === null);
  if (tenant.managementGroups.length > 0 && roots.length !== 1) {
    report.errors.push({
      path: "$.managementGroups",
      message: `expected exactly one root management group (parent null), found ${roots.length}`,
    });
  }

  // Role definitions
  const customRoleGuids = new Set<string>();
  const seenRoleDefinition = duplicateTracker(report, "role definition");
  tenant.roleDefinitions.forEach((definition, index) => {
    const guid = definition.name.toLowerCase();
    seenRoleDefinition(guid, `$.roleDefinitions[${index}].name`);
    customRoleGuids.add(guid);
    if (roleDefinitionGuid(definition.id) !== guid) {
      report.errors.push({
        path: `$.roleDefinitions[${index}].id`,
        message: `id must end with the definition's name ${definition.name}`,
      });
    }
    if (builtInRoleGuids.has(guid)) {
      report.errors.push({
        path: `$.roleDefinitions[${index}].name`,
        message: `${definition.name} is a built-in role: built-in roles are known and must not be listed`,
      });
    }
  });

  // Role assignments
  const seenRoleAssignment = duplicateTracker(report, "role assignment id");
  tenant.roleAssignments.forEach((assignment, index) => {
    const path = `$.roleAssignments[${index}]`;
    const { scope, principalId, principalType, roleDefinitionId } = assignment.properties;
    seenRoleAssignment(assignment.id.toLowerCase(), `${path}.id`);

    const expectedId = `${scope === "/" ? "" : trimTrailingSlash(scope)}/providers/Microsoft.Authorization/roleAssignments/${assignment.name}`;
    if (assignment.id.toLowerCase() !== expectedId.toLowerCase()) {
      report.errors.push({ path: `${path}.id`, message: `id must be ${expectedId} (scope + name)` });
    }

    const definitionGuid = roleDefinitionGuid(roleDefinitionId);
    if (!builtInRoleGuids.has(definitionGuid) && !customRoleGuids.has(definitionGuid)) {
      report.errors.push({
        path: `${path}.properties.roleDefinitionId`,
        message: `role definition ${definitionGuid} is neither a built-in role nor in $.roleDefinitions`,
      });
    }

    const principal = principalsById.get(principalId.toLowerCase());
    if (!principal) {
      report.warnings.push({
        path: `${path}.properties.principalId`,
        message: `principal ${principalId} is not in the directory (deleted principal)`,
      });
    } else if (principalType !== undefined && principalType !== principal.type) {
      report.warnings.push({
        path: `${path}.properties.principalType`,
        message: `principalType is ${principalType} but ${principalId} is a ${principal.type}`,
      });
    }

    const managementGroup = MANAGEMENT_GROUP_SCOPE.exec(scope)?.[1];
    const scopeSubscription = subscriptionOf(scope);
    if (managementGroup !== undefined) {
      if (!managementGroupNames.has(managementGroup.toLowerCase())) {
        report.errors.push({
          path: `${path}.properties.scope`,
          message: `management group "${managementGroup}" is not in $.managementGroups`,
        });
      }
    } else if (scopeSubscription !== undefined) {
      if (!subscriptionIds.has(scopeSubscription)) {
        report.errors.push({
          path: `${path}.properties.scope`,
          message: `subscription ${scopeSubscription} is not in $.subscriptions`,
        });
      }
      const cluster = CLUSTER_IN_ID.exec(scope)?.[1];
      if (cluster !== undefined && !clusterIds.has(cluster.toLowerCase())) {
        report.warnings.push({
          path: `${path}.properties.scope`,
          message: `scope is under cluster ${cluster}, which is not in the file`,
        });
      }
    } else if (scope !== "/") {
      report.errors.push({
        path: `${path}.properties.scope`,
        message: "scope must be /, a management group, or a subscription, resource group or resource id",
      });
    }
  });

  // PIM schedule instances and deny assignments: ids are scope + collection + name, scopes lie in
  // the tenant, roles exist, and principals are warned about like assignments' principals.
  const checkScope = (scope: string, path: string) => {
    const managementGroup = MANAGEMENT_GROUP_SCOPE.exec(scope)?.[1];
    const scopeSubscription = subscriptionOf(scope);
    if (managementGroup !== undefined) {
      if (!managementGroupNames.has(managementGroup.toLowerCase()))
        report.errors.push({
          path,
          message: `management group "${managementGroup}" is not in $.managementGroups`,
        });
    } else if (scopeSubscription !== undefined) {
      if (!subscriptionIds.has(scopeSubscription))
        report.errors.push({ path, message: `subscription ${scopeSubscription} is not in $.subscriptions` });
    } else if (scope !== "/") {
      report.errors.push({
        path,
        message: "scope must be /, a management group, or a subscription, resource group or resource id",
      });
    }
  };
  const checkId = (id: string, name: string, scope: string, collection: string, path: string) => {
    const expectedId = `${scope === "/" ? "" : trimTrailingSlash(scope)}/providers/Microsoft.Authorization/${collection}/${name}`;
    if (id.toLowerCase() !== expectedId.toLowerCase())
      report.errors.push({ path: `${path}.id`, message: `id must be ${expectedId} (scope + name)` });
  };
  const checkRoleAndPrincipal = (roleDefinitionId: string, principalId: string, path: string) => {
    const definitionGuid = roleDefinitionGuid(roleDefinitionId);
    if (!builtInRoleGuids.has(definitionGuid) && !customRoleGuids.has(definitionGuid)) {
      report.errors.push({
        path: `${path}.properties.roleDefinitionId`,
        message: `role definition ${definitionGuid} is neither a built-in role nor in $.roleDefinitions`,
      });
    }
    if (!principalsById.has(principalId.toLowerCase())) {
      report.warnings.push({
        path: `${path}.properties.principalId`,
        message: `principal ${principalId} is not in the directory (deleted principal)`,
      });
    }
  };
  const checkWindow = (start: string | null | undefined, end: string | null | undefined, path: string) => {
    if (start && end && Date.parse(end) <= Date.parse(start))
      report.errors.push({
        path: `${path}.properties.endDateTime`,
        message: "endDateTime must be after startDateTime",
      });
  };
  const roleAssignmentIds = new Set(tenant.roleAssignments.map((assignment) => assignment.id.toLowerCase()));
  const seenEligibility = duplicateTracker(report, "role eligibility schedule instance id");
  tenant.roleEligibilityScheduleInstances.forEach((instance, index) => {
    const path = `$.roleEligibilityScheduleInstances[${index}]`;
    const { scope, roleDefinitionId, principalId, startDateTime, endDateTime } = instance.properties;
    seenEligibility(instance.id.toLowerCase(), `${path}.id`);
    checkId(instance.id, instance.name, scope, "roleEligibilityScheduleInstances", path);
    checkScope(scope, `${path}.properties.scope`);
    checkRoleAndPrincipal(roleDefinitionId, principalId, path);
    checkWindow(startDateTime, endDateTime, path);
  });
  const seenActive = duplicateTracker(report, "role assignment schedule instance id");
  tenant.roleAssignmentScheduleInstances.forEach((instance, index) => {
    const path = `$.roleAssignmentScheduleInstances[${index}]`;
    const { scope, roleDefinitionId, principalId, startDateTime, endDateTime, originRoleAssignmentId } =
      instance.properties;
    seenActive(instance.id.toLowerCase(), `${path}.id`);
    checkId(instance.id, instance.name, scope, "roleAssignmentScheduleInstances", path);
    checkScope(scope, `${path}.properties.scope`);
    checkRoleAndPrincipal(roleDefinitionId, principalId, path);
    checkWindow(startDateTime, endDateTime, path);
    if (
      originRoleAssignmentId !== undefined &&
      !roleAssignmentIds.has(originRoleAssignmentId.toLowerCase())
    ) {
      report.warnings.push({
        path: `${path}.properties.originRoleAssignmentId`,
        message:
          "no role assignment in $.roleAssignments has this id: the active assignment is not served as one",
      });
    }
  });
  const seenDeny = duplicateTracker(report, "deny assignment id");
  tenant.denyAssignments.forEach((deny, index) => {
    const path = `$.denyAssignments[${index}]`;
    const { scope, principals, excludePrincipals } = deny.properties;
    seenDeny(deny.id.toLowerCase(), `${path}.id`);
    checkId(deny.id, deny.name, scope, "denyAssignments", path);
    checkScope(scope, `${path}.properties.scope`);
    // "All principals" (the zero GUID, type SystemDefined) is valid in principals only
    // (learn.microsoft.com azure/role-based-access-control/deny-assignments).
    excludePrincipals.forEach((entry, position) => {
      if (entry.id === EVERYONE_ID)
        report.errors.push({
          path: `${path}.properties.excludePrincipals[${position}].id`,
          message: "all principals (00000000-0000-0000-0000-000000000000) may only be in principals",
        });
    });
    principals.forEach((entry, position) => {
      if (entry.id !== EVERYONE_ID && !principalsById.has(entry.id.toLowerCase()))
        report.warnings.push({
          path: `${path}.properties.principals[${position}].id`,
          message: `principal ${entry.id} is not in the directory (deleted principal)`,
        });
    });
  });

  // Clusters' Kubernetes data
  const seenClusterKey = duplicateTracker(report, "cluster key (keys match case-insensitively)");
  for (const [clusterKey, data] of Object.entries(tenant.clusters)) {
    const path = formatJsonPath(["clusters", clusterKey]);
    seenClusterKey(clusterKey.toLowerCase(), path);
    if (!clusterIds.has(clusterKey.toLowerCase())) {
      report.errors.push({
        path,
        message: "no Microsoft.ContainerService/managedClusters resource has this id",
      });
    }
    const seenObject = duplicateTracker(report, "Kubernetes object");
    data.objects.forEach((object, index) => {
      const key = `${object.kind}|${object.metadata.namespace ?? ""}|${object.metadata.name}`;
      seenObject(key, formatJsonPath(["clusters", clusterKey, "objects", index]));
    });
  }

  checkEntraSemantics(tenant, report);
  checkRoleManagementPolicySemantics(tenant, report);
  checkCoverageSemantics(tenant, report);

  return report;
}

function checkFederatedCredentials(resource: WireResource, path: string, report: TenantFileReport): void {
  const parsed = wireUserAssignedIdentitySchema.safeParse(resource);
  if (!parsed.success) return; // the schema already reported it
  const seen = duplicateTracker(report, "federated credential");
  parsed.data.federatedIdentityCredentials.forEach((credential, index) => {
    const credentialPath = `${path}.federatedIdentityCredentials[${index}]`;
    const expectedId = `${resource.id}/federatedIdentityCredentials/${credential.name}`;
    seen(credential.name.toLowerCase(), `${credentialPath}.name`);
    if (credential.id.toLowerCase() !== expectedId.toLowerCase()) {
      report.errors.push({ path: `${credentialPath}.id`, message: `id must be ${expectedId}` });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Parsing

export interface TenantFileValidation extends TenantFileReport {
  /** Present when the file matched the schema (it may still have semantic errors). */
  tenant?: TenantFile;
}

/** Validates without throwing: schema issues first; semantic checks only run on a schema-valid file. */
export function validateTenantFile(input: unknown): TenantFileValidation {
  const result = tenantFileSchema.safeParse(input);
  if (!result.success) {
    return {
      errors: result.error.issues.map((issue) => ({
        path: formatJsonPath(issue.path),
        message: issue.message,
      })),
      warnings: [],
    };
  }
  const tenant = normalizeLicences(result.data);
  const report = checkTenantSemantics(tenant);
  checkLicenceSpellings(input, report);
  return { tenant, ...report };
}

/** Parses a tenant file that is already JSON-decoded. Throws TenantFileError; warnings are ignored. */
export function parseTenantFile(input: unknown, source = "tenant file"): TenantFile {
  const validation = validateTenantFile(input);
  if (!validation.tenant || validation.errors.length > 0) {
    const count = validation.errors.length;
    throw new TenantFileError(
      `Invalid ${source}: ${count} problem${count === 1 ? "" : "s"}`,
      validation.errors,
    );
  }
  return validation.tenant;
}

/**
 * Reads JSON text and locates a syntax error by line and column (V8's message does not always say,
 * and quotes a slice of the input that is unreadable for large files): lib/model/wire/json-syntax-error.ts.
 */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const at = locateJsonSyntaxError(text, error);
    if (!at) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new TenantFileError(
        `${source} is not valid JSON: ${reason}`,
        [{ path: "$", message: reason }],
        false,
      );
    }
    const where = `line ${at.line}, column ${at.column}`;
    throw new TenantFileError(
      `${source} is not valid JSON (${where}): ${at.reason}`,
      [{ path: "$", message: `${where}: ${at.reason}` }],
      false,
    );
  }
}

export function stripByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// ---------------------------------------------------------------------------------------------
// Lookups

export interface TenantCluster {
  resource: WireResource;
  subscription: TenantSubscription;
  /** The cluster's Kubernetes data, if the file has any. */
  data: TenantClusterData | undefined;
  /** The key under $.clusters as spelled in the file. */
  dataKey: string | undefined;
}

interface TenantIndex {
  clusters: Map<string, TenantCluster>;
}

// Built once per tenant object: generated tenants have hundreds of clusters and callers look up often.
const indexCache = new WeakMap<TenantFile, TenantIndex>();

function indexOf(tenant: TenantFile): TenantIndex {
  const cached = indexCache.get(tenant);
  if (cached) return cached;
  const dataByKey = new Map<string, { key: string; data: TenantClusterData }>();
  for (const [key, data] of Object.entries(tenant.clusters)) dataByKey.set(key.toLowerCase(), { key, data });
  const clusters = new Map<string, TenantCluster>();
  for (const subscription of tenant.subscriptions) {
    for (const resource of subscription.resources) {
      if (resource.type.toLowerCase() !== MANAGED_CLUSTER_TYPE.toLowerCase()) continue;
      const id = resource.id.toLowerCase();
      const entry = dataByKey.get(id);
      clusters.set(id, { resource, subscription, data: entry?.data, dataKey: entry?.key });
    }
  }
  const index = { clusters };
  indexCache.set(tenant, index);
  return index;
}

/** The managed cluster with this resource id (case-insensitive), with its Kubernetes data. */
export function findCluster(tenant: TenantFile, clusterId: string): TenantCluster | undefined {
  return indexOf(tenant).clusters.get(trimTrailingSlash(clusterId).toLowerCase());
}

/** The Kubernetes data for a cluster id, matched case-insensitively. */
export function findClusterData(tenant: TenantFile, clusterId: string): TenantClusterData | undefined {
  return findCluster(tenant, clusterId)?.data;
}

/** Every managed cluster in the file, in file order. */
export function listClusters(tenant: TenantFile): TenantCluster[] {
  return [...indexOf(tenant).clusters.values()];
}

/** A managed-cluster resource in its typed shape (the file keeps resources as loose ARM JSON). */
export function asManagedCluster(resource: WireResource): WireManagedCluster {
  return wireManagedClusterSchema.parse(resource);
}

/** A user-assigned identity resource in its typed shape, with its federated credentials. */
export function asUserAssignedIdentity(resource: WireResource): WireUserAssignedIdentity {
  return wireUserAssignedIdentitySchema.parse(resource);
}

export function findPrincipal(tenant: TenantFile, principalId: string): TenantPrincipal | undefined {
  const wanted = principalId.toLowerCase();
  return tenant.principals.find((principal) => principal.id.toLowerCase() === wanted);
}
