import { ENTRA_IDS, withEntraSection } from "@/lib/emulator/test-fixtures/entra-section";
import { DIRECTORY_ROLE_TEMPLATES } from "@/lib/model/directory";
import type { TenantFile } from "@/lib/model/wire/tenant-file";

// The small tenant's entra section with three administrative units, for tests of the Graph
// administrative-unit endpoints, the scanner's reads and the tenant file's checks. Platform holds
// aks-1's admin group, and Faye is Groups Administrator at its scope only; Executives is restricted;
// Contractors (dynamic) is Leonard's as Helpdesk Administrator; Sandbox matters to no edge.
export const UNIT_IDS = {
  platform: "0000eeee-0000-4000-8000-0000000000a1",
  executives: "0000eeee-0000-4000-8000-0000000000a2",
  contractors: "0000eeee-0000-4000-8000-0000000000a3",
  sandbox: "0000eeee-0000-4000-8000-0000000000a4",
} as const;

export function withAdministrativeUnits(tenant: TenantFile): TenantFile {
  const ids = ENTRA_IDS;
  const withEntra = withEntraSection(tenant);
  const entra = withEntra.entra as NonNullable<TenantFile["entra"]>;
  return {
    ...withEntra,
    entra: {
      ...entra,
      roleAssignments: [
        ...entra.roleAssignments,
        {
          principalId: ids.faye,
          roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.groupsAdministrator,
          directoryScopeId: `/administrativeUnits/${UNIT_IDS.platform}`,
        },
        {
          principalId: ids.leonard,
          roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.helpdeskAdministrator,
          directoryScopeId: `/administrativeUnits/${UNIT_IDS.contractors}`,
        },
      ],
      administrativeUnits: [
        {
          id: UNIT_IDS.platform,
          displayName: "Platform",
          members: [ids.aksAdmins, ids.olga],
          isMemberManagementRestricted: false,
        },
        {
          id: UNIT_IDS.executives,
          displayName: "Executives",
          members: [ids.jet],
          isMemberManagementRestricted: true,
        },
        {
          id: UNIT_IDS.contractors,
          displayName: "Contractors",
          description: "Everyone whose department is Contracting",
          members: [ids.penny],
          isMemberManagementRestricted: false,
          membershipType: "Dynamic",
          membershipRule: '(user.department -eq "Contracting")',
        },
        {
          id: UNIT_IDS.sandbox,
          displayName: "Sandbox",
          members: [ids.leonard],
          isMemberManagementRestricted: false,
        },
      ],
    },
  };
}
