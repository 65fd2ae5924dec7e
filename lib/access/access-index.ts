import {
  AKS_ACTIONS,
  type GrantedNodeCodeExecution,
  grantingPattern,
  kubernetesDataActions,
  NODE_CODE_EXECUTION_ACTIONS,
} from "@/lib/access/azure-permissions";
import {
  buildDenyIndex,
  type DeniedPermissions,
  type DenyIndex,
  isDenied,
} from "@/lib/access/deny-assignments";
import { type Can, type ScopeFacts, scopeFacts } from "@/lib/access/levels";
import type { AccessPrincipal, PathStep } from "@/lib/access/types";
import type {
  Cluster,
  ManagedIdentity,
  RoleAssignment,
  RoleDefinition,
  RoleEligibilityActivation,
} from "@/lib/model/azure";
import { findBuiltInRole } from "@/lib/model/builtin-roles";
import type { Principal } from "@/lib/model/directory";
import { managementGroupArmId, normalizeArmId, parseArmId } from "@/lib/model/ids";
import type { TenantModel } from "@/lib/model/tenant-model";
import { roleDefinitionFromWire } from "@/lib/model/wire-azure";

// Everything evaluating one cluster needs, precomputed once per tenant so that evaluating every
// cluster is linear in assignments + bindings + output, not clusters × assignments.

/** What a role definition can do to an AKS cluster, computed once per role. */
export type AzureRoleFacts = {
  /** the pattern granting each control-plane action, null when not granted */
  adminCredential: string | null;
  /** listClusterAdminCredential, or the legacy accessProfiles/listCredential when only that is granted */
  adminCredentialAction: string;
  userCredential: string | null;
  clusterWrite: string | null;
  runCommand: string | null;
  assignIdentity: string | null;
  /** the node-code-execution actions granted (NODE_CODE_EXECUTION_ACTIONS order, each with its pattern) */
  nodeCodeExecution: readonly GrantedNodeCodeExecution[];
  /** Kubernetes access through Azure RBAC data actions; null when the role has no data actions */
  dataCluster: ScopeFacts | null;
  dataNamespace: ScopeFacts | null;
  /** what the data actions allow, request by request (denies taken out); null when the role has none */
  dataCan: Can | null;
};

/** A principal reached from an assignee or subject: itself, or a member through a group (`via` = group id). */
export type Reached = { principal: AccessPrincipal; prefix: PathStep[]; via: string };

export type NamespaceAssignment = { namespace: string; assignment: RoleAssignment };

export type AccessIndex = {
  model: TenantModel;
  /**
   * Bytes the attack-path searches' edge caches may hold (attack-edges.ts): what they cannot keep they
   * rebuild, so a larger budget is time saved, not answers changed. The scan sizes it to its heap.
   */
  edgeCacheBytes: number;
  clustersById: Map<string, Cluster>;
  principalsById: Map<string, Principal>;
  /** lower-cased userPrincipalName → user: for looking people up by what an operator types (CLI, API) */
  principalsByUpn: Map<string, Principal>;
  /**
   * userPrincipalName exactly as Entra issues it in the token's `upn` claim → user. Kubernetes
   * compares subject names exactly, so only this map may resolve a binding's `User` subject.
   */
  usersByExactUpn: Map<string, Principal>;
  /** transitive members of each group (and of the tenant's sign-in group, entraSignInGroup) */
  membersOfGroup: Map<string, string[]>;
  /**
   * Every account of the scanned tenant that can sign in with Entra ID, as one group: on an
   * Entra-integrated cluster of this tenant each of them is in `system:authenticated` (resolveSubject).
   */
  entraSignInGroup: AccessPrincipal;
  rolesByGuid: Map<string, RoleDefinition>;
  assignmentsByScope: Map<string, RoleAssignment[]>;
  /** assignments at `<cluster>/namespaces/<ns>`, by cluster id */
  namespaceAssignmentsByCluster: Map<string, NamespaceAssignment[]>;
  /** assignments at any resource below a resource group, by resource-group id */
  assignmentsBelowResourceGroup: Map<string, RoleAssignment[]>;
  /** the scopes above a subscription: "/" and its management groups, root first */
  scopesAboveSubscription: Map<string, string[]>;
  identitiesByPrincipalId: Map<string, ManagedIdentity>;
  roleFacts: (definition: RoleDefinition) => AzureRoleFacts;
  /** filled while evaluating: directory principals and whom each assignee reaches, the same on every cluster */
  principalCache: Map<string, AccessPrincipal>;
  /** position of each assignment in the model: a short, stable id for de-duplication keys */
  assignmentOrdinal: Map<RoleAssignment, number>;
  reachedCache: Map<string, Reached[]>;
  /**
   * PIM eligible role assignments as assignments (id = the eligibility instance), kept apart from
   * standing ones: only routes that mark what they build `eligible` read them.
   */
  eligibleByScope: Map<string, RoleAssignment[]>;
  eligibleNamespaceByCluster: Map<string, NamespaceAssignment[]>;
  /** eligibility or time limit of an assignment (standing, permanent ones have none) */
  assignmentTerms: Map<RoleAssignment, AssignmentTerms>;
  /** deny assignments by scope, principals expanded through groups */
  denyIndex: DenyIndex;
  /** a role's facts with the denied actions taken away (cached per role and denial) */
  deniedRoleFacts: (definition: RoleDefinition, denied: DeniedPermissions) => AzureRoleFacts;
};

/** How an assignment holds: `eligible` until activated (PIM), or active until `expires`. */
export type AssignmentTerms = {
  eligible?: true;
  expires?: string;
  /** eligible ones: what activating takes (PIM role settings), when read */
  activation?: RoleEligibilityActivation;
};

/**
 * A Kubernetes namespace as an Azure RBAC scope: `<cluster>/namespaces/<ns>` (MicrosoftDocs/
 * azure-aks-docs articles/aks/entra-id-authorization.md), or the ARM resource of an AKS managed
 * namespace, `<cluster>/managedNamespaces/<ns>`, where managed-namespaces.md assigns the data-plane
 * roles (RBAC Reader/Writer/Admin) and the authorization webhook checks it too (kubeguard/guard
 * authz/providers/azure/rbac/rbac.go, getManagedNameSpaceScope).
 */
const NAMESPACE_SCOPE =
  /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+)\/(?:managed)?namespaces\/([^/]+)$/;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The tenant root management group: its id is the tenant's, and every subscription and management
 * group of the directory folds up to it, so an assignment there applies to every resource
 * (MicrosoftDocs/azure-docs articles/governance/management-groups/overview.md, "Important facts
 * about the Root management group"): true even when the hierarchy below it could not be read.
 */
function rootManagementGroupId(tenantId: string | null | undefined): string | null {
  return tenantId ? managementGroupArmId(tenantId) : null;
}

function managementGroupChains(model: TenantModel): Map<string, string[]> {
  const groups = new Map(model.managementGroups.map((group) => [group.id, group]));
  const parentOfSubscription = new Map<string, string>();
  for (const group of model.managementGroups) {
    for (const subscriptionId of group.subscriptionIds) parentOfSubscription.set(subscriptionId, group.id);
  }
  for (const subscription of model.subscriptions) {
    if (subscription.managementGroupId)
      parentOfSubscription.set(subscription.subscriptionId, subscription.managementGroupId);
  }
  const tenantOfSubscription = new Map(
    model.subscriptions.map((subscription) => [subscription.subscriptionId, subscription.tenantId]),
  );
  const chains = new Map<string, string[]>();
  for (const [subscriptionId, parentId] of parentOfSubscription) {
    const chain: string[] = [];
    const seen = new Set<string>();
    for (
      let current: string | null = parentId;
      current && !seen.has(current);
      current = groups.get(current)?.parentId ?? null
    ) {
      seen.add(current);
      chain.unshift(current);
    }
    chains.set(subscriptionId, withRootGroup(chain, rootOf(subscriptionId)));
  }
  // Subscriptions whose place in the hierarchy is unknown still sit below their tenant's root group.
  for (const subscription of model.subscriptions) {
    if (!chains.has(subscription.subscriptionId))
      chains.set(subscription.subscriptionId, withRootGroup([], rootOf(subscription.subscriptionId)));
    // …and below the management groups their own assignment lists showed above them (Subscription.
    // managementGroupsAbove), which the hierarchy may not hold: an assignment there applies all the same.
    const chain = chains.get(subscription.subscriptionId) as string[];
    const seen = (subscription.managementGroupsAbove ?? []).filter((id) => !chain.includes(id));
    if (seen.length > 0) chain.splice(chain[1] === rootOf(subscription.subscriptionId) ? 2 : 1, 0, ...seen);
  }
  return chains;

  function rootOf(subscriptionId: string): string | null {
    return rootManagementGroupId(tenantOfSubscription.get(subscriptionId) ?? model.tenantId);
  }
}

/**
 * The tenant's role definitions by GUID, and for an assignment or eligibility naming a built-in role the scan
 * did not read (a definitions list that failed, an offline file without them), the built-in catalogue's:
 * built-in roles have the same GUID in every tenant (learn.microsoft.com/azure/role-based-access-control/
 * built-in-roles). Dropped instead, the assignment would give nothing: a false "nobody".
 */
function rolesByGuid(model: TenantModel): Map<string, RoleDefinition> {
  const roles = new Map(model.roleDefinitions.map((definition) => [definition.guid, definition]));
  for (const { roleDefinitionId } of [...model.roleAssignments, ...(model.roleEligibilities ?? [])]) {
    if (roles.has(roleDefinitionId)) continue;
    const builtIn = findBuiltInRole(roleDefinitionId);
    if (builtIn) roles.set(roleDefinitionId, roleDefinitionFromWire(builtIn));
  }
  return roles;
}

function withRootGroup(chain: string[], root: string | null): string[] {
  return root && !chain.includes(root) ? ["/", root, ...chain] : ["/", ...chain];
}

/** Every AKS data action starts with this; a pattern whose literal head cannot lead here grants none. */
const AKS_DATA_ACTION_PREFIX = "microsoft.containerservice/managedclusters/";

function mayMatchUnder(pattern: string, prefix: string): boolean {
  const head = pattern.toLowerCase().split("*")[0];
  return head.startsWith(prefix) || (pattern.includes("*") && prefix.startsWith(head));
}

/** The providers of every control-plane action the facts look at (AKS_ACTIONS, NODE_CODE_EXECUTION_ACTIONS). */
const CONTROL_ACTION_PREFIXES = [
  ...new Set(
    [...Object.values(AKS_ACTIONS), ...NODE_CODE_EXECUTION_ACTIONS.map(({ action }) => action)].map(
      (action) => `${action.toLowerCase().split("/")[0]}/`,
    ),
  ),
];

function computeRoleFacts(definition: RoleDefinition, denied?: DeniedPermissions): AzureRoleFacts {
  const mayGrantControl = definition.permissions.some((block) =>
    block.actions.some((pattern) => CONTROL_ACTION_PREFIXES.some((prefix) => mayMatchUnder(pattern, prefix))),
  );
  const control = (action: string) =>
    mayGrantControl && !(denied && isDenied(denied, "control", action))
      ? grantingPattern(definition, "control", action)
      : null;
  // Most of the ~900 built-in roles have data actions for other services (storage, Key Vault …):
  // evaluating every Kubernetes request against them would find nothing, slowly.
  const hasDataActions = definition.permissions.some((block) =>
    block.dataActions.some((pattern) => mayMatchUnder(pattern, AKS_DATA_ACTION_PREFIX)),
  );
  // Any action the request may be checked as (a custom resource has two, kubernetesDataActions).
  const can = (verb: string, apiGroup: string, resource: string) =>
    kubernetesDataActions(verb, apiGroup, resource).some(
      (action) =>
        !(denied && isDenied(denied, "data", action)) && grantingPattern(definition, "data", action) !== null,
    );
  const modern = control(AKS_ACTIONS.listAdminCredential);
  return {
    adminCredential: modern ?? control(AKS_ACTIONS.listAccessProfileCredential),
    adminCredentialAction: modern ? AKS_ACTIONS.listAdminCredential : AKS_ACTIONS.listAccessProfileCredential,
    userCredential: control(AKS_ACTIONS.listUserCredential),
    clusterWrite: control(AKS_ACTIONS.writeCluster),
    runCommand: control(AKS_ACTIONS.runCommand),
    assignIdentity: control(AKS_ACTIONS.assignIdentity),
    nodeCodeExecution: NODE_CODE_EXECUTION_ACTIONS.flatMap((entry) => {
      const pattern = control(entry.action);
      return pattern ? [{ ...entry, pattern }] : [];
    }),
    dataCluster: hasDataActions ? scopeFacts(can, "cluster") : null,
    dataNamespace: hasDataActions ? scopeFacts(can, "namespace") : null,
    dataCan: hasDataActions ? can : null,
  };
}

/**
 * The id of a tenant's sign-in group (AccessIndex.entraSignInGroup): the tenant id itself — "every account
 * of this tenant" — which is the id of the tenant's organization object and of no user, group or service
 * principal. A GUID, as group-level storage needs: it keys rows and memberships by the group's
 * 36-character id (lib/queries/expanded-access.ts).
 */
export function entraSignInGroupId(tenantId: string): string {
  return tenantId.toLowerCase();
}

const TENANT_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Is this tenant id a GUID (lower case), not a domain? */
export function isTenantGuid(tenantId: string): boolean {
  return TENANT_GUID.test(tenantId);
}

/**
 * The scanned tenant's id as a GUID: the one it is known by, or — a tenant configured by domain
 * (`AZURE_TENANT_ID=contoso.onmicrosoft.com` is allowed) — the one ARM reports for its subscriptions. The
 * clusters' `aadProfile.tenantID` is a GUID, and the sign-in group's id must be one.
 */
export function tenantGuidOf(tenantId: string, subscriptionTenantIds: Iterable<string | null>): string {
  const own = tenantId.toLowerCase();
  if (isTenantGuid(own)) return own;
  for (const candidate of subscriptionTenantIds) {
    const id = candidate?.toLowerCase();
    if (id && isTenantGuid(id)) return id;
  }
  return own;
}

/** The tenant's sign-in group as a principal: no directory object, so readers name it from here. */
export function entraSignInGroup(tenantId: string): AccessPrincipal {
  return {
    id: entraSignInGroupId(tenantId),
    kind: "Group",
    displayName: "everyone who signs in to the tenant with Entra ID",
  };
}

/**
 * Who can sign in to an Entra-integrated cluster: every user (guests too: kubelogin asks the cluster's
 * tenant for the token), service principal and managed identity of the tenant (kubelogin's spn, msi and
 * workloadidentity modes, learn.microsoft.com/azure/aks/kubelogin-authentication) that the scan knows and
 * the directory still has. Groups do not sign in.
 */
function signInMembersOf(model: TenantModel): string[] {
  const ids = new Set<string>();
  for (const principal of model.principals)
    if (principal.kind !== "Group" && !principal.deleted) ids.add(principal.id);
  for (const identity of model.identities) if (identity.principalId) ids.add(identity.principalId);
  return [...ids].sort();
}

/**
 * The edge caches' default budget: what they held before it could be set (500 k pod-power holders, 150 k
 * identity edges, 1 M impersonation entries), which fits beside a 500-cluster tenant in a 1 GiB heap.
 */
export const DEFAULT_EDGE_CACHE_BYTES = 256 * 1024 * 1024;

export function buildAccessIndex(model: TenantModel, options: { edgeCacheBytes?: number } = {}): AccessIndex {
  const principalsById = new Map(model.principals.map((principal) => [principal.id, principal]));
  const principalsByUpn = new Map<string, Principal>();
  const usersByExactUpn = new Map<string, Principal>();
  for (const principal of model.principals) {
    if (!principal.userPrincipalName) continue;
    principalsByUpn.set(principal.userPrincipalName.toLowerCase(), principal);
    if (principal.kind === "User") usersByExactUpn.set(principal.userPrincipalName, principal);
  }

  const assignmentsByScope = new Map<string, RoleAssignment[]>();
  const namespaceAssignmentsByCluster = new Map<string, NamespaceAssignment[]>();
  const assignmentsBelowResourceGroup = new Map<string, RoleAssignment[]>();
  for (const assignment of model.roleAssignments) {
    const scope = normalizeArmId(assignment.scope);
    push(assignmentsByScope, scope, assignment);
    const namespaceMatch = NAMESPACE_SCOPE.exec(scope);
    if (namespaceMatch) {
      push(namespaceAssignmentsByCluster, namespaceMatch[1], { namespace: namespaceMatch[2], assignment });
    }
    const { subscriptionId, resourceGroup, resourceType } = parseArmId(scope);
    if (subscriptionId && resourceGroup && resourceType) {
      push(
        assignmentsBelowResourceGroup,
        `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}`,
        assignment,
      );
    }
  }

  const factsCache = new Map<string, AzureRoleFacts>();
  const roleFacts = (definition: RoleDefinition) => {
    let facts = factsCache.get(definition.guid);
    if (!facts) {
      facts = computeRoleFacts(definition);
      factsCache.set(definition.guid, facts);
    }
    return facts;
  };

  // PIM: eligibilities become assignments flagged eligible; time-bound active instances give their
  // role assignment an end (joined on originRoleAssignmentId).
  const assignmentTerms = new Map<RoleAssignment, AssignmentTerms>();
  const expiresByAssignmentId = new Map<string, string>();
  for (const schedule of model.roleAssignmentSchedules) {
    if (schedule.originRoleAssignmentId && schedule.endDateTime)
      expiresByAssignmentId.set(schedule.originRoleAssignmentId, schedule.endDateTime);
  }
  for (const assignment of model.roleAssignments) {
    const expires = expiresByAssignmentId.get(assignment.id);
    if (expires) assignmentTerms.set(assignment, { expires });
  }
  const eligibleByScope = new Map<string, RoleAssignment[]>();
  const eligibleNamespaceByCluster = new Map<string, NamespaceAssignment[]>();
  const assignmentOrdinal = new Map(model.roleAssignments.map((assignment, i) => [assignment, i]));
  for (const eligibility of model.roleEligibilities) {
    const assignment: RoleAssignment = {
      id: eligibility.id,
      scope: normalizeArmId(eligibility.scope),
      roleDefinitionId: eligibility.roleDefinitionId,
      principalId: eligibility.principalId,
      principalType: eligibility.principalType,
      condition: eligibility.condition,
    };
    assignmentTerms.set(assignment, {
      eligible: true,
      ...(eligibility.endDateTime ? { expires: eligibility.endDateTime } : {}),
      ...(eligibility.activation ? { activation: eligibility.activation } : {}),
    });
    assignmentOrdinal.set(assignment, assignmentOrdinal.size);
    push(eligibleByScope, assignment.scope, assignment);
    const namespaceMatch = NAMESPACE_SCOPE.exec(assignment.scope);
    if (namespaceMatch)
      push(eligibleNamespaceByCluster, namespaceMatch[1], { namespace: namespaceMatch[2], assignment });
  }
  const membersOfGroup = new Map(
    model.groupMemberships.map((membership) => [membership.groupId, membership.memberIds]),
  );
  const signInGroup = entraSignInGroup(
    tenantGuidOf(
      model.tenantId,
      model.subscriptions.map((subscription) => subscription.tenantId),
    ),
  );
  membersOfGroup.set(signInGroup.id, signInMembersOf(model));
  const deniedFactsCache = new Map<string, AzureRoleFacts>();
  const deniedRoleFacts = (definition: RoleDefinition, denied: DeniedPermissions) => {
    const key = `${definition.guid}|${JSON.stringify(denied)}`;
    let facts = deniedFactsCache.get(key);
    if (!facts) {
      facts = computeRoleFacts(definition, denied);
      deniedFactsCache.set(key, facts);
    }
    return facts;
  };

  return {
    model,
    edgeCacheBytes: options.edgeCacheBytes ?? DEFAULT_EDGE_CACHE_BYTES,
    clustersById: new Map(model.clusters.map((cluster) => [cluster.id, cluster])),
    principalsById,
    principalsByUpn,
    usersByExactUpn,
    membersOfGroup,
    rolesByGuid: rolesByGuid(model),
    assignmentsByScope,
    namespaceAssignmentsByCluster,
    assignmentsBelowResourceGroup,
    scopesAboveSubscription: managementGroupChains(model),
    identitiesByPrincipalId: new Map(model.identities.map((identity) => [identity.principalId, identity])),
    roleFacts,
    entraSignInGroup: signInGroup,
    // the sign-in group is no directory object: directoryPrincipal finds it here
    principalCache: new Map([[signInGroup.id, signInGroup]]),
    assignmentOrdinal,
    reachedCache: new Map(),
    eligibleByScope,
    eligibleNamespaceByCluster,
    assignmentTerms,
    denyIndex: buildDenyIndex(model.denyAssignments, membersOfGroup),
    deniedRoleFacts,
  };
}

/** Every scope whose assignments apply to `resourceId`: root, management groups, subscription, resource group, the resource. */
export function scopeChain(index: AccessIndex, resourceId: string): string[] {
  const id = normalizeArmId(resourceId);
  const { subscriptionId, resourceGroup } = parseArmId(id);
  if (!subscriptionId) return id === "/" ? ["/"] : ["/", id];
  const chain = [
    ...(index.scopesAboveSubscription.get(subscriptionId) ??
      withRootGroup([], rootManagementGroupId(index.model.tenantId))),
  ];
  const subscriptionScope = `/subscriptions/${subscriptionId}`;
  chain.push(subscriptionScope);
  if (resourceGroup) {
    const groupScope = `${subscriptionScope}/resourcegroups/${resourceGroup}`;
    chain.push(groupScope);
    if (id !== groupScope) chain.push(id);
  }
  return chain;
}

/** The PIM eligibilities that apply to `resourceId` (at it or any scope above it), as assignments. */
export function eligibilitiesReaching(index: AccessIndex, resourceId: string): RoleAssignment[] {
  if (index.eligibleByScope.size === 0) return [];
  return scopeChain(index, resourceId).flatMap((scope) => index.eligibleByScope.get(scope) ?? []);
}

/** The assignments that apply to `resourceId` (at it or any scope above it), with the scope they sit at. */
export function assignmentsReaching(index: AccessIndex, resourceId: string): RoleAssignment[] {
  return scopeChain(index, resourceId).flatMap((scope) => index.assignmentsByScope.get(scope) ?? []);
}
