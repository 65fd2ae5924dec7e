import { guidFromText, shortHash } from "@/lib/emulator/ids";
import {
  managementGroupNameOf,
  managementGroupScope,
  normalizeScope,
  resourceGroupOfScope,
  subscriptionOfScope,
  subscriptionScopeChain,
} from "@/lib/emulator/scopes";
import { builtInRoleDefinitions } from "@/lib/model/builtin-roles";
import {
  MANAGED_CLUSTER_TYPE,
  type ManagementGroup,
  type TenantPrincipal,
  type TenantSubscription,
  USER_ASSIGNED_IDENTITY_TYPE,
  type WireResource,
  type WireRoleAssignment,
  type WireRoleDefinition,
} from "@/lib/model/wire/azure";
import type { TenantClusterData, TenantFile } from "@/lib/model/wire/tenant-file";

export type DirectoryKind = "User" | "Group" | "ServicePrincipal";

export type DirectoryEntry = {
  id: string;
  kind: DirectoryKind;
  displayName: string;
  userPrincipalName?: string;
  appId?: string;
  servicePrincipalType?: string;
  /** Direct members (lower-cased ids); groups only. */
  members: string[];
  /** The object as Microsoft Graph returns it, without `@odata.type`. */
  graph: Record<string, unknown>;
  /** Not in the tenant file: the scanner, or the service principal Azure creates for a managed identity. */
  synthetic: boolean;
};

export type IndexedResource = {
  resource: WireResource;
  idLower: string;
  typeLower: string;
  subscriptionId: string;
  /** As spelled in the resource id. */
  resourceGroup: string;
};

export type ResourceGroupEntry = {
  subscriptionId: string;
  name: string;
  location: string;
  managedBy?: string;
};

export type ClusterEntry = {
  id: string;
  idLower: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  resource: WireResource;
  /** Path segment of this cluster's emulated API server: /k8s/<key>/ */
  key: string;
  data: TenantClusterData | undefined;
  managedAad: boolean;
  /** The pre-2020 AAD integration with customer-provided server and client apps. */
  legacyAad: boolean;
  azureRbac: boolean;
  localAccountsDisabled: boolean;
  serverAppId?: string;
};

export type IndexedRoleAssignment = {
  assignment: WireRoleAssignment;
  scopeLower: string;
  principalLower: string;
  roleGuid: string;
};

export type TenantExtras = {
  principals?: TenantPrincipal[];
  roleDefinitions?: WireRoleDefinition[];
  roleAssignments?: WireRoleAssignment[];
};

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function lastSegment(id: string): string {
  return id.split("/").filter(Boolean).at(-1) ?? id;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The tenant, indexed once at start: maps by id, scope, principal and cluster so that every request
 * is a few lookups, never a scan or a copy of the tenant (a generated tenant has 100,000s of objects).
 */
export class TenantIndex {
  readonly tenantId: string;
  readonly directory = new Map<string, DirectoryEntry>();
  readonly subscriptions = new Map<string, TenantSubscription>();
  readonly managementGroups = new Map<string, ManagementGroup>();
  readonly rootManagementGroup: string | undefined;
  readonly resources = new Map<string, IndexedResource>();
  readonly resourcesByType = new Map<string, IndexedResource[]>();
  readonly resourceGroups = new Map<string, ResourceGroupEntry>();
  readonly clusters = new Map<string, ClusterEntry>();
  readonly clustersByKey = new Map<string, ClusterEntry>();
  readonly roleDefinitions = new Map<string, WireRoleDefinition>();
  readonly roleAssignments: IndexedRoleAssignment[] = [];
  readonly roleAssignmentsByScope = new Map<string, IndexedRoleAssignment[]>();
  readonly roleAssignmentsByPrincipal = new Map<string, IndexedRoleAssignment[]>();
  readonly roleAssignmentsBySubscription = new Map<string, IndexedRoleAssignment[]>();
  readonly roleAssignmentsById = new Map<string, IndexedRoleAssignment>();

  private readonly memberOf = new Map<string, string[]>();
  private readonly subscriptionParent = new Map<string, string>();
  private readonly transitiveGroupsMemo = new Map<string, string[]>();
  private readonly principalsByClientId = new Map<string, string>();
  private readonly clusterDataById = new Map<string, TenantClusterData>();

  constructor(
    readonly tenant: TenantFile,
    extras: TenantExtras = {},
  ) {
    this.tenantId = tenant.tenantId;
    for (const principal of [...tenant.principals, ...(extras.principals ?? [])]) {
      this.addPrincipal(principal, extras.principals?.includes(principal) ?? false);
    }
    for (const group of tenant.managementGroups) {
      this.managementGroups.set(group.name.toLowerCase(), group);
      for (const subscriptionId of group.subscriptions) {
        this.subscriptionParent.set(subscriptionId.toLowerCase(), group.name.toLowerCase());
      }
    }
    this.rootManagementGroup = tenant.managementGroups.find((group) => !group.parent)?.name;
    for (const [clusterId, data] of Object.entries(tenant.clusters)) {
      this.clusterDataById.set(normalizeScope(clusterId), data);
    }
    for (const subscription of tenant.subscriptions) {
      this.subscriptions.set(subscription.subscriptionId.toLowerCase(), subscription);
      for (const resource of subscription.resources) this.addResource(subscription, resource);
    }
    for (const definition of builtInRoleDefinitions())
      this.roleDefinitions.set(definition.name.toLowerCase(), definition);
    for (const definition of [...tenant.roleDefinitions, ...(extras.roleDefinitions ?? [])]) {
      this.roleDefinitions.set(definition.name.toLowerCase(), definition);
    }
    for (const assignment of [...tenant.roleAssignments, ...(extras.roleAssignments ?? [])]) {
      this.addRoleAssignment(assignment);
    }
    this.addManagedIdentityPrincipals();
  }

  // ---------------------------------------------------------------------------------------------
  // Directory

  private addPrincipal(principal: TenantPrincipal, synthetic: boolean): void {
    const { type, members, ...graphFields } = principal as TenantPrincipal & { members?: string[] };
    const entry: DirectoryEntry = {
      id: principal.id,
      kind: type,
      displayName: principal.displayName,
      userPrincipalName: asString((principal as Record<string, unknown>).userPrincipalName),
      appId: asString((principal as Record<string, unknown>).appId),
      servicePrincipalType: asString((principal as Record<string, unknown>).servicePrincipalType),
      members: (members ?? []).map((member) => member.toLowerCase()),
      graph: graphFields,
      synthetic,
    };
    this.directory.set(principal.id.toLowerCase(), entry);
    if (entry.appId) this.principalsByClientId.set(entry.appId.toLowerCase(), principal.id.toLowerCase());
    for (const member of entry.members) pushTo(this.memberOf, member, principal.id.toLowerCase());
  }

  /**
   * Azure creates a service principal for every managed identity (user-assigned, a cluster's
   * system-assigned identity, kubelet and add-on identities). Files often list only some of them,
   * so the rest are added as Graph would show them. A principal deliberately missing from the
   * directory is modelled with the `deleted-principal` fault or by an assignment to an unknown id.
   */
  private addManagedIdentityPrincipals(): void {
    const add = (
      objectId: string | undefined,
      clientId: string | undefined,
      name: string,
      resourceId: string,
    ) => {
      if (!objectId || this.directory.has(objectId.toLowerCase())) return;
      const appId = clientId ?? guidFromText(`managed-identity-app:${objectId.toLowerCase()}`);
      this.directory.set(objectId.toLowerCase(), {
        id: objectId,
        kind: "ServicePrincipal",
        displayName: name,
        appId,
        servicePrincipalType: "ManagedIdentity",
        members: [],
        graph: {
          id: objectId,
          appId,
          displayName: name,
          servicePrincipalType: "ManagedIdentity",
          alternativeNames: [
            `isExplicit=${resourceId.toLowerCase().includes("/userassignedidentities/")}`,
            resourceId,
          ],
          accountEnabled: true,
        },
        synthetic: true,
      });
      this.principalsByClientId.set(appId.toLowerCase(), objectId.toLowerCase());
    };
    for (const identity of this.resourcesByType.get(USER_ASSIGNED_IDENTITY_TYPE.toLowerCase()) ?? []) {
      const properties = asRecord(identity.resource.properties);
      add(
        asString(properties?.principalId),
        asString(properties?.clientId),
        identity.resource.name,
        identity.resource.id,
      );
    }
    for (const cluster of this.clusters.values()) {
      const resource = cluster.resource as Record<string, unknown>;
      const identity = asRecord(resource.identity);
      if (identity?.type === "SystemAssigned") {
        add(asString(identity.principalId), undefined, cluster.name, cluster.id);
      }
      for (const [resourceId, value] of Object.entries(asRecord(identity?.userAssignedIdentities) ?? {})) {
        const reference = asRecord(value);
        add(
          asString(reference?.principalId),
          asString(reference?.clientId),
          lastSegment(resourceId),
          resourceId,
        );
      }
      const properties = asRecord(cluster.resource.properties);
      const kubelet = asRecord(asRecord(properties?.identityProfile)?.kubeletidentity);
      const kubeletId = asString(kubelet?.resourceId) ?? `${cluster.id}-agentpool`;
      add(asString(kubelet?.objectId), asString(kubelet?.clientId), lastSegment(kubeletId), kubeletId);
      for (const [addonName, addon] of Object.entries(asRecord(properties?.addonProfiles) ?? {})) {
        const addonIdentity = asRecord(asRecord(addon)?.identity);
        const resourceId = asString(addonIdentity?.resourceId) ?? `${addonName}-${cluster.name}`;
        add(
          asString(addonIdentity?.objectId),
          asString(addonIdentity?.clientId),
          lastSegment(resourceId),
          resourceId,
        );
      }
    }
  }

  principalByClientId(clientId: string): DirectoryEntry | undefined {
    const objectId = this.principalsByClientId.get(clientId.toLowerCase());
    return objectId ? this.directory.get(objectId) : undefined;
  }

  /** Groups the principal belongs to, directly or through nesting (lower-cased ids, no duplicates). */
  transitiveGroupsOf(principalId: string): string[] {
    const start = principalId.toLowerCase();
    const memo = this.transitiveGroupsMemo.get(start);
    if (memo) return memo;
    const seen = new Set<string>();
    const queue = [...(this.memberOf.get(start) ?? [])];
    while (queue.length > 0) {
      const group = queue.shift() as string;
      if (seen.has(group) || group === start) continue;
      seen.add(group);
      queue.push(...(this.memberOf.get(group) ?? []));
    }
    const groups = [...seen];
    this.transitiveGroupsMemo.set(start, groups);
    return groups;
  }

  /** Members of a group through nesting, breadth first (users, service principals and the nested groups themselves). */
  transitiveMembersOf(groupId: string): string[] {
    const start = groupId.toLowerCase();
    const seen = new Set<string>([start]);
    const ordered: string[] = [];
    const queue = [...(this.directory.get(start)?.members ?? [])];
    while (queue.length > 0) {
      const member = queue.shift() as string;
      if (seen.has(member)) continue;
      seen.add(member);
      ordered.push(member);
      queue.push(...(this.directory.get(member)?.members ?? []));
    }
    return ordered;
  }

  // ---------------------------------------------------------------------------------------------
  // ARM resources

  private addResource(subscription: TenantSubscription, resource: WireResource): void {
    const idLower = normalizeScope(resource.id);
    const typeLower = resource.type.toLowerCase();
    const resourceGroup = /\/resourcegroups\/([^/]+)/i.exec(resource.id)?.[1] ?? "";
    const indexed: IndexedResource = {
      resource,
      idLower,
      typeLower,
      subscriptionId: subscription.subscriptionId,
      resourceGroup,
    };
    this.resources.set(idLower, indexed);
    pushTo(this.resourcesByType, typeLower, indexed);
    if (resourceGroup) this.noteResourceGroup(subscription.subscriptionId, resourceGroup, resource.location);
    if (typeLower === MANAGED_CLUSTER_TYPE.toLowerCase()) this.addCluster(indexed);
  }

  private noteResourceGroup(
    subscriptionId: string,
    name: string,
    location?: string,
    managedBy?: string,
  ): void {
    const key = `/subscriptions/${subscriptionId.toLowerCase()}/resourcegroups/${name.toLowerCase()}`;
    if (this.resourceGroups.has(key)) return;
    this.resourceGroups.set(key, {
      subscriptionId,
      name,
      location: location ?? "westeurope",
      ...(managedBy ? { managedBy } : {}),
    });
  }

  private addCluster(indexed: IndexedResource): void {
    const { resource } = indexed;
    const properties = asRecord(resource.properties) ?? {};
    const aad = asRecord(properties.aadProfile);
    const managedAad = aad?.managed === true;
    const data = this.clusterDataById.get(indexed.idLower);
    const key = `${resource.name.toLowerCase().replace(/[^a-z0-9-]/g, "-")}-${shortHash(indexed.idLower)}`;
    const entry: ClusterEntry = {
      id: resource.id,
      idLower: indexed.idLower,
      name: resource.name,
      subscriptionId: indexed.subscriptionId,
      resourceGroup: indexed.resourceGroup,
      resource,
      key,
      data,
      managedAad,
      legacyAad: aad !== undefined && !managedAad,
      azureRbac: managedAad && aad?.enableAzureRBAC === true,
      localAccountsDisabled: properties.disableLocalAccounts === true,
      serverAppId: asString(aad?.serverAppID),
    };
    this.clusters.set(indexed.idLower, entry);
    this.clustersByKey.set(key, entry);
    const nodeResourceGroup = asString(properties.nodeResourceGroup);
    if (nodeResourceGroup) {
      this.noteResourceGroup(indexed.subscriptionId, nodeResourceGroup, resource.location, resource.id);
    }
  }

  /** A cluster by resource id, emulator key or (when unambiguous) name. */
  findCluster(reference: string): ClusterEntry | undefined {
    const byId = this.clusters.get(normalizeScope(reference));
    if (byId) return byId;
    const byKey = this.clustersByKey.get(reference.toLowerCase());
    if (byKey) return byKey;
    const byName = [...this.clusters.values()].filter(
      (cluster) => cluster.name.toLowerCase() === reference.toLowerCase(),
    );
    return byName.length === 1 ? byName[0] : undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Authorization data

  private addRoleAssignment(assignment: WireRoleAssignment): void {
    const indexed: IndexedRoleAssignment = {
      assignment,
      scopeLower: normalizeScope(assignment.properties.scope),
      principalLower: assignment.properties.principalId.toLowerCase(),
      roleGuid: lastSegment(assignment.properties.roleDefinitionId).toLowerCase(),
    };
    this.roleAssignments.push(indexed);
    this.roleAssignmentsById.set(normalizeScope(assignment.id), indexed);
    pushTo(this.roleAssignmentsByScope, indexed.scopeLower, indexed);
    pushTo(this.roleAssignmentsByPrincipal, indexed.principalLower, indexed);
    const subscriptionId = subscriptionOfScope(indexed.scopeLower);
    if (subscriptionId) pushTo(this.roleAssignmentsBySubscription, subscriptionId, indexed);
    const resourceGroup = resourceGroupOfScope(assignment.properties.scope);
    const spelledGroup = /\/resourcegroups\/([^/]+)/i.exec(assignment.properties.scope)?.[1];
    if (subscriptionId && resourceGroup && spelledGroup && this.subscriptions.has(subscriptionId)) {
      this.noteResourceGroup(
        this.subscriptions.get(subscriptionId)?.subscriptionId ?? subscriptionId,
        spelledGroup,
      );
    }
  }

  /** Management groups above a subscription, innermost first, as scopes. */
  managementGroupChainOfSubscription(subscriptionId: string): string[] {
    const chain: string[] = [];
    let current = this.subscriptionParent.get(subscriptionId.toLowerCase());
    const seen = new Set<string>();
    while (current && !seen.has(current)) {
      seen.add(current);
      chain.push(managementGroupScope(current));
      current = this.managementGroups.get(current)?.parent?.toLowerCase() ?? undefined;
    }
    return chain;
  }

  private managementGroupChain(name: string): string[] {
    const chain: string[] = [];
    let current: string | undefined = name.toLowerCase();
    const seen = new Set<string>();
    while (current && !seen.has(current)) {
      seen.add(current);
      chain.push(managementGroupScope(current));
      current = this.managementGroups.get(current)?.parent?.toLowerCase() ?? undefined;
    }
    return chain;
  }

  /** Every scope whose role assignments apply at `scope` (itself and all ancestors up to "/"), innermost first. */
  scopeAncestors(scope: string): string[] {
    const normalized = normalizeScope(scope);
    if (normalized === "/") return ["/"];
    const managementGroup = managementGroupNameOf(normalized);
    if (managementGroup) return [...this.managementGroupChain(managementGroup), "/"];
    const subscriptionId = subscriptionOfScope(normalized);
    if (!subscriptionId) return [normalized, "/"];
    return [
      ...subscriptionScopeChain(normalized),
      ...this.managementGroupChainOfSubscription(subscriptionId),
      "/",
    ];
  }

  /** Scopes strictly below a management group: its child groups and their subscriptions. */
  isUnderManagementGroup(scope: string, managementGroup: string): boolean {
    return this.scopeAncestors(scope).includes(managementGroupScope(managementGroup));
  }
}
