import { type AccessIndex, assignmentsReaching, buildAccessIndex } from "@/lib/access/access-index";
import { AKS_ACTIONS } from "@/lib/access/azure-permissions";
import { effectiveClusterRoleRules, rulesAllow } from "@/lib/access/kubernetes-rbac";
import { type Can, type ScopeFacts, scopeFacts } from "@/lib/access/levels";
import {
  assignmentStep,
  clusterRoleBindingStep,
  clusterStep,
  groupStep,
  identityStep,
  kubernetesGroupStep,
  kubernetesRoleStep,
  permissionStep,
  principalStep,
  roleBindingStep,
  roleDefinitionStep,
  settingStep,
} from "@/lib/access/paths";
import {
  ACCESS_LEVEL_RANK,
  type AccessPrincipal,
  type ClusterAccess,
  type Escalation,
  type EscalationRoute,
  type Grant,
  type PathStep,
  type PrincipalAccess,
} from "@/lib/access/types";
import type { Cluster, RoleAssignment } from "@/lib/model/azure";
import type { ClusterKubernetes, PolicyRule, Subject } from "@/lib/model/kubernetes";
import type { TenantModel } from "@/lib/model/tenant-model";

// Who can do what on one cluster, and by which route. The rules are documented in
// docs/access-model.md; each grant carries the path that explains it.

const AKS_ADMIN_BINDING_AAD = "aks-cluster-admin-binding-aad";

/** Kubernetes groups every authenticated caller (or service account) is in, evaluated as their own principal. */
const SPECIAL_GROUPS = new Set(["system:authenticated", "system:unauthenticated", "system:serviceaccounts"]);

type Reached = { principal: AccessPrincipal; prefix: PathStep[] };

type Entry = { principal: AccessPrincipal; grants: Map<string, Grant>; escalations: Map<string, Escalation> };

const pathKey = (path: readonly PathStep[]) => path.map((step) => `${step.kind}:${step.id}`).join(">");

class ClusterAccessCollector {
  private readonly entries = new Map<string, Entry>();
  private readonly credentialHolders: {
    principal: AccessPrincipal;
    path: PathStep[];
    conditional: boolean;
  }[] = [];

  private entry(principal: AccessPrincipal): Entry {
    let entry = this.entries.get(principal.id);
    if (!entry) {
      entry = { principal, grants: new Map(), escalations: new Map() };
      this.entries.set(principal.id, entry);
    }
    return entry;
  }

  grant(principal: AccessPrincipal, grant: Grant): void {
    const key = `${grant.level}|${grant.namespace}|${grant.route}|${grant.conditional}|${pathKey(grant.path)}`;
    this.entry(principal).grants.set(key, grant);
  }

  escalation(principal: AccessPrincipal, escalation: Escalation): void {
    const key = `${escalation.to}|${escalation.route}|${pathKey(escalation.path)}`;
    this.entry(principal).escalations.set(key, escalation);
  }

  credentialHolder(principal: AccessPrincipal, path: PathStep[], conditional: boolean): void {
    this.credentialHolders.push({ principal, path, conditional });
  }

  finish(): PrincipalAccess[] {
    // Fetching a user kubeconfig is access only for those who have nothing else on the cluster.
    const withGrants = new Set(
      [...this.entries.values()].filter((e) => e.grants.size > 0).map((e) => e.principal.id),
    );
    for (const holder of this.credentialHolders) {
      if (withGrants.has(holder.principal.id)) continue;
      this.grant(holder.principal, {
        level: "credentials-only",
        namespace: null,
        route: "user-credential",
        conditional: holder.conditional,
        path: holder.path,
      });
    }
    const result: PrincipalAccess[] = [];
    for (const entry of this.entries.values()) {
      const grants = [...entry.grants.values()].sort(compareGrants);
      const isClusterAdmin = grants.some(
        (grant) => grant.level === "cluster-admin" && grant.namespace === null && !grant.conditional,
      );
      // Kubernetes escalations say nothing new about someone who already holds cluster-admin.
      const escalations = [...entry.escalations.values()]
        .filter((escalation) => !isClusterAdmin || escalation.route === "azure-control-plane")
        .sort(compareEscalations);
      if (grants.length === 0 && escalations.length === 0) continue;
      result.push({ principal: entry.principal, grants, escalations });
    }
    return result.sort(comparePrincipals);
  }
}

function compareGrants(a: Grant, b: Grant): number {
  return (
    ACCESS_LEVEL_RANK[b.level] - ACCESS_LEVEL_RANK[a.level] ||
    (a.namespace ?? "").localeCompare(b.namespace ?? "") ||
    a.route.localeCompare(b.route) ||
    Number(a.conditional) - Number(b.conditional) ||
    pathKey(a.path).localeCompare(pathKey(b.path))
  );
}

function compareEscalations(a: Escalation, b: Escalation): number {
  return (
    a.to.localeCompare(b.to) ||
    a.route.localeCompare(b.route) ||
    pathKey(a.path).localeCompare(pathKey(b.path))
  );
}

function highestRank(access: PrincipalAccess): number {
  return Math.max(-1, ...access.grants.map((grant) => ACCESS_LEVEL_RANK[grant.level]));
}

function comparePrincipals(a: PrincipalAccess, b: PrincipalAccess): number {
  return (
    highestRank(b) - highestRank(a) ||
    a.principal.displayName.localeCompare(b.principal.displayName) ||
    a.principal.id.localeCompare(b.principal.id)
  );
}

// ---------------------------------------------------------------------------------------------
// Principals

function directoryPrincipal(index: AccessIndex, id: string, typeHint?: string): AccessPrincipal {
  const known = index.principalsById.get(id);
  if (known) {
    return {
      id,
      kind: known.kind,
      displayName: known.deleted ? `${known.displayName} (deleted)` : known.displayName,
    };
  }
  const identity = index.identitiesByPrincipalId.get(id);
  if (identity) return { id, kind: "ManagedIdentity", displayName: identity.name };
  const kind =
    typeHint === "Group" || typeHint === "ForeignGroup"
      ? "Group"
      : typeHint === "User"
        ? "User"
        : "ServicePrincipal";
  return { id, kind, displayName: `${id} (not in directory)` };
}

/** The principal itself, and when it is a group every transitive member with the group in its path. */
function reachThroughGroups(index: AccessIndex, principal: AccessPrincipal): Reached[] {
  const reached: Reached[] = [{ principal, prefix: [principalStep(principal)] }];
  if (principal.kind !== "Group") return reached;
  for (const memberId of index.membersOfGroup.get(principal.id) ?? []) {
    const member = directoryPrincipal(index, memberId);
    reached.push({ principal: member, prefix: [principalStep(member), groupStep(principal)] });
  }
  return reached;
}

function kubernetesUser(name: string): AccessPrincipal {
  return { id: `k8s-user:${name}`, kind: "KubernetesUser", displayName: name };
}

function kubernetesGroup(name: string): AccessPrincipal {
  return { id: `k8s-group:${name}`, kind: "KubernetesGroup", displayName: name };
}

function serviceAccount(namespace: string, name: string): AccessPrincipal {
  return {
    id: `system:serviceaccount:${namespace}:${name}`,
    kind: "ServiceAccount",
    displayName: `${namespace}/${name}`,
  };
}

/** Who a RoleBinding subject is. Kubernetes component identities (system:kube-scheduler ...) are left out. */
function resolveSubject(
  index: AccessIndex,
  cluster: Cluster,
  inventory: ClusterKubernetes,
  subject: Subject,
): Reached[] {
  const entra = cluster.entra.mode !== "none";
  const one = (principal: AccessPrincipal): Reached[] => [{ principal, prefix: [principalStep(principal)] }];
  if (subject.kind === "ServiceAccount")
    return one(serviceAccount(subject.namespace ?? "default", subject.name));

  if (subject.kind === "User") {
    const serviceAccountName = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject.name);
    if (serviceAccountName) return one(serviceAccount(serviceAccountName[1], serviceAccountName[2]));
    if (subject.name.startsWith("system:") && subject.name !== "system:anonymous") return [];
    if (entra) {
      // Entra-integrated clusters see members by UPN and guests, service principals and managed identities by object id.
      const lower = subject.name.toLowerCase();
      const known = index.principalsById.get(lower) ?? index.principalsByUpn.get(lower);
      if (known) return reachThroughGroups(index, directoryPrincipal(index, known.id));
    }
    return one(kubernetesUser(subject.name));
  }

  const name = subject.name;
  const serviceAccountsIn = (namespace: string | null) =>
    inventory.serviceAccounts.filter((account) => namespace === null || account.namespace === namespace);
  const groupWithServiceAccounts = (namespace: string | null): Reached[] => {
    const group = kubernetesGroup(name);
    return [
      { principal: group, prefix: [principalStep(group)] },
      ...serviceAccountsIn(namespace).map((account) => {
        const principal = serviceAccount(account.namespace, account.name);
        return { principal, prefix: [principalStep(principal), groupStep(group)] };
      }),
    ];
  };
  // system:masters bypasses RBAC; who gets into it is the local-admin-credential route, so its
  // bindings (the default cluster-admin binding) add nothing to report.
  if (name === "system:masters") return [];
  if (name === "system:authenticated" || name === "system:serviceaccounts")
    return groupWithServiceAccounts(null);
  if (name.startsWith("system:serviceaccounts:"))
    return groupWithServiceAccounts(name.slice("system:serviceaccounts:".length));
  if (SPECIAL_GROUPS.has(name)) return one(kubernetesGroup(name));
  if (name.startsWith("system:")) return [];
  if (entra) {
    const known = index.principalsById.get(name.toLowerCase());
    if (known?.kind === "Group") return reachThroughGroups(index, directoryPrincipal(index, known.id));
  }
  return one(kubernetesGroup(name));
}

// ---------------------------------------------------------------------------------------------
// Routes

function kubernetesEscalations(
  collector: ClusterAccessCollector,
  reached: Reached,
  facts: ScopeFacts,
  namespace: string | null,
  route: EscalationRoute,
  via: PathStep[],
  cluster: Cluster,
): void {
  const where = namespace === null ? "" : ` in namespace ${namespace}`;
  const step = (id: string) => ({ kind: "permission", id, label: `can ${id}${where}` });
  for (const { to, evidence } of facts.escalations) {
    collector.escalation(reached.principal, {
      to,
      route,
      path: [...reached.prefix, ...via, step(evidence), clusterStep(cluster, namespace)],
    });
  }
  const inKubeSystem = namespace === null || namespace === "kube-system";
  if (inKubeSystem && facts.createsPods) {
    collector.escalation(reached.principal, {
      to: "kube-system-pods",
      route,
      path: [...reached.prefix, ...via, step("create pods (kube-system)"), clusterStep(cluster, namespace)],
    });
  }
  if (inKubeSystem && facts.readsSecrets) {
    collector.escalation(reached.principal, {
      to: "kube-system-secrets",
      route,
      path: [...reached.prefix, ...via, step("read secrets (kube-system)"), clusterStep(cluster, namespace)],
    });
  }
}

function azureRoutes(index: AccessIndex, cluster: Cluster, collector: ClusterAccessCollector): void {
  const azureRbac = cluster.entra.mode === "managed" && cluster.entra.azureRbac;
  const azureRbacStep = settingStep(
    cluster,
    "enableAzureRBAC",
    "Azure RBAC for Kubernetes authorization is enabled",
  );

  const applyAssignment = (assignment: RoleAssignment, namespace: string | null) => {
    const definition = index.rolesByGuid.get(assignment.roleDefinitionId);
    if (!definition) return;
    const facts = index.roleFacts(definition);
    const conditional = assignment.condition !== null;
    const via = [assignmentStep(assignment, definition), roleDefinitionStep(definition)];
    const assignee = directoryPrincipal(index, assignment.principalId, assignment.principalType);

    for (const reached of reachThroughGroups(index, assignee)) {
      const { principal, prefix } = reached;
      // Control-plane actions act on the cluster resource, so only assignments at or above it count.
      if (namespace === null) {
        if (facts.adminCredential && !cluster.localAccountsDisabled) {
          collector.grant(principal, {
            level: "cluster-admin",
            namespace: null,
            route: "local-admin-credential",
            conditional,
            path: [
              ...prefix,
              ...via,
              permissionStep(facts.adminCredentialAction, facts.adminCredential),
              settingStep(
                cluster,
                "disableLocalAccounts",
                "local accounts are enabled (disableLocalAccounts: false)",
              ),
              kubernetesGroupStep("system:masters"),
              clusterStep(cluster),
            ],
          });
        }
        if (facts.userCredential) {
          const credentialPath = [
            ...prefix,
            ...via,
            permissionStep(AKS_ACTIONS.listUserCredential, facts.userCredential),
          ];
          if (cluster.entra.mode === "none") {
            collector.grant(principal, {
              level: "cluster-admin",
              namespace: null,
              route: "user-credential",
              conditional,
              path: [
                ...credentialPath,
                settingStep(
                  cluster,
                  "aadProfile",
                  "no Entra ID integration: the user kubeconfig is an admin certificate",
                ),
                clusterStep(cluster),
              ],
            });
          } else {
            collector.credentialHolder(principal, [...credentialPath, clusterStep(cluster)], conditional);
          }
        }
        if (facts.clusterWrite) {
          collector.escalation(principal, {
            to: "cluster-write",
            route: "azure-control-plane",
            path: [
              ...prefix,
              ...via,
              permissionStep(AKS_ACTIONS.writeCluster, facts.clusterWrite),
              settingStep(
                cluster,
                "managedClusters/write",
                "can re-enable local accounts or change the admin groups",
              ),
              clusterStep(cluster),
            ],
          });
        }
        if (facts.runCommand && !cluster.runCommandDisabled) {
          collector.escalation(principal, {
            to: "run-command",
            route: "azure-control-plane",
            path: [
              ...prefix,
              ...via,
              permissionStep(AKS_ACTIONS.runCommand, facts.runCommand),
              settingStep(cluster, "disableRunCommand", "run command is enabled"),
              clusterStep(cluster),
            ],
          });
        }
      }
      const dataFacts = namespace === null ? facts.dataCluster : facts.dataNamespace;
      if (azureRbac && dataFacts) {
        if (dataFacts.level) {
          collector.grant(principal, {
            level: dataFacts.level,
            namespace,
            route: "azure-rbac",
            conditional,
            path: [...prefix, ...via, azureRbacStep, clusterStep(cluster, namespace)],
          });
        }
        kubernetesEscalations(
          collector,
          reached,
          dataFacts,
          namespace,
          "azure-rbac",
          [...via, azureRbacStep],
          cluster,
        );
      }
    }
  };

  for (const assignment of assignmentsReaching(index, cluster.id)) applyAssignment(assignment, null);
  for (const { namespace, assignment } of index.namespaceAssignmentsByCluster.get(cluster.id) ?? []) {
    applyAssignment(assignment, namespace);
  }
}

/** Who can act as the kubelet or an add-on identity: assign it to compute, or change the scale sets that carry it. */
function identityOperatorRoutes(
  index: AccessIndex,
  cluster: Cluster,
  collector: ClusterAccessCollector,
): void {
  const escalate = (
    assignment: RoleAssignment,
    pattern: (facts: ReturnType<AccessIndex["roleFacts"]>) => string | null,
    action: string,
    target: PathStep,
  ) => {
    const definition = index.rolesByGuid.get(assignment.roleDefinitionId);
    if (!definition) return;
    const granted = pattern(index.roleFacts(definition));
    if (!granted) return;
    const assignee = directoryPrincipal(index, assignment.principalId, assignment.principalType);
    for (const { principal, prefix } of reachThroughGroups(index, assignee)) {
      collector.escalation(principal, {
        to: "identity-operator",
        route: "azure-control-plane",
        path: [
          ...prefix,
          assignmentStep(assignment, definition),
          roleDefinitionStep(definition),
          permissionStep(action, granted),
          target,
          clusterStep(cluster),
        ],
      });
    }
  };

  const identities = [
    ...(cluster.kubeletIdentity?.resourceId
      ? [{ id: cluster.kubeletIdentity.resourceId, label: "kubelet identity" }]
      : []),
    ...cluster.addons.flatMap((addon) =>
      addon.enabled && addon.identity?.resourceId
        ? [{ id: addon.identity.resourceId, label: `${addon.name} add-on identity` }]
        : [],
    ),
  ];
  for (const identity of identities) {
    const target = identityStep(identity.id, `${identity.label} ${identity.id.split("/").pop()}`);
    for (const assignment of assignmentsReaching(index, identity.id)) {
      escalate(assignment, (facts) => facts.assignIdentity, AKS_ACTIONS.assignIdentity, target);
    }
  }

  if (cluster.nodeResourceGroup) {
    const groupId = `/subscriptions/${cluster.subscriptionId}/resourcegroups/${cluster.nodeResourceGroup}`;
    const target: PathStep = {
      kind: "resourceGroup",
      id: groupId,
      label: `node resource group ${cluster.nodeResourceGroup} (its scale sets carry the kubelet and add-on identities)`,
    };
    const scaleSetAssignments = (index.assignmentsBelowResourceGroup.get(groupId) ?? []).filter(
      (assignment) => assignment.scope.includes("/providers/microsoft.compute/virtualmachinescalesets/"),
    );
    for (const assignment of [...assignmentsReaching(index, groupId), ...scaleSetAssignments]) {
      escalate(assignment, (facts) => facts.writeScaleSet, AKS_ACTIONS.writeScaleSet, target);
    }
  }
}

function entraAdminGroupRoute(index: AccessIndex, cluster: Cluster, collector: ClusterAccessCollector): void {
  if (cluster.entra.mode !== "managed") return;
  for (const groupId of cluster.entra.adminGroupIds) {
    const group = directoryPrincipal(index, groupId, "Group");
    for (const { principal, prefix } of reachThroughGroups(index, group)) {
      collector.grant(principal, {
        level: "cluster-admin",
        namespace: null,
        route: "entra-admin-group",
        conditional: false,
        path: [
          ...prefix,
          settingStep(cluster, "adminGroupObjectIDs", "listed in aadProfile.adminGroupObjectIDs"),
          clusterRoleBindingStep(cluster.id, AKS_ADMIN_BINDING_AAD),
          kubernetesRoleStep(cluster.id, "ClusterRole", null, "cluster-admin"),
          clusterStep(cluster),
        ],
      });
    }
  }
}

function kubernetesRoutes(
  index: AccessIndex,
  cluster: Cluster,
  inventory: ClusterKubernetes,
  collector: ClusterAccessCollector,
): void {
  const clusterRoleRules = effectiveClusterRoleRules(inventory.clusterRoles);
  const roleRules = new Map(inventory.roles.map((role) => [`${role.namespace}/${role.name}`, role.rules]));
  const factsCache = new Map<string, ScopeFacts>();
  const factsOf = (key: string, rules: readonly PolicyRule[], scope: "cluster" | "namespace") => {
    const cacheKey = `${scope}|${key}`;
    let facts = factsCache.get(cacheKey);
    if (!facts) {
      const can: Can = (verb, apiGroup, resource) => rulesAllow(rules, { verb, apiGroup, resource });
      facts = scopeFacts(can, scope);
      factsCache.set(cacheKey, facts);
    }
    return facts;
  };
  const adminGroups = new Set(cluster.entra.mode === "managed" ? cluster.entra.adminGroupIds : []);
  const isEmpty = (facts: ScopeFacts) =>
    facts.level === null && facts.escalations.length === 0 && !facts.createsPods && !facts.readsSecrets;

  const apply = (
    subjects: readonly Subject[],
    facts: ScopeFacts,
    namespace: string | null,
    via: PathStep[],
    skip?: (s: Subject) => boolean,
  ) => {
    for (const subject of subjects) {
      if (skip?.(subject)) continue;
      for (const reached of resolveSubject(index, cluster, inventory, subject)) {
        if (facts.level) {
          collector.grant(reached.principal, {
            level: facts.level,
            namespace,
            route: "kubernetes-rbac",
            conditional: false,
            path: [...reached.prefix, ...via, clusterStep(cluster, namespace)],
          });
        }
        kubernetesEscalations(collector, reached, facts, namespace, "kubernetes-rbac", via, cluster);
      }
    }
  };

  for (const binding of inventory.clusterRoleBindings) {
    if (binding.roleRef.kind !== "ClusterRole") continue;
    const rules = clusterRoleRules.get(binding.roleRef.name);
    if (!rules) continue;
    const facts = factsOf(`ClusterRole|${binding.roleRef.name}`, rules, "cluster");
    if (isEmpty(facts)) continue;
    const via = [
      clusterRoleBindingStep(cluster.id, binding.name),
      kubernetesRoleStep(cluster.id, "ClusterRole", null, binding.roleRef.name),
    ];
    // The AKS-managed admin binding is the entra-admin-group route, reported from the cluster's configuration.
    const skip =
      binding.name === AKS_ADMIN_BINDING_AAD
        ? (subject: Subject) => subject.kind === "Group" && adminGroups.has(subject.name.toLowerCase())
        : undefined;
    apply(binding.subjects, facts, null, via, skip);
  }

  for (const binding of inventory.roleBindings) {
    const rules =
      binding.roleRef.kind === "ClusterRole"
        ? clusterRoleRules.get(binding.roleRef.name)
        : roleRules.get(`${binding.namespace}/${binding.roleRef.name}`);
    if (!rules) continue;
    const key =
      binding.roleRef.kind === "ClusterRole"
        ? `ClusterRole|${binding.roleRef.name}`
        : `Role|${binding.namespace}|${binding.roleRef.name}`;
    const facts = factsOf(key, rules, "namespace");
    if (isEmpty(facts)) continue;
    const via = [
      roleBindingStep(cluster.id, binding.namespace, binding.name),
      kubernetesRoleStep(
        cluster.id,
        binding.roleRef.kind,
        binding.roleRef.kind === "Role" ? binding.namespace : null,
        binding.roleRef.name,
      ),
    ];
    apply(binding.subjects, facts, binding.namespace, via);
  }
}

// ---------------------------------------------------------------------------------------------

export function evaluateClusterAccess(
  model: TenantModel,
  clusterId: string,
  index?: AccessIndex,
): ClusterAccess {
  const accessIndex = index ?? buildAccessIndex(model);
  const cluster = accessIndex.clustersById.get(clusterId.toLowerCase());
  if (!cluster) throw new Error(`unknown cluster: ${clusterId}`);
  const collector = new ClusterAccessCollector();

  entraAdminGroupRoute(accessIndex, cluster, collector);
  azureRoutes(accessIndex, cluster, collector);
  identityOperatorRoutes(accessIndex, cluster, collector);
  const inventory = model.kubernetes[cluster.id];
  // With enableRBAC off there is no Kubernetes authorization to evaluate (and no Entra integration).
  if (inventory && cluster.kubernetesRbac) kubernetesRoutes(accessIndex, cluster, inventory, collector);

  return { cluster: { id: cluster.id, name: cluster.name }, principals: collector.finish() };
}
