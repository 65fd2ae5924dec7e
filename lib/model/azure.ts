import { z } from "zod";

// The Azure side of the normalized model. Every id is a lower-cased ARM id (see ids.ts); display
// names keep their original casing.

export const subscriptionSchema = z.object({
  /** `/subscriptions/<guid>` */
  id: z.string(),
  subscriptionId: z.string(),
  displayName: z.string(),
  tenantId: z.string().nullable(),
  /** id of the management group directly above, null when unknown */
  managementGroupId: z.string().nullable(),
  /**
   * Management groups seen above the subscription in its own role assignment, PIM eligibility and deny
   * assignment lists (ARM lists those at, above and below the subscription: learn.microsoft.com/rest/api/
   * authorization/role-assignments/list-for-subscription), where the management group hierarchy did not
   * place them: a scanner that may not read the hierarchy still knows what sits above each subscription.
   */
  managementGroupsAbove: z.array(z.string()).optional(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

export const managementGroupSchema = z.object({
  /** `/providers/microsoft.management/managementgroups/<name>` */
  id: z.string(),
  name: z.string(),
  displayName: z.string(),
  parentId: z.string().nullable(),
  subscriptionIds: z.array(z.string()),
});
export type ManagementGroup = z.infer<typeof managementGroupSchema>;

export const entraModeSchema = z.enum(["managed", "legacy", "none"]);
export type EntraMode = z.infer<typeof entraModeSchema>;

export const clusterIdentityRefSchema = z.object({
  /** lower-cased ARM id of the user-assigned identity */
  resourceId: z.string().nullable(),
  clientId: z.string().nullable(),
  /** the principal (object) id the identity signs in as */
  objectId: z.string().nullable(),
});
export type ClusterIdentityRef = z.infer<typeof clusterIdentityRefSchema>;

export const controlPlaneIdentitySchema = z.object({
  type: z.enum(["SystemAssigned", "UserAssigned", "ServicePrincipal", "None"]),
  principalId: z.string().nullable(),
  clientId: z.string().nullable(),
  resourceId: z.string().nullable(),
});
export type ControlPlaneIdentity = z.infer<typeof controlPlaneIdentitySchema>;

export const clusterAddonSchema = z.object({
  /** lower-cased addon key (`azurepolicy`, `azurekeyvaultsecretsprovider`, `omsagent` ...) */
  name: z.string(),
  enabled: z.boolean(),
  identity: clusterIdentityRefSchema.nullable(),
});
export type ClusterAddon = z.infer<typeof clusterAddonSchema>;

export const podIdentityEntrySchema = z.object({
  name: z.string(),
  namespace: z.string(),
  bindingSelector: z.string().nullable(),
  identity: clusterIdentityRefSchema.nullable(),
});
export type PodIdentityEntry = z.infer<typeof podIdentityEntrySchema>;

export const podIdentityExceptionEntrySchema = z.object({
  name: z.string(),
  namespace: z.string(),
  podLabels: z.record(z.string(), z.string()),
});
export type PodIdentityExceptionEntry = z.infer<typeof podIdentityExceptionEntrySchema>;

export const clusterSchema = z.object({
  /** lower-cased ARM id */
  id: z.string(),
  name: z.string(),
  subscriptionId: z.string(),
  /** lower-cased, as in the id */
  resourceGroup: z.string(),
  location: z.string(),
  kubernetesVersion: z.string().nullable(),
  fqdn: z.string().nullable(),
  privateFqdn: z.string().nullable(),
  /** lower-cased name of the node ("MC_") resource group */
  nodeResourceGroup: z.string().nullable(),
  entra: z.object({
    /** managed = AKS-managed Entra integration; legacy = the deprecated server/client app integration */
    mode: entraModeSchema,
    azureRbac: z.boolean(),
    adminGroupIds: z.array(z.string()),
    tenantId: z.string().nullable(),
  }),
  /** properties.enableRBAC */
  kubernetesRbac: z.boolean(),
  localAccountsDisabled: z.boolean(),
  runCommandDisabled: z.boolean(),
  privateCluster: z.boolean(),
  authorizedIpRanges: z.array(z.string()),
  controlPlaneIdentity: controlPlaneIdentitySchema,
  kubeletIdentity: clusterIdentityRefSchema.nullable(),
  addons: z.array(clusterAddonSchema),
  oidcIssuer: z.object({ enabled: z.boolean(), issuerUrl: z.string().nullable() }),
  workloadIdentityEnabled: z.boolean(),
  /**
   * networkProfile.podLinkLocalAccess (IMDS restriction, preview): `IMDS` (default) or `None`, which
   * keeps pods (hostNetwork: false) from the instance metadata endpoint; absent when not reported
   */
  podLinkLocalAccess: z.string().nullable().optional(),
  podIdentity: z.object({
    enabled: z.boolean(),
    identities: z.array(podIdentityEntrySchema),
    exceptions: z.array(podIdentityExceptionEntrySchema),
  }),
  tags: z.record(z.string(), z.string()),
});
export type Cluster = z.infer<typeof clusterSchema>;

export const managedIdentitySchema = z.object({
  /** lower-cased ARM id of the user-assigned identity */
  id: z.string(),
  name: z.string(),
  resourceGroup: z.string(),
  subscriptionId: z.string(),
  location: z.string().nullable(),
  clientId: z.string(),
  principalId: z.string(),
  tenantId: z.string().nullable(),
});
export type ManagedIdentity = z.infer<typeof managedIdentitySchema>;

/**
 * What Entra matches an external token against, in a managed identity's federated credential (ARM) and an
 * application's (Graph) alike.
 */
export const federatedMatchShape = {
  /** kept verbatim: Entra matches the issuer as an exact string (trailing slash included) */
  issuer: z.string(),
  /**
   * "" for a flexible credential, which matches by `claimsMatchingExpression` instead — or whose expression
   * was not returned (an older ARM api-version, Graph v1.0): then matched as "unknown", never "no match"
   */
  subject: z.string(),
  audiences: z.array(z.string()),
  /**
   * A flexible federated identity credential's expression (e.g.
   * `claims['sub'] matches 'system:serviceaccount:ci:*'`), returned by Microsoft.ManagedIdentity from
   * api-version 2025-01-31-preview and by Graph beta; null for a credential with an exact subject, or when
   * read where it is not returned.
   */
  claimsMatchingExpression: z
    .object({ value: z.string(), languageVersion: z.number().int() })
    .nullable()
    .default(null),
};

export const federatedCredentialSchema = z.object({
  /** lower-cased ARM id */
  id: z.string(),
  name: z.string(),
  /** lower-cased ARM id of the user-assigned identity it belongs to */
  identityId: z.string(),
  ...federatedMatchShape,
});
export type FederatedCredential = z.infer<typeof federatedCredentialSchema>;

export const rolePermissionSchema = z.object({
  actions: z.array(z.string()),
  notActions: z.array(z.string()),
  dataActions: z.array(z.string()),
  notDataActions: z.array(z.string()),
  /**
   * ABAC condition on this block (some built-in roles may only write role assignments of listed
   * roles, e.g. Key Vault Data Access Administrator); absent when the block has none.
   */
  condition: z.string().optional(),
});
export type RolePermission = z.infer<typeof rolePermissionSchema>;

export const roleDefinitionSchema = z.object({
  /** lower-cased id; built-in roles use the tenant-level form `/providers/microsoft.authorization/roledefinitions/<guid>` */
  id: z.string(),
  /** lower-cased GUID: what assignments join on */
  guid: z.string(),
  roleName: z.string(),
  type: z.enum(["BuiltInRole", "CustomRole"]),
  permissions: z.array(rolePermissionSchema),
  /** lower-cased scopes */
  assignableScopes: z.array(z.string()),
});
export type RoleDefinition = z.infer<typeof roleDefinitionSchema>;

export const principalTypeSchema = z.enum([
  "User",
  "Group",
  "ServicePrincipal",
  "ForeignGroup",
  "Device",
  "Unknown",
]);
export type PrincipalType = z.infer<typeof principalTypeSchema>;

export const roleAssignmentSchema = z.object({
  /** lower-cased ARM id */
  id: z.string(),
  /** lower-cased scope without trailing slash: `/`, a management group, subscription, resource group, resource or `<cluster>/namespaces/<ns>` */
  scope: z.string(),
  /** lower-cased GUID of the role definition (the trailing segment of properties.roleDefinitionId) */
  roleDefinitionId: z.string(),
  principalId: z.string(),
  principalType: principalTypeSchema,
  /** ABAC condition; any non-null condition makes what the assignment grants "conditional" */
  condition: z.string().nullable(),
});
export type RoleAssignment = z.infer<typeof roleAssignmentSchema>;

// ---------------------------------------------------------------------------------------------
// Access that is not standing: PIM for Azure resources and deny assignments (issue #14).

/**
 * A PIM eligible role assignment (`Microsoft.Authorization/roleEligibilityScheduleInstances`): the
 * principal may activate the role at the scope, within the instance's window. Nothing is granted
 * until it does; the access engine reports what it would get, marked `eligible`.
 */
export const roleEligibilitySchema = z.object({
  /** lower-cased ARM id of the schedule instance */
  id: z.string(),
  /** lower-cased scope, as for role assignments */
  scope: z.string(),
  /** lower-cased GUID of the role definition */
  roleDefinitionId: z.string(),
  principalId: z.string(),
  principalType: principalTypeSchema,
  condition: z.string().nullable(),
  /** ISO 8601; null when unknown */
  startDateTime: z.string().nullable(),
  /** ISO 8601; null = permanently eligible */
  endDateTime: z.string().nullable(),
  /** `Direct`, `Group` or `Inherited` as PIM reports it; null when absent */
  memberType: z.string().nullable(),
  /** the instance's status (`Provisioned` ...); null when absent */
  status: z.string().nullable(),
  /**
   * What activating it takes, from PIM's role management policy for the role at the eligibility's
   * scope (its end-user assignment rules); absent when the policies were not read.
   */
  activation: z
    .object({
      /** `Approval_EndUser_Assignment` setting.isApprovalRequired; null when the policy has no such rule */
      approvalRequired: z.boolean().nullable(),
      /** `Expiration_EndUser_Assignment` maximumDuration (ISO 8601, e.g. PT8H); null when none */
      maximumDuration: z.string().nullable(),
      /** lower-cased id of the role management policy */
      policyId: z.string().nullable(),
    })
    .optional(),
});
export type RoleEligibilityActivation = NonNullable<z.infer<typeof roleEligibilitySchema>["activation"]>;
export type RoleEligibility = z.infer<typeof roleEligibilitySchema>;

/**
 * An active PIM role assignment schedule instance (`roleAssignmentScheduleInstances`). Only
 * time-bound ones are kept (an `endDateTime`): they mark the role assignment they stand for
 * (`originRoleAssignmentId`) as temporary. Permanent ones repeat the role assignments.
 */
export const roleAssignmentScheduleSchema = z.object({
  /** lower-cased ARM id of the schedule instance */
  id: z.string(),
  scope: z.string(),
  roleDefinitionId: z.string(),
  principalId: z.string(),
  principalType: principalTypeSchema,
  /** `Activated` (from an eligibility) or `Assigned` (made active directly, possibly time-bound) */
  assignmentType: z.string().nullable(),
  startDateTime: z.string().nullable(),
  endDateTime: z.string().nullable(),
  /** lower-cased id of the role assignment this instance is, null when not reported */
  originRoleAssignmentId: z.string().nullable(),
  memberType: z.string().nullable(),
});
export type RoleAssignmentSchedule = z.infer<typeof roleAssignmentScheduleSchema>;

export const denyPrincipalSchema = z.object({
  /** lower-cased object id; the zero GUID with type `SystemDefined` is everyone */
  id: z.string(),
  type: z.string().nullable(),
});
export type DenyPrincipal = z.infer<typeof denyPrincipalSchema>;

/** The zero GUID: a deny assignment's "all principals" (learn.microsoft.com azure/role-based-access-control/deny-assignments). */
export const EVERYONE_PRINCIPAL_ID = "00000000-0000-0000-0000-000000000000";

/** A deny assignment (`Microsoft.Authorization/denyAssignments`, api-version 2022-04-01). */
export const denyAssignmentSchema = z.object({
  /** lower-cased ARM id */
  id: z.string(),
  /** properties.denyAssignmentName */
  name: z.string(),
  scope: z.string(),
  permissions: z.array(
    z.object({
      actions: z.array(z.string()),
      notActions: z.array(z.string()),
      dataActions: z.array(z.string()),
      notDataActions: z.array(z.string()),
    }),
  ),
  principals: z.array(denyPrincipalSchema),
  excludePrincipals: z.array(denyPrincipalSchema),
  /** true: the scope itself only, not the resources below it */
  doNotApplyToChildScopes: z.boolean(),
  isSystemProtected: z.boolean(),
});
export type DenyAssignment = z.infer<typeof denyAssignmentSchema>;
