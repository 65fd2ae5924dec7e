import { z } from "zod";
import {
  clusterSchema,
  denyAssignmentSchema,
  federatedCredentialSchema,
  managedIdentitySchema,
  managementGroupSchema,
  roleAssignmentScheduleSchema,
  roleAssignmentSchema,
  roleDefinitionSchema,
  roleEligibilitySchema,
  subscriptionSchema,
} from "@/lib/model/azure";
import {
  administrativeUnitSchema,
  applicationFederatedCredentialSchema,
  directoryOwnershipSchema,
  directoryRoleAssignmentSchema,
  graphAppRoleAssignmentSchema,
  groupEligibilitySchema,
  groupMembershipSchema,
  principalSchema,
} from "@/lib/model/directory";
import { clusterKubernetesSchema } from "@/lib/model/kubernetes";

export const coverageStatusSchema = z.enum(["complete", "partial", "not-read"]);
export type CoverageStatus = z.infer<typeof coverageStatusSchema>;

export const coverageEntrySchema = z.object({
  status: coverageStatusSchema,
  reason: z.string().optional(),
});
export type CoverageEntry = z.infer<typeof coverageEntrySchema>;

/** Keyed by source: `"sub:<subscriptionId>"`, `"cluster:<cluster id>"`, `"directory"`. A missing key means not read. */
export const coverageSchema = z.record(z.string(), coverageEntrySchema);
export type Coverage = z.infer<typeof coverageSchema>;

/** Everything one scan knows about one tenant, normalized. */
export const tenantModelSchema = z.object({
  tenantId: z.string(),
  subscriptions: z.array(subscriptionSchema),
  managementGroups: z.array(managementGroupSchema),
  clusters: z.array(clusterSchema),
  identities: z.array(managedIdentitySchema),
  federatedCredentials: z.array(federatedCredentialSchema),
  roleDefinitions: z.array(roleDefinitionSchema),
  roleAssignments: z.array(roleAssignmentSchema),
  /** PIM eligible role assignments (absent in models stored before they were read: none) */
  roleEligibilities: z.array(roleEligibilitySchema).default([]),
  /** time-bound active PIM assignments, which mark their role assignment temporary */
  roleAssignmentSchedules: z.array(roleAssignmentScheduleSchema).default([]),
  denyAssignments: z.array(denyAssignmentSchema).default([]),
  principals: z.array(principalSchema),
  groupMemberships: z.array(groupMembershipSchema),
  /** Entra directory roles that lead to clusters, active and PIM-eligible (optional: older models lack them) */
  directoryRoleAssignments: z.array(directoryRoleAssignmentSchema).optional(),
  /** PIM for Groups eligible memberships and ownerships of the groups that matter */
  groupEligibilities: z.array(groupEligibilitySchema).optional(),
  /** owners of the groups, applications and service principals that matter */
  directoryOwners: z.array(directoryOwnershipSchema).optional(),
  /**
   * federated identity credentials of the applications read with their owners (those of service
   * principals that hold Azure roles or appear in bindings); absent: not read (older models)
   */
  applicationFederatedCredentials: z.array(applicationFederatedCredentialSchema).optional(),
  /** Microsoft Graph application permissions that lead somewhere (absent: not read) */
  graphAppRoleAssignments: z.array(graphAppRoleAssignmentSchema).optional(),
  /** administrative units with their members (absent: not read, as in models stored before they were) */
  administrativeUnits: z.array(administrativeUnitSchema).optional(),
  /** keyed by lower-cased cluster id; a cluster whose API was not read has no entry */
  kubernetes: z.record(z.string(), clusterKubernetesSchema),
  coverage: coverageSchema,
});
export type TenantModel = z.infer<typeof tenantModelSchema>;

export function emptyTenantModel(tenantId: string): TenantModel {
  return {
    tenantId,
    subscriptions: [],
    managementGroups: [],
    clusters: [],
    identities: [],
    federatedCredentials: [],
    roleDefinitions: [],
    roleAssignments: [],
    roleEligibilities: [],
    roleAssignmentSchedules: [],
    denyAssignments: [],
    principals: [],
    groupMemberships: [],
    kubernetes: {},
    coverage: {},
  };
}
