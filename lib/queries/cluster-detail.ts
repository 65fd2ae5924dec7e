import type {
  Cluster,
  ClusterIdentityRef,
  FederatedCredential,
  ManagedIdentity,
  ManagementGroup,
  RoleAssignment,
  RoleDefinition,
  Subscription,
} from "@/lib/model/azure";
import type {
  ApplicationFederatedCredential,
  DirectoryOwnership,
  GroupMembership,
  Principal,
} from "@/lib/model/directory";
import type {
  AzureIdentity,
  AzureIdentityBinding,
  AzurePodIdentityException,
  Pod,
  SecretProviderClass,
  ServiceAccount,
} from "@/lib/model/kubernetes";
import type { CoverageEntry } from "@/lib/model/tenant-model";

// The cluster page's three planes, assembled from the few records that concern one cluster. Pure,
// so it is tested on the demo tenant's model without a database; get-cluster.ts does the reads.

export type ClusterDetailInput = {
  cluster: Cluster;
  subscription: Subscription | null;
  managementGroups: readonly ManagementGroup[];
  /** assignments on the cluster's scope chain and on its namespaces, and those of its identities */
  roleAssignments: readonly RoleAssignment[];
  roleDefinitions: readonly RoleDefinition[];
  principals: readonly Principal[];
  groupMemberships: readonly GroupMembership[];
  identities: readonly ManagedIdentity[];
  /** credentials trusting this cluster's issuer, and those of identities its service accounts name */
  federatedCredentials: readonly FederatedCredential[];
  /** applications' federated credentials trusting this cluster's issuer (absent: none read) */
  applicationCredentials?: readonly ApplicationFederatedCredential[];
  /** the applications those credentials and the service accounts' annotations name (their service principals are in `principals`) */
  applications?: readonly DirectoryOwnership[];
  serviceAccounts: readonly ServiceAccount[];
  pods: readonly Pod[];
  azureIdentities: readonly AzureIdentity[];
  azureIdentityBindings: readonly AzureIdentityBinding[];
  azurePodIdentityExceptions: readonly AzurePodIdentityException[];
  secretProviderClasses: readonly SecretProviderClass[];
  kubernetesCounts: Readonly<Record<string, number>>;
  coverage: { azure: CoverageEntry; kubernetes: CoverageEntry };
};

export type ScopeLevel =
  | "namespace"
  | "cluster"
  | "resourceGroup"
  | "subscription"
  | "managementGroup"
  | "root"
  | "resource";

export type AssignmentView = {
  id: string;
  scope: string;
  scopeLevel: ScopeLevel;
  scopeLabel: string;
  role: { id: string; name: string; custom: boolean };
  principal: { id: string; kind: string; displayName: string; deleted: boolean };
  conditional: boolean;
};

export type IdentityView = {
  /** what the identity is for on this cluster */
  role: string;
  ref: ClusterIdentityRef | null;
  identity: ManagedIdentity | null;
  principalId: string | null;
  assignments: AssignmentView[];
};

export type WorkloadChain = {
  credential: FederatedCredential;
  identity: ManagedIdentity | null;
  serviceAccount: { namespace: string; name: string } | null;
  serviceAccountFound: boolean;
  pods: string[];
  assignments: AssignmentView[];
  /** why the chain is broken, null when every link holds */
  problem: string | null;
};

/**
 * Workload identity federated to an application registration: the token acts as the application's
 * service principal (learn.microsoft.com/azure/aks/workload-identity-overview).
 */
export type ApplicationChain = {
  credential: ApplicationFederatedCredential;
  application: { objectId: string; appId: string; displayName: string } | null;
  servicePrincipal: { id: string; displayName: string } | null;
  /** null for a flexible credential (no subject): it may accept any account of the issuer */
  serviceAccount: { namespace: string; name: string } | null;
  serviceAccountFound: boolean;
  pods: string[];
  assignments: AssignmentView[];
  problem: string | null;
};

const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

export function scopeLevelOf(scope: string, clusterId: string): ScopeLevel {
  if (scope === "/") return "root";
  if (scope.startsWith(`${clusterId}/namespaces/`)) return "namespace";
  if (scope === clusterId) return "cluster";
  if (scope.startsWith("/providers/microsoft.management/managementgroups/")) return "managementGroup";
  if (/^\/subscriptions\/[^/]+$/.test(scope)) return "subscription";
  if (/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(scope)) return "resourceGroup";
  return "resource";
}

function scopeLabelOf(scope: string, level: ScopeLevel, input: ClusterDetailInput): string {
  const last = scope.split("/").pop() ?? scope;
  switch (level) {
    case "root":
      return "tenant root";
    case "namespace":
      return `namespace ${last}`;
    case "cluster":
      return `cluster ${input.cluster.name}`;
    case "managementGroup": {
      const group = input.managementGroups.find((candidate) => candidate.id === scope);
      return `management group ${group?.displayName ?? last}`;
    }
    case "subscription":
      return `subscription ${input.subscription?.id === scope ? input.subscription.displayName : last}`;
    case "resourceGroup":
      return `resource group ${last}`;
    default:
      return `${scope.split("/").slice(-2, -1)[0] ?? "resource"} ${last}`;
  }
}

/** "/" → management groups (root first) → subscription → resource group → cluster. */
export function scopeChainOf(
  cluster: Cluster,
  subscription: Subscription | null,
  groups: readonly ManagementGroup[],
) {
  const byId = new Map(groups.map((group) => [group.id, group]));
  const above: string[] = [];
  let current = subscription?.managementGroupId ?? null;
  while (current && !above.includes(current)) {
    above.unshift(current);
    current = byId.get(current)?.parentId ?? null;
  }
  const subscriptionScope = `/subscriptions/${cluster.subscriptionId}`;
  return [
    "/",
    ...above,
    subscriptionScope,
    `${subscriptionScope}/resourcegroups/${cluster.resourceGroup}`,
    cluster.id,
  ];
}

const LEVEL_ORDER: Record<ScopeLevel, number> = {
  root: 0,
  managementGroup: 1,
  subscription: 2,
  resourceGroup: 3,
  resource: 4,
  cluster: 5,
  namespace: 6,
};

export function assembleClusterDetail(input: ClusterDetailInput) {
  const { cluster } = input;
  const principals = new Map(input.principals.map((principal) => [principal.id, principal]));
  const roles = new Map(input.roleDefinitions.map((definition) => [definition.guid, definition]));
  const identitiesById = new Map(input.identities.map((identity) => [identity.id, identity]));
  const identitiesByClientId = new Map(input.identities.map((identity) => [identity.clientId, identity]));
  const identitiesByPrincipalId = new Map(
    input.identities.map((identity) => [identity.principalId, identity]),
  );

  const viewOf = (assignment: RoleAssignment): AssignmentView => {
    const level = scopeLevelOf(assignment.scope, cluster.id);
    const role = roles.get(assignment.roleDefinitionId);
    const principal = principals.get(assignment.principalId);
    return {
      id: assignment.id,
      scope: assignment.scope,
      scopeLevel: level,
      scopeLabel: scopeLabelOf(assignment.scope, level, input),
      role: {
        id: role?.id ?? assignment.roleDefinitionId,
        name: role?.roleName ?? `unknown role ${assignment.roleDefinitionId}`,
        custom: role?.type === "CustomRole",
      },
      principal: {
        id: assignment.principalId,
        kind: principal?.kind ?? assignment.principalType,
        displayName: principal?.displayName ?? assignment.principalId,
        deleted: principal?.deleted === true || !principal,
      },
      conditional: assignment.condition !== null,
    };
  };
  const byScopeThenRole = (a: AssignmentView, b: AssignmentView) =>
    LEVEL_ORDER[a.scopeLevel] - LEVEL_ORDER[b.scopeLevel] ||
    a.scope.localeCompare(b.scope) ||
    a.role.name.localeCompare(b.role.name) ||
    a.principal.displayName.localeCompare(b.principal.displayName);

  const chain = new Set(scopeChainOf(cluster, input.subscription, input.managementGroups));
  const onCluster = input.roleAssignments
    .filter(
      (assignment) => chain.has(assignment.scope) || assignment.scope.startsWith(`${cluster.id}/namespaces/`),
    )
    .map(viewOf)
    .sort(byScopeThenRole);
  const assignmentsOf = (principalId: string | null) =>
    principalId
      ? input.roleAssignments
          .filter((assignment) => assignment.principalId === principalId)
          .map(viewOf)
          .sort(byScopeThenRole)
      : [];

  const identityView = (
    role: string,
    ref: ClusterIdentityRef | null,
    principalId: string | null,
  ): IdentityView => {
    const identity =
      (ref?.resourceId ? identitiesById.get(ref.resourceId) : undefined) ??
      (principalId ? identitiesByPrincipalId.get(principalId) : undefined) ??
      null;
    const objectId = principalId ?? identity?.principalId ?? null;
    return { role, ref, identity, principalId: objectId, assignments: assignmentsOf(objectId) };
  };

  // Control plane
  const membership = new Map(input.groupMemberships.map((group) => [group.groupId, group]));
  const adminGroups = cluster.entra.adminGroupIds.map((groupId) => {
    const group = principals.get(groupId);
    const members = (membership.get(groupId)?.memberIds ?? []).map((memberId) => {
      const member = principals.get(memberId);
      return {
        id: memberId,
        kind: member?.kind ?? "Unknown",
        displayName: member?.displayName ?? memberId,
        deleted: member?.deleted === true || !member,
      };
    });
    return {
      id: groupId,
      displayName: group?.displayName ?? groupId,
      found: !!group && !group.deleted,
      members,
    };
  });
  const controlPlaneIdentity = identityView(
    cluster.controlPlaneIdentity.type === "UserAssigned" ? "control plane (user-assigned)" : "control plane",
    cluster.controlPlaneIdentity.resourceId
      ? {
          resourceId: cluster.controlPlaneIdentity.resourceId,
          clientId: cluster.controlPlaneIdentity.clientId,
          objectId: cluster.controlPlaneIdentity.principalId,
        }
      : null,
    cluster.controlPlaneIdentity.principalId,
  );

  // Worker plane
  const kubelet = identityView("kubelet", cluster.kubeletIdentity, cluster.kubeletIdentity?.objectId ?? null);
  const addons = cluster.addons
    .filter((addon) => addon.identity)
    .map((addon) => ({
      name: addon.name,
      enabled: addon.enabled,
      ...identityView(`add-on ${addon.name}`, addon.identity, addon.identity?.objectId ?? null),
    }));

  // Workloads: issuer → federated credential → identity → service account → pods
  const issuer = cluster.oidcIssuer.issuerUrl;
  const serviceAccounts = new Map(
    input.serviceAccounts.map((account) => [`${account.namespace}/${account.name}`, account]),
  );
  const podsOf = (namespace: string, name: string) =>
    input.pods
      .filter((pod) => pod.namespace === namespace && pod.serviceAccountName === name)
      .map((pod) => pod.name)
      .sort();
  const kubernetesRead = input.coverage.kubernetes.status === "complete";
  /**
   * The service account a credential's subject names on this cluster, its pods, and what breaks the chain
   * for the workload (`clientId`: what its annotation should say). A flexible credential (no subject)
   * names no one account: not a broken chain.
   */
  const accountLink = (subject: string, clientId: string, another: string) => {
    const match = SERVICE_ACCOUNT_SUBJECT.exec(subject);
    const serviceAccount = match ? { namespace: match[1], name: match[2] } : null;
    const account = serviceAccount
      ? serviceAccounts.get(`${serviceAccount.namespace}/${serviceAccount.name}`)
      : undefined;
    let problem: string | null = null;
    if (subject !== "" && !serviceAccount) problem = `the subject "${subject}" names no service account`;
    else if (serviceAccount && kubernetesRead && !account)
      problem = "the service account does not exist on this cluster";
    else if (account && account.workloadIdentity.clientId !== clientId)
      problem = account.workloadIdentity.clientId
        ? `the service account is annotated with ${another}`
        : "the service account has no azure.workload.identity/client-id annotation";
    return {
      serviceAccount,
      serviceAccountFound: !!account,
      pods: serviceAccount ? podsOf(serviceAccount.namespace, serviceAccount.name) : [],
      problem,
    };
  };
  const bySubject = (
    a: { credential: { subject: string; id: string } },
    b: { credential: { subject: string; id: string } },
  ) =>
    a.credential.subject.localeCompare(b.credential.subject) ||
    a.credential.id.localeCompare(b.credential.id);
  const chains: WorkloadChain[] = input.federatedCredentials
    .filter((credential) => issuer !== null && credential.issuer === issuer)
    .map((credential) => {
      const identity = identitiesById.get(credential.identityId) ?? null;
      const link = accountLink(credential.subject, identity?.clientId ?? "", "another identity's client id");
      return {
        credential,
        identity,
        ...link,
        assignments: assignmentsOf(identity?.principalId ?? null),
        problem: identity ? link.problem : "the identity the credential belongs to was not found",
      };
    })
    .sort(bySubject);
  const applicationsByAppId = new Map(
    (input.applications ?? []).flatMap((application) =>
      application.appId ? [[application.appId, application] as const] : [],
    ),
  );
  const servicePrincipalsByAppId = new Map(
    input.principals.flatMap((principal) =>
      principal.kind === "ServicePrincipal" && principal.appId ? [[principal.appId, principal] as const] : [],
    ),
  );
  const applicationChains: ApplicationChain[] = (input.applicationCredentials ?? [])
    .filter((credential) => issuer !== null && credential.issuer === issuer)
    .map((credential) => {
      const application = applicationsByAppId.get(credential.appId);
      const servicePrincipal = servicePrincipalsByAppId.get(credential.appId);
      return {
        credential,
        application: application
          ? { objectId: application.objectId, appId: credential.appId, displayName: application.displayName }
          : null,
        servicePrincipal: servicePrincipal
          ? { id: servicePrincipal.id, displayName: servicePrincipal.displayName }
          : null,
        ...accountLink(credential.subject, credential.appId, "another client id"),
        assignments: assignmentsOf(servicePrincipal?.id ?? null),
      };
    })
    .sort(bySubject);
  const trusted = new Set([
    ...chains
      .filter((chain) => chain.identity && chain.serviceAccount)
      .map(
        (chain) =>
          `${chain.serviceAccount?.namespace}/${chain.serviceAccount?.name}|${chain.identity?.clientId}`,
      ),
    ...applicationChains
      .filter((chain) => chain.serviceAccount)
      .map(
        (chain) =>
          `${chain.serviceAccount?.namespace}/${chain.serviceAccount?.name}|${chain.credential.appId}`,
      ),
  ]);
  // A flexible credential (no subject read) may trust any account of the issuer: not "no credential".
  const flexibleAppIds = new Set(
    applicationChains
      .filter((chain) => chain.credential.subject === "")
      .map((chain) => chain.credential.appId),
  );
  const annotatedWithoutCredential = input.serviceAccounts
    .filter((account) => account.workloadIdentity.clientId)
    .filter(
      (account) =>
        !trusted.has(`${account.namespace}/${account.name}|${account.workloadIdentity.clientId}`) &&
        !flexibleAppIds.has(account.workloadIdentity.clientId as string),
    )
    .map((account) => ({
      namespace: account.namespace,
      name: account.name,
      clientId: account.workloadIdentity.clientId as string,
      identity: identitiesByClientId.get(account.workloadIdentity.clientId as string) ?? null,
      application: applicationsByAppId.get(account.workloadIdentity.clientId as string)?.displayName ?? null,
      pods: podsOf(account.namespace, account.name),
    }));

  const podIdentities = input.azureIdentities.map((azureIdentity) => {
    const bindings = input.azureIdentityBindings.filter(
      (binding) =>
        binding.namespace === azureIdentity.namespace && binding.azureIdentity === azureIdentity.name,
    );
    const selectors = new Set(bindings.map((binding) => binding.selector));
    const identity =
      (azureIdentity.resourceId ? identitiesById.get(azureIdentity.resourceId) : undefined) ??
      (azureIdentity.clientId ? identitiesByClientId.get(azureIdentity.clientId) : undefined) ??
      null;
    return {
      azureIdentity,
      bindings: bindings.map((binding) => ({ name: binding.name, selector: binding.selector })),
      pods: input.pods
        .filter((pod) => pod.aadPodIdBinding !== null && selectors.has(pod.aadPodIdBinding))
        .map((pod) => `${pod.namespace}/${pod.name}`)
        .sort(),
      identity,
      assignments: assignmentsOf(identity?.principalId ?? null),
    };
  });

  const secretProviderClasses = input.secretProviderClasses.map((spc) => {
    const identity =
      spc.identity.mode === "workload-identity"
        ? (identitiesByClientId.get(spc.identity.clientId) ?? null)
        : spc.identity.mode === "vm-managed-identity" && spc.identity.userAssignedIdentityId
          ? (identitiesByClientId.get(spc.identity.userAssignedIdentityId) ??
            identitiesById.get(spc.identity.userAssignedIdentityId) ??
            null)
          : null;
    return {
      namespace: spc.namespace,
      name: spc.name,
      provider: spc.provider,
      keyvaultName: spc.keyvaultName,
      identityMode: spc.identity.mode,
      identity,
      pods: input.pods
        .filter((pod) => pod.namespace === spc.namespace && pod.secretProviderClasses.includes(spc.name))
        .map((pod) => pod.name)
        .sort(),
    };
  });

  return {
    cluster,
    coverage: input.coverage,
    kubernetesCounts: input.kubernetesCounts,
    controlPlane: {
      entraMode: cluster.entra.mode,
      azureRbac: cluster.entra.azureRbac,
      kubernetesRbac: cluster.kubernetesRbac,
      localAccountsDisabled: cluster.localAccountsDisabled,
      runCommandDisabled: cluster.runCommandDisabled,
      adminGroups,
      identity: controlPlaneIdentity,
      roleAssignments: onCluster,
    },
    workerPlane: { kubelet, addons },
    workloads: {
      oidcIssuer: cluster.oidcIssuer,
      workloadIdentityEnabled: cluster.workloadIdentityEnabled,
      chains,
      applicationChains,
      annotatedWithoutCredential,
      podIdentity: {
        enabled: cluster.podIdentity.enabled,
        identities: podIdentities,
        exceptions: input.azurePodIdentityExceptions,
      },
      secretProviderClasses,
    },
  };
}

export type ClusterDetail = ReturnType<typeof assembleClusterDetail>;
