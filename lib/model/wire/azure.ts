/**
 * Azure wire shapes: Microsoft Graph directory principals and ARM resources (authorization, PIM,
 * deny assignments, managed clusters, user-assigned identities), as the REST APIs return them. The
 * tenant file (lib/model/wire/tenant-file.ts) is made of these, the emulator serves them, the model
 * reads them. Pure: no I/O.
 */
import { z } from "zod";
import { armIdSchema, guidSchema, stringMapSchema } from "@/lib/model/wire/common";

// ---------------------------------------------------------------------------------------------
// Directory principals (Microsoft Graph shapes, trimmed to what matters; extra Graph fields are kept)

const principalBase = {
  id: guidSchema,
  displayName: z.string().min(1),
};

export const userPrincipalSchema = z.looseObject({
  ...principalBase,
  type: z.literal("User"),
  userPrincipalName: z.string().optional(),
  accountEnabled: z.boolean().optional(),
});

export const groupPrincipalSchema = z.looseObject({
  ...principalBase,
  type: z.literal("Group"),
  /** Direct members only; nested groups are members like any other principal. */
  members: z.array(guidSchema).default([]),
});

export const servicePrincipalSchema = z.looseObject({
  ...principalBase,
  type: z.literal("ServicePrincipal"),
  appId: guidSchema.optional(),
  /** Graph's servicePrincipalType: "Application", "ManagedIdentity", "Legacy", "SocialIdp". */
  servicePrincipalType: z.string().optional(),
  alternativeNames: z.array(z.string()).optional(),
});

export const tenantPrincipalSchema = z.discriminatedUnion("type", [
  userPrincipalSchema,
  groupPrincipalSchema,
  servicePrincipalSchema,
]);

// ---------------------------------------------------------------------------------------------
// Management groups

export const managementGroupSchema = z.looseObject({
  name: z.string().min(1),
  displayName: z.string().optional(),
  /** Name of the parent management group; null (or absent) for the tenant root group. */
  parent: z.string().min(1).nullable().default(null),
  subscriptions: z.array(guidSchema).default([]),
});

// ---------------------------------------------------------------------------------------------
// Authorization (ARM wire format: fields nested under `properties`)

export const wirePermissionSchema = z.looseObject({
  actions: z.array(z.string()).default([]),
  notActions: z.array(z.string()).default([]),
  dataActions: z.array(z.string()).default([]),
  notDataActions: z.array(z.string()).default([]),
});

export const wireRoleDefinitionSchema = z.looseObject({
  id: armIdSchema,
  name: guidSchema,
  type: z.string().default("Microsoft.Authorization/roleDefinitions"),
  properties: z.looseObject({
    roleName: z.string().min(1),
    /** "BuiltInRole" or "CustomRole" on the wire (the CLI calls it roleType). */
    type: z.string().default("CustomRole"),
    description: z.string().nullable().optional(),
    assignableScopes: z.array(z.string()).default([]),
    permissions: z.array(wirePermissionSchema).default([]),
  }),
});

export const PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"] as const;

export const wireRoleAssignmentSchema = z.looseObject({
  id: armIdSchema,
  name: guidSchema,
  type: z.string().default("Microsoft.Authorization/roleAssignments"),
  properties: z.looseObject({
    /** Usually /subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>; joined on the GUID. */
    roleDefinitionId: armIdSchema,
    principalId: guidSchema,
    principalType: z.enum(PRINCIPAL_TYPES).optional(),
    scope: armIdSchema,
    condition: z.string().nullable().optional(),
    conditionVersion: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
  }),
});

// ---------------------------------------------------------------------------------------------
// PIM for Azure resources and deny assignments, in ARM wire format (azure-rest-api-specs,
// Microsoft.Authorization stable/2020-10-01 RoleEligibilityScheduleInstance.json and
// RoleAssignmentScheduleInstance.json; stable/2022-04-01 authorization-DenyAssignmentCalls.json).

const dateTimeSchema = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" });
const MEMBER_TYPES = ["Inherited", "Direct", "Group"] as const;
export const EVERYONE_ID = "00000000-0000-0000-0000-000000000000";

const scheduleInstanceProperties = {
  scope: armIdSchema,
  roleDefinitionId: armIdSchema,
  principalId: guidSchema,
  principalType: z.enum(PRINCIPAL_TYPES).optional(),
  status: z.string().optional(),
  startDateTime: dateTimeSchema.nullable().optional(),
  /** null or absent: permanent */
  endDateTime: dateTimeSchema.nullable().optional(),
  memberType: z.enum(MEMBER_TYPES).optional(),
  condition: z.string().nullable().optional(),
  conditionVersion: z.string().nullable().optional(),
  createdOn: dateTimeSchema.nullable().optional(),
};

/** An eligible role assignment as `GET {scope}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances` returns it. */
export const wireRoleEligibilityScheduleInstanceSchema = z.looseObject({
  id: armIdSchema,
  name: z.string().min(1),
  type: z.string().default("Microsoft.Authorization/roleEligibilityScheduleInstances"),
  properties: z.looseObject({
    ...scheduleInstanceProperties,
    roleEligibilityScheduleId: z.string().optional(),
  }),
});

/** An active (assigned or activated) role assignment as `roleAssignmentScheduleInstances` returns it. */
export const wireRoleAssignmentScheduleInstanceSchema = z.looseObject({
  id: armIdSchema,
  name: z.string().min(1),
  type: z.string().default("Microsoft.Authorization/roleAssignmentScheduleInstances"),
  properties: z.looseObject({
    ...scheduleInstanceProperties,
    assignmentType: z.enum(["Activated", "Assigned"]),
    /** the role assignment this instance is (an activation creates one) */
    originRoleAssignmentId: armIdSchema.optional(),
    roleAssignmentScheduleId: z.string().optional(),
    linkedRoleEligibilityScheduleId: z.string().nullable().optional(),
    linkedRoleEligibilityScheduleInstanceId: z.string().nullable().optional(),
  }),
});

const denyPrincipalEntrySchema = z.looseObject({ id: guidSchema, type: z.string().optional() });

/** A deny assignment as `GET {scope}/providers/Microsoft.Authorization/denyAssignments` returns it. */
export const wireDenyAssignmentSchema = z.looseObject({
  id: armIdSchema,
  name: z.string().min(1),
  type: z.string().default("Microsoft.Authorization/denyAssignments"),
  properties: z.looseObject({
    denyAssignmentName: z.string().min(1),
    description: z.string().nullable().optional(),
    permissions: z.array(wirePermissionSchema).min(1),
    scope: armIdSchema,
    doNotApplyToChildScopes: z.boolean().default(false),
    principals: z.array(denyPrincipalEntrySchema).min(1),
    excludePrincipals: z.array(denyPrincipalEntrySchema).default([]),
    isSystemProtected: z.boolean().default(true),
  }),
});

// ---------------------------------------------------------------------------------------------
// Resource-type specific shapes. A resource stays arbitrary ARM JSON in the file (`WireResource`),
// but the types the scanner reads are checked more deeply so a typo in, say, `aadProfile` is an
// error with its JSON path rather than a silently different cluster.

const userAssignedIdentityRefSchema = z.looseObject({
  resourceId: z.string().optional(),
  clientId: z.string().optional(),
  objectId: z.string().optional(),
});

export const managedClusterAadProfileSchema = z.looseObject({
  managed: z.boolean().optional(),
  enableAzureRBAC: z.boolean().optional(),
  adminGroupObjectIDs: z.array(guidSchema).nullable().optional(),
  tenantID: z.string().optional(),
  clientAppID: z.string().nullable().optional(),
  serverAppID: z.string().nullable().optional(),
  serverAppSecret: z.string().nullable().optional(),
});

export const managedClusterIdentitySchema = z.looseObject({
  type: z.enum(["SystemAssigned", "UserAssigned", "None"]),
  principalId: z.string().nullable().optional(),
  tenantId: z.string().nullable().optional(),
  userAssignedIdentities: z
    .record(
      z.string(),
      z.looseObject({
        principalId: z.string().nullable().optional(),
        clientId: z.string().nullable().optional(),
      }),
    )
    .nullable()
    .optional(),
});

export const wireManagedClusterSchema = z.looseObject({
  id: armIdSchema,
  name: z.string().min(1),
  type: z.string(),
  location: z.string().optional(),
  tags: stringMapSchema.nullable().optional(),
  identity: managedClusterIdentitySchema.nullable().optional(),
  sku: z.looseObject({ name: z.string().optional(), tier: z.string().optional() }).nullable().optional(),
  properties: z.looseObject({
    kubernetesVersion: z.string().optional(),
    fqdn: z.string().optional(),
    nodeResourceGroup: z.string().optional(),
    enableRBAC: z.boolean().optional(),
    disableLocalAccounts: z.boolean().optional(),
    aadProfile: managedClusterAadProfileSchema.nullable().optional(),
    identityProfile: z.record(z.string(), userAssignedIdentityRefSchema).nullable().optional(),
    addonProfiles: z
      .record(
        z.string(),
        z.looseObject({
          enabled: z.boolean(),
          config: stringMapSchema.nullable().optional(),
          identity: userAssignedIdentityRefSchema.nullable().optional(),
        }),
      )
      .nullable()
      .optional(),
    oidcIssuerProfile: z
      .looseObject({ enabled: z.boolean().optional(), issuerURL: z.string().nullable().optional() })
      .nullable()
      .optional(),
    securityProfile: z
      .looseObject({
        workloadIdentity: z.looseObject({ enabled: z.boolean().optional() }).nullable().optional(),
      })
      .nullable()
      .optional(),
    podIdentityProfile: z
      .looseObject({
        enabled: z.boolean().optional(),
        userAssignedIdentities: z.array(z.looseObject({})).nullable().optional(),
        userAssignedIdentityExceptions: z.array(z.looseObject({})).nullable().optional(),
      })
      .nullable()
      .optional(),
    apiServerAccessProfile: z
      .looseObject({
        authorizedIPRanges: z.array(z.string()).nullable().optional(),
        enablePrivateCluster: z.boolean().optional(),
        disableRunCommand: z.boolean().optional(),
      })
      .nullable()
      .optional(),
  }),
});

export const wireFederatedCredentialSchema = z.looseObject({
  id: armIdSchema,
  name: z.string().min(1),
  type: z.string().default("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials"),
  properties: z
    .looseObject({
      issuer: z.string().min(1),
      /** For Kubernetes service accounts: system:serviceaccount:<namespace>:<name>. */
      subject: z.string().min(1).optional(),
      audiences: z.array(z.string()).default(["api://AzureADTokenExchange"]),
      /**
       * A flexible credential (Microsoft.ManagedIdentity 2025-01-31-preview): matched by expression,
       * e.g. `claims['sub'] matches 'system:serviceaccount:ci:*'`, instead of an exact subject.
       */
      claimsMatchingExpression: z
        .object({ value: z.string().min(1), languageVersion: z.number().int().positive() })
        .optional(),
    })
    // The service's rule: "Either 'subject' or 'claimsMatchingExpression' must be defined, but not both."
    .refine(
      (properties) =>
        (properties.subject === undefined) !== (properties.claimsMatchingExpression === undefined),
      {
        message: "exactly one of subject or claimsMatchingExpression must be set",
      },
    ),
});

export const wireUserAssignedIdentitySchema = z.looseObject({
  id: armIdSchema,
  name: z.string().min(1),
  type: z.string(),
  location: z.string().optional(),
  tags: stringMapSchema.nullable().optional(),
  properties: z.looseObject({
    clientId: guidSchema,
    principalId: guidSchema,
    tenantId: guidSchema.optional(),
  }),
  /** Not part of the ARM GET body: the file carries the identity's child FIC resources here. */
  federatedIdentityCredentials: z.array(wireFederatedCredentialSchema).default([]),
});

export const MANAGED_CLUSTER_TYPE = "Microsoft.ContainerService/managedClusters";
export const USER_ASSIGNED_IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";

const typeSpecificSchemas: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  [MANAGED_CLUSTER_TYPE.toLowerCase(), wireManagedClusterSchema],
  [USER_ASSIGNED_IDENTITY_TYPE.toLowerCase(), wireUserAssignedIdentitySchema],
]);

export const wireResourceSchema = z
  .looseObject({
    id: armIdSchema,
    name: z.string().min(1),
    type: z.string().min(1),
    location: z.string().optional(),
    tags: stringMapSchema.nullable().optional(),
    properties: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .superRefine((resource, ctx) => {
    const specific = typeSpecificSchemas.get(resource.type.toLowerCase());
    if (!specific) return;
    const result = specific.safeParse(resource);
    if (result.success) return;
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
    }
  });

export const tenantSubscriptionSchema = z.looseObject({
  subscriptionId: guidSchema,
  displayName: z.string().min(1),
  state: z.string().optional(),
  resources: z.array(wireResourceSchema).default([]),
});

export type TenantPrincipal = z.infer<typeof tenantPrincipalSchema>;
export type TenantUser = z.infer<typeof userPrincipalSchema>;
export type TenantGroup = z.infer<typeof groupPrincipalSchema>;
export type TenantServicePrincipal = z.infer<typeof servicePrincipalSchema>;
export type ManagementGroup = z.infer<typeof managementGroupSchema>;
export type WirePermission = z.infer<typeof wirePermissionSchema>;
export type WireRoleDefinition = z.infer<typeof wireRoleDefinitionSchema>;
export type WireRoleAssignment = z.infer<typeof wireRoleAssignmentSchema>;
export type WireRoleEligibilityScheduleInstance = z.infer<typeof wireRoleEligibilityScheduleInstanceSchema>;
export type WireRoleAssignmentScheduleInstance = z.infer<typeof wireRoleAssignmentScheduleInstanceSchema>;
export type WireDenyAssignment = z.infer<typeof wireDenyAssignmentSchema>;
export type WireResource = z.infer<typeof wireResourceSchema>;
export type WireManagedCluster = z.infer<typeof wireManagedClusterSchema>;
export type WireUserAssignedIdentity = z.infer<typeof wireUserAssignedIdentitySchema>;
export type WireFederatedCredential = z.infer<typeof wireFederatedCredentialSchema>;
export type TenantSubscription = z.infer<typeof tenantSubscriptionSchema>;

/**
 * An eligible role assignment in the wire shape of roleEligibilityScheduleInstances (api-version
 * 2020-10-01), fields in the order ARM answers them: for the demo, the generator and tests, which write
 * tenant files.
 */
export function roleEligibilityScheduleInstance(input: {
  scope: string;
  /** the role definition's full id */
  roleDefinitionId: string;
  principalId: string;
  principalType: "User" | "Group" | "ServicePrincipal";
  /** the instance's name (a guid), also its schedule's */
  name: string;
  startDateTime: string;
  endDateTime: string | null;
  createdOn?: string;
}): WireRoleEligibilityScheduleInstance {
  const { scope, name } = input;
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/${name}`,
    name,
    type: "Microsoft.Authorization/roleEligibilityScheduleInstances",
    properties: {
      scope,
      roleDefinitionId: input.roleDefinitionId,
      principalId: input.principalId,
      principalType: input.principalType,
      status: "Provisioned",
      roleEligibilityScheduleId: `${scope}/providers/Microsoft.Authorization/roleEligibilitySchedules/${name}`,
      startDateTime: input.startDateTime,
      endDateTime: input.endDateTime,
      memberType: "Direct",
      createdOn: input.createdOn ?? input.startDateTime,
    },
  };
}
