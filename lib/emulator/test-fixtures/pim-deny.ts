import type { TenantFile } from "@/lib/model/wire/tenant-file";

// The small tenant plus access that is not standing, in ARM wire format (shapes from
// azure-rest-api-specs Microsoft.Authorization stable/2020-10-01 examples
// GetRoleEligibilityScheduleInstancesByScope.json / GetRoleAssignmentScheduleInstancesByScope.json and
// stable/2022-04-01 GetDenyAssignmentByScope.json):
// - Jet is eligible for Azure Kubernetes Service RBAC Cluster Admin on aks-3 (permanently);
// - sre-oncall is eligible for Contributor on the subscription until 2031;
// - Penny's Contributor on rsg-aksIdentityState1 is a time-bound active assignment ending 2030-06-30;
// - a deny assignment on rsg-aksIdentityState2 denies everyone but aks-admins the admin credential
//   (listClusterAdminCredential and the legacy accessProfiles/listCredential).

export const SUB = "/subscriptions/1111aaaa-0000-4000-8000-000000000001";
export const AKS3 = `${SUB}/resourceGroups/rsg-aksIdentityState3/providers/Microsoft.ContainerService/managedClusters/aks-3`;
export const RG2 = `${SUB}/resourceGroups/rsg-aksIdentityState2`;
export const RG1 = `${SUB}/resourceGroups/rsg-aksIdentityState1`;
export const FAYE = "0000bbbb-0000-4000-8000-000000000001";
export const JET = "0000bbbb-0000-4000-8000-000000000002";
export const PENNY = "0000bbbb-0000-4000-8000-000000000004";
export const AKS_ADMINS = "0000bbbb-0000-4000-8000-000000000011";
export const SRE_ONCALL = "0000bbbb-0000-4000-8000-000000000012";
export const AKS_RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";
export const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
export const PENNY_RG1_ASSIGNMENT = `${RG1}/providers/Microsoft.Authorization/roleAssignments/0000ffff-0000-4000-8000-000000000009`;
export const TIME_BOUND_END = "2030-06-30T18:00:00Z";

const roleId = (guid: string) => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

export function withPimAndDeny(tenant: TenantFile, licensed = true): TenantFile {
  const copy = structuredClone(tenant);
  copy.licenses = { entraIdP2: licensed };
  copy.roleEligibilityScheduleInstances = [
    {
      id: `${AKS3}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/7a1f0c3e-0000-4000-8000-000000000001`,
      name: "7a1f0c3e-0000-4000-8000-000000000001",
      type: "Microsoft.Authorization/roleEligibilityScheduleInstances",
      properties: {
        scope: AKS3,
        roleDefinitionId: roleId(AKS_RBAC_CLUSTER_ADMIN),
        principalId: JET,
        principalType: "User",
        status: "Provisioned",
        startDateTime: "2025-01-06T09:00:00Z",
        endDateTime: null,
        memberType: "Direct",
      },
    },
    {
      id: `${SUB}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/7a1f0c3e-0000-4000-8000-000000000002`,
      name: "7a1f0c3e-0000-4000-8000-000000000002",
      type: "Microsoft.Authorization/roleEligibilityScheduleInstances",
      properties: {
        scope: SUB,
        roleDefinitionId: roleId(CONTRIBUTOR),
        principalId: SRE_ONCALL,
        principalType: "Group",
        status: "Provisioned",
        startDateTime: "2025-01-06T09:00:00Z",
        endDateTime: "2031-01-06T09:00:00Z",
        memberType: "Direct",
      },
    },
  ];
  copy.roleAssignmentScheduleInstances = [
    {
      id: `${RG1}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances/0000ffff-0000-4000-8000-000000000009`,
      name: "0000ffff-0000-4000-8000-000000000009",
      type: "Microsoft.Authorization/roleAssignmentScheduleInstances",
      properties: {
        scope: RG1,
        roleDefinitionId: roleId(CONTRIBUTOR),
        principalId: PENNY,
        principalType: "User",
        status: "Provisioned",
        startDateTime: "2025-06-30T18:00:00Z",
        endDateTime: TIME_BOUND_END,
        memberType: "Direct",
        assignmentType: "Assigned",
        originRoleAssignmentId: PENNY_RG1_ASSIGNMENT,
      },
    },
  ];
  copy.denyAssignments = [
    {
      id: `${RG2}/providers/Microsoft.Authorization/denyAssignments/5c0e2d1a-0000-4000-8000-000000000001`,
      name: "5c0e2d1a-0000-4000-8000-000000000001",
      type: "Microsoft.Authorization/denyAssignments",
      properties: {
        denyAssignmentName: "No static admin credentials on rsg-aksIdentityState2",
        description: "Deployment stack deny setting",
        permissions: [
          {
            actions: [
              "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
              "Microsoft.ContainerService/managedClusters/accessProfiles/listCredential/action",
            ],
            notActions: [],
            dataActions: [],
            notDataActions: [],
          },
        ],
        scope: RG2,
        doNotApplyToChildScopes: false,
        principals: [{ id: "00000000-0000-0000-0000-000000000000", type: "SystemDefined" }],
        excludePrincipals: [{ id: AKS_ADMINS, type: "Group" }],
        isSystemProtected: true,
      },
    },
  ];
  return copy;
}
