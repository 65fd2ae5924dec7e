import type { PrincipalType, RoleDefinition } from "@/lib/model/azure";
import { builtInRoleDefinitions } from "@/lib/model/builtin-roles";
import type { Principal, PrincipalKind } from "@/lib/model/directory";
import { applyDirectoryGovernance, tenantHasEntraP2 } from "@/lib/model/directory-from-tenant-file";
import { managementGroupArmId, normalizeGuid } from "@/lib/model/ids";
import { effectiveKubernetesObjects } from "@/lib/model/kubernetes-defaults";
import { activationFromRules, activationKey, withActivation } from "@/lib/model/pim-activation";
import { AZURE_PIM_SOURCE, clusterSource, DIRECTORY_SOURCE, subscriptionSource } from "@/lib/model/sources";
import { emptyTenantModel, type TenantModel } from "@/lib/model/tenant-model";
import { MANAGED_CLUSTER_TYPE, USER_ASSIGNED_IDENTITY_TYPE, type WireResource } from "@/lib/model/wire/azure";
import { effectiveRoleSettings } from "@/lib/model/wire/role-management-policies";
import { findClusterData, type TenantFile } from "@/lib/model/wire/tenant-file";
import {
  clusterFromWire,
  denyAssignmentFromWire,
  federatedCredentialFromWire,
  managedIdentityFromWire,
  managementGroupFromTree,
  roleAssignmentFromWire,
  roleAssignmentScheduleFromWire,
  roleDefinitionFromWire,
  roleEligibilityFromWire,
  subscriptionFromWire,
} from "@/lib/model/wire-azure";
import { groupMembershipsFromDirect, principalFromDirectoryObject } from "@/lib/model/wire-directory";
import { clusterKubernetesFromObjects } from "@/lib/model/wire-kubernetes";

// The offline import and the fixture path: a tenant file → the same model a scan produces.
// Everything the emulator would serve is applied here too (built-in roles, Kubernetes defaults), so a
// scan through the emulator and this function agree on one file.

function isType(resource: WireResource, type: string): boolean {
  return resource.type.toLowerCase() === type.toLowerCase();
}

const KIND_OF_PRINCIPAL_TYPE: Partial<Record<PrincipalType, PrincipalKind>> = {
  User: "User",
  Group: "Group",
  ForeignGroup: "Group",
  ServicePrincipal: "ServicePrincipal",
};

export function modelFromTenantFile(tenant: TenantFile): TenantModel {
  const model = emptyTenantModel(normalizeGuid(tenant.tenantId));

  // Directory
  model.principals = tenant.principals.flatMap((principal) => principalFromDirectoryObject(principal) ?? []);
  model.groupMemberships = groupMembershipsFromDirect(
    tenant.principals.flatMap((principal) =>
      principal.type === "Group" ? [{ groupId: principal.id, directMemberIds: principal.members }] : [],
    ),
  );
  model.coverage[DIRECTORY_SOURCE] = { status: "complete" };
  applyDirectoryGovernance(model, tenant);

  // Management groups and subscriptions
  model.managementGroups = tenant.managementGroups.map(managementGroupFromTree);
  const managementGroupOf = new Map<string, string>();
  for (const group of tenant.managementGroups) {
    for (const subscriptionId of group.subscriptions) {
      managementGroupOf.set(normalizeGuid(subscriptionId), managementGroupArmId(group.name));
    }
  }

  // Role definitions: built-in roles first, then the file's custom roles (which win on a GUID clash).
  const definitions = new Map<string, RoleDefinition>();
  for (const wire of [...builtInRoleDefinitions(), ...tenant.roleDefinitions]) {
    const definition = roleDefinitionFromWire(wire);
    definitions.set(definition.guid, definition);
  }
  model.roleDefinitions = [...definitions.values()];
  model.roleAssignments = tenant.roleAssignments.map(roleAssignmentFromWire);
  model.denyAssignments = tenant.denyAssignments.map(denyAssignmentFromWire);
  // PIM, as a scan reads it: nothing but the licence error without Entra ID P2, and of the active
  // instances only the time-bound ones (the rest repeat the role assignments).
  if (tenantHasEntraP2(tenant)) {
    // With each eligibility's activation settings: its role's policy at its scope, as a scan reads them.
    const settings = new Map(
      [...effectiveRoleSettings(tenant).values()].map(({ assignment, policy }) => [
        activationKey(assignment.properties.scope, assignment.properties.roleDefinitionId),
        activationFromRules(policy.properties.rules, policy.id),
      ]),
    );
    model.roleEligibilities = withActivation(
      tenant.roleEligibilityScheduleInstances.map(roleEligibilityFromWire),
      settings,
    );
    model.roleAssignmentSchedules = tenant.roleAssignmentScheduleInstances
      .map(roleAssignmentScheduleFromWire)
      .filter((schedule) => schedule.endDateTime !== null);
    model.coverage[AZURE_PIM_SOURCE] = { status: "complete" };
  } else {
    model.coverage[AZURE_PIM_SOURCE] = {
      status: "partial",
      reason: "not read: AadPremiumLicenseRequired (the tenant has no Microsoft Entra ID P2 licence)",
    };
  }

  for (const subscription of tenant.subscriptions) {
    const subscriptionModel = subscriptionFromWire(
      { ...subscription, tenantId: tenant.tenantId },
      managementGroupOf.get(normalizeGuid(subscription.subscriptionId)) ?? null,
    );
    model.subscriptions.push(subscriptionModel);
    model.coverage[subscriptionSource(subscriptionModel.subscriptionId)] = { status: "complete" };

    for (const resource of subscription.resources) {
      if (isType(resource, USER_ASSIGNED_IDENTITY_TYPE)) {
        const identity = managedIdentityFromWire(resource);
        model.identities.push(identity);
        const credentials = (resource as { federatedIdentityCredentials?: unknown[] })
          .federatedIdentityCredentials;
        for (const credential of credentials ?? []) {
          model.federatedCredentials.push(federatedCredentialFromWire(credential, identity.id));
        }
      } else if (isType(resource, MANAGED_CLUSTER_TYPE)) {
        const cluster = clusterFromWire(resource);
        model.clusters.push(cluster);
        const data = findClusterData(tenant, resource.id);
        if (data?.reachable === false) {
          model.coverage[clusterSource(cluster.id)] = {
            status: "not-read",
            reason: "the cluster's API server cannot be reached",
          };
          continue;
        }
        model.kubernetes[cluster.id] = clusterKubernetesFromObjects(
          cluster.id,
          effectiveKubernetesObjects(resource, data),
        );
        model.coverage[clusterSource(cluster.id)] = { status: "complete" };
      }
    }
  }

  addUnresolvedPrincipals(model);
  return model;
}

/** Managed identities sign in as service principals; name them after the identity resource. */
function managedIdentityNames(model: TenantModel): Map<string, string> {
  const names = new Map<string, string>();
  const nameOf = (resourceId: string | null, fallback: string) => resourceId?.split("/").pop() ?? fallback;
  for (const identity of model.identities) names.set(identity.principalId, identity.name);
  for (const cluster of model.clusters) {
    if (cluster.kubeletIdentity?.objectId) {
      names.set(
        cluster.kubeletIdentity.objectId,
        nameOf(cluster.kubeletIdentity.resourceId, `${cluster.name}-agentpool`),
      );
    }
    for (const addon of cluster.addons) {
      if (addon.identity?.objectId)
        names.set(
          addon.identity.objectId,
          nameOf(addon.identity.resourceId, `${addon.name}-${cluster.name}`),
        );
    }
    const controlPlane = cluster.controlPlaneIdentity;
    if (controlPlane.principalId && !names.has(controlPlane.principalId)) {
      names.set(controlPlane.principalId, nameOf(controlPlane.resourceId, cluster.name));
    }
  }
  return names;
}

/**
 * Assignments name principals the file may not list: managed identities (Graph knows them as
 * service principals of type ManagedIdentity) and principals deleted from the directory (a scan
 * learns that from a Graph 404). Both are added so a scan and this path give one model.
 */
function addUnresolvedPrincipals(model: TenantModel): void {
  const known = new Set(model.principals.map((principal) => principal.id));
  const identityNames = managedIdentityNames(model);
  for (const assignment of model.roleAssignments) {
    if (known.has(assignment.principalId)) continue;
    known.add(assignment.principalId);
    const identityName = identityNames.get(assignment.principalId);
    const principal: Principal =
      identityName !== undefined
        ? { id: assignment.principalId, kind: "ManagedIdentity", displayName: identityName }
        : {
            id: assignment.principalId,
            kind: KIND_OF_PRINCIPAL_TYPE[assignment.principalType] ?? "ServicePrincipal",
            displayName: assignment.principalId,
            deleted: true,
          };
    model.principals.push(principal);
  }
}
