import {
  ADMINISTRATIVE_UNITS_SOURCE,
  APPLICATION_CREDENTIALS_SOURCE,
  administrativeUnitOfScope,
  applicationCredentialKey,
  DIRECTORY_ROLE_NAMES,
  type DirectoryOwnership,
  MICROSOFT_GRAPH_APP_ID,
  PIM_SOURCE,
} from "@/lib/model/directory";
import { normalizeGuid } from "@/lib/model/ids";
import type { TenantModel } from "@/lib/model/tenant-model";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { applicationCredentialsAsGraph, appRoleAssignmentId } from "@/lib/model/wire/tenant-file-entra";
import { tenantHasEntraP2 } from "@/lib/model/wire/tenant-file-licences";
import {
  applicationFederatedCredentialFromWire,
  graphAppRoleAssignmentFromWire,
} from "@/lib/model/wire-directory";

// The tenant file's `entra` section → the model, as a scan through the emulator reads it: PIM
// eligibility only with Entra ID P2 (else the PIM source is not read, with Graph's licensing error).

/** Whether the tenant has Entra ID P2, by either spelling (lib/model/wire/tenant-file-licences.ts). */
export { tenantHasEntraP2 };

export function applyDirectoryGovernance(model: TenantModel, tenant: TenantFile): void {
  const entra = tenant.entra;
  const licensed = tenantHasEntraP2(tenant);
  model.coverage[PIM_SOURCE] = licensed
    ? { status: "complete" }
    : {
        status: "not-read",
        reason: "AadPremiumLicenseRequired: The tenant needs an AAD Premium 2 license.",
      };
  // A file that lists administrative units lists them all (one it does not list does not exist); a file
  // without the list (an offline collector's) leaves the units its directory roles are scoped to unknown.
  model.coverage[ADMINISTRATIVE_UNITS_SOURCE] = { status: "complete" };
  model.coverage[APPLICATION_CREDENTIALS_SOURCE] = { status: "complete" };
  if (!entra) {
    model.applicationFederatedCredentials = [];
    model.graphAppRoleAssignments = [];
    model.administrativeUnits = [];
    model.directoryRoleAssignments = [];
    model.groupEligibilities = [];
    model.directoryOwners = [];
    return;
  }
  const roles = [
    ...entra.roleAssignments.map((entry) => ({
      ...entry,
      eligible: false,
      endDateTime: null as string | null,
    })),
    ...(licensed ? entra.roleEligibilities.map((entry) => ({ ...entry, eligible: true })) : []),
  ];
  model.directoryRoleAssignments = roles
    .filter((entry) => DIRECTORY_ROLE_NAMES[entry.roleDefinitionId.toLowerCase()])
    .map((entry) => {
      const roleDefinitionId = normalizeGuid(entry.roleDefinitionId);
      return {
        id: entry.id ?? `${roleDefinitionId}|${normalizeGuid(entry.principalId)}|${entry.directoryScopeId}`,
        principalId: normalizeGuid(entry.principalId),
        roleDefinitionId,
        roleName: DIRECTORY_ROLE_NAMES[roleDefinitionId] ?? roleDefinitionId,
        directoryScopeId: entry.directoryScopeId,
        eligible: entry.eligible,
        endDateTime: entry.endDateTime ?? null,
      };
    });
  model.groupEligibilities = licensed
    ? entra.groupEligibilities.map((entry) => ({
        id:
          entry.id ?? `${normalizeGuid(entry.groupId)}_${entry.accessId}_${normalizeGuid(entry.principalId)}`,
        groupId: normalizeGuid(entry.groupId),
        principalId: normalizeGuid(entry.principalId),
        accessId: entry.accessId,
        endDateTime: entry.endDateTime,
      }))
    : [];
  const principals = new Map(tenant.principals.map((principal) => [principal.id.toLowerCase(), principal]));
  const applications = new Map(
    entra.applications.map((application) => [application.id.toLowerCase(), application]),
  );
  // Every application, owners or not (a directory role scoped to the application object is found
  // through it, as the scanner keeps it: lib/azure/directory-governance-reader.ts).
  const ownersOf = new Map(entra.owners.map((entry) => [normalizeGuid(entry.objectId), entry.ownerIds]));
  const applicationOwnerships = [...applications.values()].map(
    (application): DirectoryOwnership => ({
      objectId: normalizeGuid(application.id),
      objectKind: "Application",
      appId: normalizeGuid(application.appId),
      displayName: application.displayName,
      ownerIds: [...new Set((ownersOf.get(normalizeGuid(application.id)) ?? []).map(normalizeGuid))].sort(),
    }),
  );
  // Microsoft Graph's application permissions, as the scanner keeps them: granted on Microsoft Graph's
  // service principal, the ones that lead somewhere, through the same conversion.
  const graphServicePrincipal = tenant.principals.find(
    (principal) =>
      principal.type === "ServicePrincipal" && principal.appId?.toLowerCase() === MICROSOFT_GRAPH_APP_ID,
  );
  model.graphAppRoleAssignments = (entra.appRoleAssignments ?? [])
    .filter((assignment) => assignment.resourceId.toLowerCase() === graphServicePrincipal?.id.toLowerCase())
    .flatMap((assignment) => {
      const converted = graphAppRoleAssignmentFromWire({
        ...assignment,
        id: appRoleAssignmentId(assignment),
      });
      return converted ? [converted] : [];
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  // Read as the scanner reads them: Graph v1.0's list, through the same conversion.
  model.applicationFederatedCredentials = [...applications.values()]
    .flatMap((application) =>
      applicationCredentialsAsGraph(application).map((object) =>
        applicationFederatedCredentialFromWire(application, object),
      ),
    )
    .sort((a, b) => applicationCredentialKey(a).localeCompare(applicationCredentialKey(b)));
  model.directoryOwners = [
    ...applicationOwnerships,
    ...entra.owners.flatMap((entry): DirectoryOwnership[] => {
      const objectId = normalizeGuid(entry.objectId);
      const ownerIds = [...new Set(entry.ownerIds.map(normalizeGuid))].sort();
      if (applications.has(objectId)) return [];
      const principal = principals.get(objectId);
      if (principal?.type === "Group")
        return [{ objectId, objectKind: "Group", displayName: principal.displayName, ownerIds }];
      if (principal?.type === "ServicePrincipal")
        return [
          {
            objectId,
            objectKind: "ServicePrincipal",
            ...(principal.appId ? { appId: normalizeGuid(principal.appId) } : {}),
            displayName: principal.displayName,
            ownerIds,
          },
        ];
      return [];
    }),
  ];
  // The units that change an edge, as the scanner keeps them (lib/azure/directory-governance-reader.ts):
  // restricted management units and units a directory role it read is scoped to. Entra sections built
  // in code (test fixtures) may leave the list out.
  const scopedUnits = new Set(
    model.directoryRoleAssignments.flatMap((role) => {
      const unitId = administrativeUnitOfScope(role.directoryScopeId);
      return unitId === null ? [] : [normalizeGuid(unitId)];
    }),
  );
  if (entra.administrativeUnits === undefined && scopedUnits.size > 0)
    model.coverage[ADMINISTRATIVE_UNITS_SOURCE] = {
      status: "not-read",
      reason:
        "the tenant file has directory roles scoped to administrative units but no entra.administrativeUnits",
    };
  model.administrativeUnits = (entra.administrativeUnits ?? [])
    .filter((unit) => unit.isMemberManagementRestricted || scopedUnits.has(normalizeGuid(unit.id)))
    .map((unit) => ({
      id: normalizeGuid(unit.id),
      displayName: unit.displayName,
      // Users and groups only (devices are not principals): as the scanner keeps them.
      memberIds: [...new Set(unit.members.map(normalizeGuid))].filter((id) => principals.has(id)).sort(),
      ...(unit.isMemberManagementRestricted ? { isMemberManagementRestricted: true as const } : {}),
      ...(unit.membershipType ? { membershipType: unit.membershipType } : {}),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
