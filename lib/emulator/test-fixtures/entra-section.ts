import { DIRECTORY_ROLE_TEMPLATES } from "@/lib/model/directory";
import type { TenantFile } from "@/lib/model/wire/tenant-file";

// The small tenant's people with directory roles, PIM for Groups and owners, for tests of the
// Graph governance endpoints, the scanner's reads and the directory edges.
export const ENTRA_IDS = {
  faye: "0000bbbb-0000-4000-8000-000000000001",
  jet: "0000bbbb-0000-4000-8000-000000000002",
  leonard: "0000bbbb-0000-4000-8000-000000000003",
  penny: "0000bbbb-0000-4000-8000-000000000004",
  olga: "0000bbbb-0000-4000-8000-000000000005",
  aksAdmins: "0000bbbb-0000-4000-8000-000000000011",
  sreOncall: "0000bbbb-0000-4000-8000-000000000012",
  ciDeployer: "0000bbbb-0000-4000-8000-000000000021",
  ciDeployerAppId: "0000cccc-0000-4000-8000-000000000021",
  ciDeployerApplication: "0000dddd-0000-4000-8000-000000000021",
} as const;

export function withEntraSection(tenant: TenantFile, license: "P2" | "P1" | "Free" = "P2"): TenantFile {
  const ids = ENTRA_IDS;
  return {
    ...tenant,
    entra: {
      license,
      roleAssignments: [
        {
          principalId: ids.leonard,
          roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.globalAdministrator,
          directoryScopeId: "/",
        },
        {
          principalId: ids.olga,
          roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.groupsAdministrator,
          directoryScopeId: "/",
        },
      ],
      roleEligibilities: [
        {
          principalId: ids.penny,
          roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.applicationAdministrator,
          directoryScopeId: "/",
          endDateTime: null,
        },
      ],
      groupEligibilities: [
        {
          groupId: ids.aksAdmins,
          principalId: ids.jet,
          accessId: "member",
          endDateTime: "2030-01-01T00:00:00Z",
        },
        { groupId: ids.sreOncall, principalId: ids.leonard, accessId: "owner", endDateTime: null },
      ],
      applications: [
        { id: ids.ciDeployerApplication, appId: ids.ciDeployerAppId, displayName: "ci-deployer" },
      ],
      owners: [
        { objectId: ids.aksAdmins, ownerIds: [ids.faye] },
        { objectId: ids.ciDeployer, ownerIds: [ids.penny] },
        { objectId: ids.ciDeployerApplication, ownerIds: [ids.olga] },
      ],
    },
  };
}

/** A tenant file's service principal of an application (what `principals` lists for one). */
export function applicationPrincipal(
  id: string,
  displayName: string,
  appId: string,
): TenantFile["principals"][number] {
  return {
    id,
    type: "ServicePrincipal",
    displayName,
    appId,
    servicePrincipalType: "Application",
  } as TenantFile["principals"][number];
}
