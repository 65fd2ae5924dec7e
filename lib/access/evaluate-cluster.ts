import {
  type AccessIndex,
  type AzureRoleFacts,
  assignmentsReaching,
  buildAccessIndex,
  eligibilitiesReaching,
  type Reached,
  scopeChain,
} from "@/lib/access/access-index";
import { AKS_ACTIONS, nodeComputeOf, nodeComputeScope } from "@/lib/access/azure-permissions";
import { type BoundRules, boundRules } from "@/lib/access/bound-rules";
import { deniedPermissions, deniesAction } from "@/lib/access/deny-assignments";
import { rulesAllow } from "@/lib/access/kubernetes-rbac";
import { type Can, partOfAStrongLevel, type ScopeFacts, scopeFacts } from "@/lib/access/levels";
import {
  clusterRoleBindingStep,
  clusterStep,
  groupEligibilityStep,
  groupStep,
  identityStep,
  kubernetesGroupStep,
  kubernetesRoleStep,
  permissionStep,
  principalStep,
  roleDefinitionStep,
  settingStep,
} from "@/lib/access/paths";
import { grantStep } from "@/lib/access/pim-steps";
import {
  ACCESS_LEVEL_RANK,
  type AccessPrincipal,
  type ClusterAccess,
  type Escalation,
  type EscalationRoute,
  type EscalationTarget,
  type Grant,
  type PathStep,
  type PrincipalAccess,
} from "@/lib/access/types";
import type { Cluster, RoleAssignment } from "@/lib/model/azure";
import type { GroupEligibility, Principal } from "@/lib/model/directory";
import { clusterNamespaceScope } from "@/lib/model/ids";
import {
  type ClusterKubernetes,
  emptyClusterKubernetes,
  type PolicyRule,
  type Subject,
} from "@/lib/model/kubernetes";
import type { TenantModel } from "@/lib/model/tenant-model";

// Who can do what on one cluster, and by which route. The rules are documented in
// docs/access-model.md; each grant carries the path that explains it.

const AKS_ADMIN_BINDING_AAD = "aks-cluster-admin-binding-aad";

/** Kubernetes groups every authenticated caller (or service account) is in, evaluated as their own principal. */
const SPECIAL_GROUPS = new Set(["system:authenticated", "system:unauthenticated", "system:serviceaccounts"]);

type Entry = {
  principal: AccessPrincipal;
  grants: Map<string, Grant>;
  escalations: Map<string, Escalation>;
};

/**
 * Collects one cluster's grants and escalations. Each is keyed by what it is plus a short `source`
 * (the assignment or binding and the group it came through), so duplicates collapse without
 * building a string of the whole path; the same keys give a stable order.
 */
class ClusterAccessCollector {
  private readonly entries = new Map<string, Entry>();
  private readonly credentialHolders: {
    principal: AccessPrincipal;
    path: PathStep[];
    conditional: boolean;
    source: string;
  }[] = [];

  private entry(principal: AccessPrincipal): Entry {
    let entry = this.entries.get(principal.id);
    if (!entry) {
      entry = { principal, grants: new Map(), escalations: new Map() };
      this.entries.set(principal.id, entry);
    }
    return entry;
  }

  grant(principal: AccessPrincipal, grant: Grant, source: string): void {
    const rank = 9 - ACCESS_LEVEL_RANK[grant.level];
    const key = `${rank}|${grant.namespace ?? ""}|${grant.route}|${grant.conditional ? 1 : 0}|${source}`;
    this.entry(principal).grants.set(key, grant);
  }

  /** Whether the principal already holds `rank` or more at `namespace` (or cluster-wide), standing and unconditional. */
  holdsStanding(principalId: string, rank: number, namespace: string | null): boolean {
    for (const grant of this.entries.get(principalId)?.grants.values() ?? []) {
      if (grant.eligible || grant.conditional || grant.level === "credentials-only") continue;
      if (grant.namespace !== null && grant.namespace !== namespace) continue;
      if (ACCESS_LEVEL_RANK[grant.level] >= rank) return true;
    }
    return false;
  }

  escalation(principal: AccessPrincipal, escalation: Escalation, source: string): void {
    this.entry(principal).escalations.set(`${escalation.to}|${escalation.route}|${source}`, escalation);
  }

  /**
   * PIM for Groups: an eligible member of a group holds what the group holds once it activates the membership
   * ("PIM creates an active assignment (adds user as member or owner of the group)": learn.microsoft.com/entra/
   * id-governance/privileged-identity-management/groups-activate-roles; "PIM for Groups gives you more control
   * over how and when principals are members ... and therefore have privileges granted through their group
   * membership": learn.microsoft.com/graph/api/resources/privilegedidentitymanagement-for-groups-api-overview).
   * So each standing grant and escalation of a group is its eligible members' too, marked `eligible` (path: the
   * member, its `groupEligibility` step, the group's membership, the group's path) — as an eligible Azure role
   * assignment gives its grants marked eligible. The AKS admin group with eligible members (Microsoft's
   * just-in-time pattern for cluster-admin) makes them eligible cluster-admins, not "can become" through an
   * attack path. Left out: a level the member holds standing there anyway (standing access is never reported
   * as eligible), a group's own eligible grants (two activations in a row), kubeconfig fetches alone, and
   * eligible owners (an owner is no member until it adds itself: an attack-path edge, directory-edges.ts).
   * Called once every route and combination has been collected, so that standing grants are known.
   */
  addEligibleGroupMembers(index: AccessIndex): void {
    const byGroup = memberEligibilitiesByGroup(index);
    if (byGroup.size === 0) return;
    for (const entry of [...this.entries.values()]) {
      if (entry.principal.kind !== "Group") continue;
      const eligibilities = byGroup.get(entry.principal.id);
      if (!eligibilities) continue;
      const grants = [...entry.grants].filter(
        ([, grant]) => grant.eligible !== true && grant.level !== "credentials-only",
      );
      const escalations = [...entry.escalations].filter(([, escalation]) => escalation.eligible !== true);
      if (grants.length === 0 && escalations.length === 0) continue;
      const group = entry.principal;
      for (const eligibility of eligibilities) {
        const holder = eligibleMember(index, group, eligibility);
        if (!holder) continue;
        for (const reached of reachThroughGroups(index, holder.principal)) {
          const prefix = [...reached.prefix, holder.step, groupStep(group)];
          // the group's row key, and who activates into it through which of its own groups
          const source = `pim-member:${group.id}:${holder.principal.id}|${reached.via}`;
          for (const [key, grant] of grants) {
            if (this.holdsStanding(reached.principal.id, ACCESS_LEVEL_RANK[grant.level], grant.namespace))
              continue;
            const expires = earliest(grant.expires, eligibility.endDateTime ?? undefined);
            this.grant(
              reached.principal,
              {
                ...grant,
                eligible: true,
                ...(expires ? { expires } : {}),
                path: [...prefix, ...grant.path.slice(1)],
              },
              `${key}|${source}`,
            );
          }
          for (const [key, escalation] of escalations) {
            this.escalation(
              reached.principal,
              { ...escalation, eligible: true, path: [...prefix, ...escalation.path.slice(1)] },
              `${key}|${source}`,
            );
          }
        }
      }
    }
  }

  credentialHolder(principal: AccessPrincipal, path: PathStep[], conditional: boolean, source: string): void {
    this.credentialHolders.push({ principal, path, conditional, source });
  }

  finish(): PrincipalAccess[] {
    // Fetching a user kubeconfig is access only for those who have nothing else on the cluster.
    const withGrants = new Set<string>();
    for (const entry of this.entries.values()) if (entry.grants.size > 0) withGrants.add(entry.principal.id);
    for (const holder of this.credentialHolders) {
      if (withGrants.has(holder.principal.id)) continue;
      this.grant(
        holder.principal,
        {
          level: "credentials-only",
          namespace: null,
          route: "user-credential",
          conditional: holder.conditional,
          path: holder.path,
        },
        holder.source,
      );
    }
    const result: { access: PrincipalAccess; rank: number }[] = [];
    for (const entry of this.entries.values()) {
      const grants = sortedValues(entry.grants);
      const isClusterAdmin = grants.some(
        (grant) =>
          grant.level === "cluster-admin" &&
          grant.namespace === null &&
          !grant.conditional &&
          !grant.eligible,
      );
      // Kubernetes escalations say nothing new about someone who already holds cluster-admin.
      const escalations = sortedValues(entry.escalations).filter(
        (escalation) => !isClusterAdmin || escalation.route === "azure-control-plane",
      );
      if (grants.length === 0 && escalations.length === 0) continue;
      const rank = grants.length === 0 ? -1 : ACCESS_LEVEL_RANK[grants[0].level];
      result.push({ access: { principal: entry.principal, grants, escalations }, rank });
    }
    result.sort(
      (a, b) =>
        b.rank - a.rank ||
        compareText(a.access.principal.displayName, b.access.principal.displayName) ||
        compareText(a.access.principal.id, b.access.principal.id),
    );
    return result.map((item) => item.access);
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Values ordered by key: grant keys start with the level's rank, namespace and route. */
function sortedValues<T>(map: Map<string, T>): T[] {
  return [...map.keys()].sort(compareText).map((key) => map.get(key) as T);
}

// ---------------------------------------------------------------------------------------------
// Principals

export function directoryPrincipal(index: AccessIndex, id: string, typeHint?: string): AccessPrincipal {
  const cached = index.principalCache.get(id);
  if (cached) return cached;
  const principal = resolveDirectoryPrincipal(index, id, typeHint);
  index.principalCache.set(id, principal);
  return principal;
}

function resolveDirectoryPrincipal(index: AccessIndex, id: string, typeHint?: string): AccessPrincipal {
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
export function reachThroughGroups(index: AccessIndex, principal: AccessPrincipal): Reached[] {
  const cached = index.reachedCache.get(principal.id);
  if (cached) return cached;
  const reached: Reached[] = [{ principal, prefix: [principalStep(principal)], via: "" }];
  if (principal.kind === "Group") {
    for (const memberId of index.membersOfGroup.get(principal.id) ?? []) {
      // A member the directory does not know as a principal (a device, a contact, a snapshot taken
      // before the scanner left those out) cannot sign in: it inherits nothing.
      if (!index.principalsById.has(memberId) && !index.identitiesByPrincipalId.has(memberId)) continue;
      const member = directoryPrincipal(index, memberId);
      reached.push({
        principal: member,
        prefix: [principalStep(member), groupStep(principal)],
        via: principal.id,
      });
    }
  }
  index.reachedCache.set(principal.id, reached);
  return reached;
}

/**
 * Who `system:authenticated` holds on an Entra-integrated cluster besides certificates and service
 * accounts: every account of the cluster's tenant. The API server adds the group to every request that
 * authenticates (kubernetes/apiserver pkg/authentication/group/authenticated_group_adder.go), and Guard
 * authenticates any token its tenant issues for the cluster's server application
 * (kubeguard/guard auth/providers/azure); nothing narrows it to the accounts a binding names. So
 * `everyone-is-admin` makes every user, service principal and managed identity of the tenant
 * cluster-admin. They are reached as members of the tenant's sign-in group (one group row in storage,
 * expanded on read), which is itself in `system:authenticated`. A cluster of another tenant
 * (`aadProfile.tenantID`) signs in accounts the scan does not know: none are added.
 */
function entraSignIns(index: AccessIndex, cluster: Cluster): Reached[] {
  const group = index.entraSignInGroup;
  // the group's id is the tenant's GUID (tenantGuidOf)
  const tenantId = cluster.entra.tenantId?.toLowerCase();
  if (tenantId && tenantId !== group.id) return [];
  const key = `${group.id}|system:authenticated`;
  const cached = index.reachedCache.get(key);
  if (cached) return cached;
  const authenticated = groupStep(kubernetesGroup("system:authenticated"));
  const reached = reachThroughGroups(index, group).map((entry) => ({
    principal: entry.principal,
    prefix: [...entry.prefix, authenticated],
    via: entry.via || authenticated.id,
  }));
  index.reachedCache.set(key, reached);
  return reached;
}

/**
 * Does this principal's Entra token carry a `upn` claim (so that Guard names it by UPN)? Member users
 * do. Guests do not: a guest's UPN is `<mail with _>#EXT#@<tenant>` (the example in
 * learn.microsoft.com/azure/aks/control-kubeconfig-access: `user_contoso.com#EXT#@contoso.onmicrosoft.com`
 * for "Microsoft Entra guest users"), and AKS documents binding users of another tenant by object id.
 * Service principals and managed identities have no UPN. A user whose UPN the scan did not read is
 * taken to sign in by object id, so a binding by object id is not lost.
 */
function signsInByUpn(principal: Principal): boolean {
  const upn = principal.userPrincipalName;
  return principal.kind === "User" && upn !== undefined && upn !== "" && !upn.toUpperCase().includes("#EXT#");
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
export function resolveSubject(
  index: AccessIndex,
  cluster: Cluster,
  inventory: ClusterKubernetes,
  subject: Subject,
  bindingNamespace: string | null,
): Reached[] {
  const entra = cluster.entra.mode !== "none";
  const one = (principal: AccessPrincipal): Reached[] => [
    { principal, prefix: [principalStep(principal)], via: "" },
  ];
  if (subject.kind === "ServiceAccount") {
    // A ServiceAccount subject without a namespace means the RoleBinding's own namespace, and in a
    // ClusterRoleBinding nobody (pkg/registry/rbac/validation/rule.go appliesToUser).
    const namespace = subject.namespace || bindingNamespace;
    return namespace ? one(serviceAccount(namespace, subject.name)) : [];
  }

  if (subject.kind === "User") {
    const serviceAccountName = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject.name);
    if (serviceAccountName) return one(serviceAccount(serviceAccountName[1], serviceAccountName[2]));
    if (subject.name.startsWith("system:") && subject.name !== "system:anonymous") return [];
    if (entra) {
      // Entra-integrated clusters (managed and legacy alike authenticate through the Guard webhook)
      // name a caller by the token's `upn` claim, and only when it has none by its `oid` claim
      // (kubeguard/guard auth/providers/azure/azure.go, claims.getUserInfo("upn", "oid")): members
      // by UPN; guests, service principals and managed identities by object id (a lower-case GUID).
      // learn.microsoft.com/azure/aks/kubernetes-rbac-entra-id: "same Microsoft Entra tenant, assign
      // permissions based on the UPN ... in a different Microsoft Entra tenant, query for and use the
      // objectId". Kubernetes compares user names exactly (kubernetes/kubernetes
      // pkg/registry/rbac/validation/rule.go appliesToUser: `user.GetName() == subject.Name`), so `Leonard@contoso.example` or an
      // upper-case object id is another user, not this one; model ids are lower-cased GUIDs.
      // By the same rule a member user's object id names nobody: the member's token carries `upn`,
      // so Guard never reports the object id as its user name (MicrosoftDocs/azure-docs issues 40922,
      // 67252, 90405: bindings by a member's object id do not work). Such a subject stays a plain
      // Kubernetes user name, as any name nobody in the directory signs in with.
      const byId = index.principalsById.get(subject.name);
      // A User subject is never a group, even when it names a group's object id.
      if (byId && byId.kind !== "Group" && !signsInByUpn(byId))
        return one(directoryPrincipal(index, byId.id));
      // A guest's UPN is never its user name: its token has no `upn` claim.
      const byUpn = index.usersByExactUpn.get(subject.name);
      if (byUpn && signsInByUpn(byUpn)) return one(directoryPrincipal(index, byUpn.id));
    }
    return one(kubernetesUser(subject.name));
  }

  const name = subject.name;
  const serviceAccountsIn = (namespace: string | null) =>
    inventory.serviceAccounts.filter((account) => namespace === null || account.namespace === namespace);
  const groupWithServiceAccounts = (namespace: string | null): Reached[] => {
    const group = kubernetesGroup(name);
    return [
      { principal: group, prefix: [principalStep(group)], via: "" },
      ...serviceAccountsIn(namespace).map((account) => {
        const principal = serviceAccount(account.namespace, account.name);
        return { principal, prefix: [principalStep(principal), groupStep(group)], via: group.id };
      }),
    ];
  };
  // system:masters bypasses RBAC; who gets into it is the local-admin-credential route, so its
  // bindings (the default cluster-admin binding) add nothing to report.
  if (name === "system:masters") return [];
  if (name === "system:authenticated") {
    const signedIn = entra ? entraSignIns(index, cluster) : [];
    return [...groupWithServiceAccounts(null), ...signedIn];
  }
  if (name === "system:serviceaccounts") return groupWithServiceAccounts(null);
  if (name.startsWith("system:serviceaccounts:"))
    return groupWithServiceAccounts(name.slice("system:serviceaccounts:".length));
  if (SPECIAL_GROUPS.has(name)) return one(kubernetesGroup(name));
  if (name.startsWith("system:")) return [];
  if (entra) {
    // The token's `groups` claim lists lower-case object ids, compared exactly like user names.
    const known = index.principalsById.get(name);
    if (known?.kind === "Group") return reachThroughGroups(index, directoryPrincipal(index, known.id));
  }
  return one(kubernetesGroup(name));
}

// ---------------------------------------------------------------------------------------------
// Routes
//
// Each route builds the tail of its paths once per assignment or binding; a reached principal's
// path is its prefix (itself, its group) followed by that shared tail.

type EscalationTail = { to: EscalationTarget; tail: PathStep[] };

/** Per cluster: one step object per namespace, one source id per assignment. */
class ClusterSteps {
  private readonly steps = new Map<string, PathStep>();
  constructor(readonly cluster: Cluster) {}
  at(namespace: string | null): PathStep {
    const key = namespace ?? "";
    let step = this.steps.get(key);
    if (!step) {
      step = clusterStep(this.cluster, namespace);
      this.steps.set(key, step);
    }
    return step;
  }
}

function kubernetesEscalationTails(
  facts: ScopeFacts,
  namespace: string | null,
  via: readonly PathStep[],
  steps: ClusterSteps,
): EscalationTail[] {
  const where = namespace === null ? "" : ` in namespace ${namespace}`;
  const tail = (id: string): PathStep[] => [
    ...via,
    { kind: "permission", id, label: `can ${id}${where}` },
    steps.at(namespace),
  ];
  const tails: EscalationTail[] = facts.escalations.map(({ to, evidence }) => ({ to, tail: tail(evidence) }));
  const inKubeSystem = namespace === null || namespace === "kube-system";
  if (inKubeSystem && facts.createsPods)
    tails.push({ to: "kube-system-pods", tail: tail("create pods (kube-system)") });
  if (inKubeSystem && facts.readsSecrets)
    tails.push({ to: "kube-system-secrets", tail: tail("read secrets (kube-system)") });
  return tails;
}

function emitEscalations(
  collector: ClusterAccessCollector,
  reached: Reached,
  tails: readonly EscalationTail[],
  route: EscalationRoute,
  source: string,
  eligible?: boolean,
): void {
  for (const { to, tail } of tails) {
    collector.escalation(
      reached.principal,
      { to, route, path: [...reached.prefix, ...tail], ...(eligible ? { eligible: true } : {}) },
      source,
    );
  }
}

function azureRoutes(
  index: AccessIndex,
  cluster: Cluster,
  steps: ClusterSteps,
  collector: ClusterAccessCollector,
  combined: BindingCombinations,
): void {
  const azureRbac = cluster.entra.mode === "managed" && cluster.entra.azureRbac;
  const azureRbacStep = settingStep(
    cluster,
    "enableAzureRBAC",
    "Azure RBAC for Kubernetes authorization is enabled",
  );
  const localAccountsStep = settingStep(
    cluster,
    "disableLocalAccounts",
    "local accounts are enabled (disableLocalAccounts: false)",
  );
  const noEntraStep = settingStep(
    cluster,
    "aadProfile",
    "no Entra ID integration: the user kubeconfig is an admin certificate",
  );
  const clusterWriteStep = settingStep(
    cluster,
    "managedClusters/write",
    "can re-enable local accounts or change the admin groups",
  );
  // Whose identity run command's kubectl runs as: on AKS-managed Entra clusters the caller's own (the
  // Azure CLI sends the caller's token for the AKS server app as `clusterToken` "so the command
  // execution also using current user identity", Azure/azure-cli acs/custom.py aks_runcommand, and
  // the RP requires it there: "MissingAADClusterToken", Azure/azure-rest-api-specs issue 22480);
  // elsewhere no token is sent and the command uses the cluster's admin credential.
  const runCommandStep = settingStep(
    cluster,
    "disableRunCommand",
    cluster.entra.mode === "managed"
      ? "run command is enabled; its kubectl runs as the caller's own Entra identity"
      : "run command is enabled; its kubectl runs with the cluster's admin credential",
  );
  const mastersStep = kubernetesGroupStep("system:masters");

  const applyAssignment = (assignment: RoleAssignment, namespace: string | null) => {
    const definition = index.rolesByGuid.get(assignment.roleDefinitionId);
    if (!definition) return;
    const conditional = assignment.condition !== null;
    const via = [grantStep(index, assignment, definition), roleDefinitionStep(definition)];
    const ordinal = index.assignmentOrdinal.get(assignment) ?? -1;
    // PIM: an eligible assignment gives what the role would give once activated, marked eligible;
    // a time-bound one gives it until it expires.
    const terms = index.assignmentTerms.get(assignment);
    const marks = {
      ...(terms?.eligible ? { eligible: true } : {}),
      ...(terms?.expires ? { expires: terms.expires } : {}),
    };

    // Control-plane actions act on the cluster resource, so only assignments at or above it count.
    const controlPlane = namespace === null;
    const tailsFor = (facts: AzureRoleFacts) => {
      const adminCredentialTail =
        controlPlane && facts.adminCredential && !cluster.localAccountsDisabled
          ? [
              ...via,
              permissionStep(facts.adminCredentialAction, facts.adminCredential),
              localAccountsStep,
              mastersStep,
              steps.at(null),
            ]
          : null;
      // Without Entra integration the user kubeconfig is a static certificate, and
      // `disableLocalAccounts: true` disables "getting static credentials" (azure-rest-api-specs
      // Microsoft.ContainerService managedClusters.json, ManagedClusterProperties.disableLocalAccounts),
      // so neither credential works there.
      const staticCredentialsOnly = cluster.entra.mode === "none" && cluster.localAccountsDisabled;
      const userCredentialTail =
        controlPlane && facts.userCredential && !staticCredentialsOnly
          ? cluster.entra.mode === "none"
            ? [
                ...via,
                permissionStep(AKS_ACTIONS.listUserCredential, facts.userCredential),
                noEntraStep,
                steps.at(null),
              ]
            : [...via, permissionStep(AKS_ACTIONS.listUserCredential, facts.userCredential), steps.at(null)]
          : null;
      const controlEscalations: EscalationTail[] = [];
      if (controlPlane && facts.clusterWrite) {
        controlEscalations.push({
          to: "cluster-write",
          tail: [
            ...via,
            permissionStep(AKS_ACTIONS.writeCluster, facts.clusterWrite),
            clusterWriteStep,
            steps.at(null),
          ],
        });
      }
      if (controlPlane && facts.runCommand && !cluster.runCommandDisabled) {
        controlEscalations.push({
          to: "run-command",
          tail: [
            ...via,
            permissionStep(AKS_ACTIONS.runCommand, facts.runCommand),
            runCommandStep,
            steps.at(null),
          ],
        });
      }
      const dataFacts = azureRbac ? (controlPlane ? facts.dataCluster : facts.dataNamespace) : null;
      const dataTail = dataFacts?.level ? [...via, azureRbacStep, steps.at(namespace)] : null;
      const dataEscalations = dataFacts
        ? kubernetesEscalationTails(dataFacts, namespace, [...via, azureRbacStep], steps)
        : [];
      const empty =
        !adminCredentialTail &&
        !userCredentialTail &&
        controlEscalations.length === 0 &&
        !dataTail &&
        dataEscalations.length === 0;
      return {
        adminCredentialTail,
        userCredentialTail,
        controlEscalations,
        dataFacts,
        dataTail,
        dataEscalations,
        empty,
      };
    };
    const standing = tailsFor(index.roleFacts(definition));
    // Deny assignments can only take away: nothing granted, nothing to deny.
    if (standing.empty) return;
    const chain =
      namespace === null ? clusterChain : [...clusterChain, clusterNamespaceScope(cluster.id, namespace)];

    const assignee = directoryPrincipal(index, assignment.principalId, assignment.principalType);
    for (const reached of reachThroughGroups(index, assignee)) {
      const { principal, prefix } = reached;
      const source = `a${ordinal}|${reached.via}`;
      const denied = deniedPermissions(index.denyIndex, chain, principal.id);
      const tails = denied ? tailsFor(index.deniedRoleFacts(definition, denied)) : standing;
      // Azure RBAC and Kubernetes RBAC both authorize: the request passes when either allows it
      // (an eligible assignment too, marked eligible: activating it makes the same role active at the same scope)
      if (azureRbac) {
        const dataPart = (principalId: string) => {
          const deniedHere =
            principalId === principal.id ? denied : deniedPermissions(index.denyIndex, chain, principalId);
          const dataCan = (
            deniedHere ? index.deniedRoleFacts(definition, deniedHere) : index.roleFacts(definition)
          ).dataCan;
          return dataCan
            ? {
                key: `azure|${definition.guid}|${deniedHere ? JSON.stringify(deniedHere) : ""}`,
                can: dataCan,
              }
            : null;
        };
        const data = dataPart(principal.id);
        if (data)
          combined.addPart(principal, {
            namespace,
            ...data,
            path: [...prefix, ...via, azureRbacStep],
            source: `${source}|data`,
            conditional,
            authorizer: "azure",
            eligible: terms?.eligible === true,
            ...(terms?.expires ? { expires: terms.expires } : {}),
            forPrincipal: dataPart,
          });
      }
      const {
        adminCredentialTail,
        userCredentialTail,
        controlEscalations,
        dataFacts,
        dataTail,
        dataEscalations,
      } = tails;
      if (adminCredentialTail) {
        collector.grant(
          principal,
          {
            level: "cluster-admin",
            namespace: null,
            route: "local-admin-credential",
            conditional,
            ...marks,
            path: [...prefix, ...adminCredentialTail],
          },
          source,
        );
      }
      if (userCredentialTail) {
        if (cluster.entra.mode === "none") {
          collector.grant(
            principal,
            {
              level: "cluster-admin",
              namespace: null,
              route: "user-credential",
              conditional,
              ...marks,
              path: [...prefix, ...userCredentialTail],
            },
            source,
          );
        } else if (!terms?.eligible) {
          // (an eligible kubeconfig fetch alone is not reported: it is not access even when active)
          collector.credentialHolder(principal, [...prefix, ...userCredentialTail], conditional, source);
        }
      }
      emitEscalations(collector, reached, controlEscalations, "azure-control-plane", source, terms?.eligible);
      if (dataFacts?.level && dataTail) {
        collector.grant(
          principal,
          {
            level: dataFacts.level,
            namespace,
            route: "azure-rbac",
            conditional,
            ...marks,
            path: [...prefix, ...dataTail],
          },
          source,
        );
      }
      emitEscalations(collector, reached, dataEscalations, "azure-rbac", source, terms?.eligible);
    }
  };

  const clusterChain = scopeChain(index, cluster.id);
  for (const assignment of assignmentsReaching(index, cluster.id)) applyAssignment(assignment, null);
  for (const { namespace, assignment } of index.namespaceAssignmentsByCluster.get(cluster.id) ?? []) {
    applyAssignment(assignment, namespace);
  }
  // PIM eligible role assignments give the same grants and escalations, marked eligible.
  for (const assignment of eligibilitiesReaching(index, cluster.id)) applyAssignment(assignment, null);
  for (const { namespace, assignment } of index.eligibleNamespaceByCluster.get(cluster.id) ?? []) {
    applyAssignment(assignment, namespace);
  }
}

/**
 * Who can act as the kubelet or an add-on identity: assign it to compute, or run code on the nodes
 * that carry it (NODE_CODE_EXECUTION_ACTIONS in the node resource group).
 */
function identityOperatorRoutes(
  index: AccessIndex,
  cluster: Cluster,
  steps: ClusterSteps,
  collector: ClusterAccessCollector,
): void {
  type Granted = { action: string; pattern: string; target: PathStep };
  const escalate = (
    assignment: RoleAssignment,
    /** what the role grants toward the target, in order of preference */
    grantedBy: (facts: AzureRoleFacts) => readonly Granted[],
    /** the resource the actions act on: deny assignments at or above it apply */
    resourceId: string,
  ) => {
    const definition = index.rolesByGuid.get(assignment.roleDefinitionId);
    if (!definition) return;
    const granted = grantedBy(index.roleFacts(definition));
    if (granted.length === 0) return;
    // A PIM eligibility gives the same once activated (pim-resource-roles-activate-your-roles): marked eligible,
    // its path naming the eligibility, as the attack-path edges for the same actions do.
    const eligible = index.assignmentTerms.get(assignment)?.eligible === true;
    const tails = granted.map(({ action, pattern, target }) => ({
      action,
      target,
      tail: [
        grantStep(index, assignment, definition),
        roleDefinitionStep(definition),
        permissionStep(action, pattern),
        target,
        steps.at(null),
      ],
    }));
    const ordinal = index.assignmentOrdinal.get(assignment) ?? -1;
    const assignee = directoryPrincipal(index, assignment.principalId, assignment.principalType);
    // Deny assignments take an action away first (lib/access/deny-assignments.ts): the next one
    // granted and not denied explains the route, if any.
    const chain = index.denyIndex.byScope.size > 0 ? scopeChain(index, resourceId) : [];
    for (const reached of reachThroughGroups(index, assignee)) {
      const choice =
        chain.length > 0
          ? tails.find(({ action }) => !deniesAction(index.denyIndex, chain, reached.principal.id, action))
          : tails[0];
      if (!choice) continue;
      emitEscalations(
        collector,
        reached,
        [{ to: "identity-operator", tail: choice.tail }],
        "azure-control-plane",
        `a${ordinal}|${choice.target.id}|${reached.via}`,
        eligible,
      );
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
    for (const assignment of [
      ...assignmentsReaching(index, identity.id),
      ...eligibilitiesReaching(index, identity.id),
    ]) {
      escalate(
        assignment,
        (facts) =>
          facts.assignIdentity
            ? [{ action: AKS_ACTIONS.assignIdentity, pattern: facts.assignIdentity, target }]
            : [],
        identity.id,
      );
    }
  }

  if (cluster.nodeResourceGroup) {
    const groupId = `/subscriptions/${cluster.subscriptionId}/resourcegroups/${cluster.nodeResourceGroup}`;
    const targetFor = (how: string): PathStep => ({
      kind: "resourceGroup",
      id: groupId,
      label: `node resource group ${cluster.nodeResourceGroup}: ${how} (its nodes carry the kubelet and add-on identities)`,
    });
    // At the group or above: every node action. At a scale set or VM below it: that compute's own,
    // and deny assignments down to it.
    const below = [
      ...(index.assignmentsBelowResourceGroup.get(groupId) ?? []),
      ...[...index.eligibleByScope].flatMap(([scope, eligibilities]) =>
        scope.startsWith(`${groupId}/`) ? eligibilities : [],
      ),
    ];
    const nodeAssignments = [
      ...[...assignmentsReaching(index, groupId), ...eligibilitiesReaching(index, groupId)].map(
        (assignment) => ({
          assignment,
          on: null,
        }),
      ),
      ...below.flatMap((assignment) => {
        const on = nodeComputeOf(assignment.scope);
        return on ? [{ assignment, on }] : [];
      }),
    ];
    for (const { assignment, on } of nodeAssignments) {
      escalate(
        assignment,
        (facts) =>
          facts.nodeCodeExecution
            .filter((granted) => on === null || granted.on === on)
            .map(({ action, pattern, how }) => ({ action, pattern, target: targetFor(how) })),
        on === null ? nodeComputeScope(groupId) : assignment.scope,
      );
    }
  }
}

function entraAdminGroupRoute(
  index: AccessIndex,
  cluster: Cluster,
  steps: ClusterSteps,
  collector: ClusterAccessCollector,
): void {
  if (cluster.entra.mode !== "managed") return;
  const tail = [
    settingStep(cluster, "adminGroupObjectIDs", "listed in aadProfile.adminGroupObjectIDs"),
    clusterRoleBindingStep(cluster.id, AKS_ADMIN_BINDING_AAD),
    kubernetesRoleStep(cluster.id, "ClusterRole", null, "cluster-admin"),
    steps.at(null),
  ];
  for (const groupId of cluster.entra.adminGroupIds) {
    const group = directoryPrincipal(index, groupId, "Group");
    for (const { principal, prefix, via } of reachThroughGroups(index, group)) {
      collector.grant(
        principal,
        {
          level: "cluster-admin",
          namespace: null,
          route: "entra-admin-group",
          conditional: false,
          path: [...prefix, ...tail],
        },
        `admin-group|${groupId}|${via}`,
      );
    }
  }
}

function kubernetesRoutes(
  index: AccessIndex,
  cluster: Cluster,
  inventory: ClusterKubernetes,
  steps: ClusterSteps,
  collector: ClusterAccessCollector,
  combined: BindingCombinations,
): void {
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
    bindingSource: string,
    skip?: (subject: Subject) => boolean,
  ) => {
    const grantTail = facts.level ? [...via, steps.at(namespace)] : null;
    const escalationTails = kubernetesEscalationTails(facts, namespace, via, steps);
    for (const subject of subjects) {
      if (skip?.(subject)) continue;
      for (const reached of resolveSubject(index, cluster, inventory, subject, namespace)) {
        const source = `${bindingSource}|${subject.kind}:${subject.namespace ?? ""}:${subject.name}|${reached.via}`;
        if (facts.level && grantTail) {
          collector.grant(
            reached.principal,
            {
              level: facts.level,
              namespace,
              route: "kubernetes-rbac",
              conditional: false,
              path: [...reached.prefix, ...grantTail],
            },
            source,
          );
        }
        emitEscalations(collector, reached, escalationTails, "kubernetes-rbac", source);
      }
    }
  };

  for (const bound of boundRules(cluster.id, inventory)) {
    const facts = factsOf(bound.roleKey, bound.rules, bound.namespace === null ? "cluster" : "namespace");
    combined.add(bound, index, cluster, inventory);
    if (isEmpty(facts)) continue;
    if (bound.namespace === null) {
      // The AKS-managed admin binding is the entra-admin-group route, reported from the cluster's configuration.
      const skip =
        bound.binding === AKS_ADMIN_BINDING_AAD
          ? (subject: Subject) => subject.kind === "Group" && adminGroups.has(subject.name.toLowerCase())
          : undefined;
      apply(bound.subjects, facts, null, bound.via, `crb:${bound.binding}`, skip);
    } else {
      apply(bound.subjects, facts, bound.namespace, bound.via, `rb:${bound.namespace}/${bound.binding}`);
    }
  }
}

/** One grant's part in what a principal holds: what it allows, and how the principal comes to hold it. */
type BindingPart = {
  namespace: string | null;
  /** what `can` is made of (a role, with the denies taken out): equal keys allow the same */
  key: string;
  can: Can;
  /** the principal's prefix (itself, the group it is bound through) and the binding's or assignment's steps */
  path: PathStep[];
  source: string;
  conditional: boolean;
  authorizer: "kubernetes" | "azure";
  /** held only after a PIM activation (an eligible role assignment, or an eligible group membership on the way) */
  eligible: boolean;
  /** ISO 8601 end of a time-bound assignment or eligibility the part rests on */
  expires?: string;
  /** Azure parts: what the role allows another principal (a group's eligible member), its deny assignments taken out */
  forPrincipal?: (principalId: string) => { key: string; can: Can } | null;
};

const MAX_COMBINED_PARTS = 40;

/**
 * Kubernetes RBAC is additive: a request is allowed when a rule of *any* binding that applies to the caller
 * allows it (kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go Authorize →
 * pkg/registry/rbac/validation/rule.go VisitRulesFor, every ClusterRoleBinding's and the namespace's
 * RoleBindings' rules; kubernetes.io/docs/reference/access-authn-authz/rbac: "Permissions are purely
 * additive"). With Azure RBAC for Kubernetes the authorizers add up too: a request either allows passes
 * (learn.microsoft.com/azure/aks/manage-azure-rbac: Kubernetes RBAC keeps working beside Azure RBAC; guard
 * answers "no opinion" and RBAC decides). admin and cluster-admin need every one of their permissions
 * (lib/access/levels.ts), so a principal may hold them through two grants that each hold part — which one
 * grant at a time reports as less, or nothing. This collects each principal's parts and reports what they
 * make together, where that is more than any one of them gives.
 */
class BindingCombinations {
  private readonly byPrincipal = new Map<string, { principal: AccessPrincipal; parts: BindingPart[] }>();
  private readonly facts = new Map<string, ScopeFacts>();

  constructor(private readonly index: AccessIndex) {}

  add(bound: BoundRules, index: AccessIndex, cluster: Cluster, inventory: ClusterKubernetes): void {
    const can: Can = (verb, apiGroup, resource) => rulesAllow(bound.rules, { verb, apiGroup, resource });
    if (!partOfAStrongLevel(can)) return;
    for (const subject of bound.subjects) {
      for (const reached of resolveSubject(index, cluster, inventory, subject, bound.namespace)) {
        this.addPart(reached.principal, {
          namespace: bound.namespace,
          key: bound.roleKey,
          can,
          path: [...reached.prefix, ...bound.via],
          source: `${bound.namespace === null ? "crb" : `rb:${bound.namespace}`}/${bound.binding}|${reached.via}`,
          conditional: false,
          authorizer: "kubernetes",
          eligible: false,
        });
      }
    }
  }

  addPart(principal: AccessPrincipal, part: BindingPart): void {
    if (part.authorizer === "azure" && !partOfAStrongLevel(part.can)) return;
    this.push(principal, part);
    if (principal.kind === "Group") this.addEligibleMembers(principal, part);
  }

  private push(principal: AccessPrincipal, part: BindingPart): void {
    let entry = this.byPrincipal.get(principal.id);
    if (!entry) {
      entry = { principal, parts: [] };
      this.byPrincipal.set(principal.id, entry);
    }
    entry.parts.push(part);
  }

  /**
   * PIM for Groups: an eligible member of `group` holds the group's part once it activates the membership
   * ("PIM creates an active assignment (adds user as member or owner of the group)": learn.microsoft.com/entra/
   * id-governance/privileged-identity-management/groups-activate-roles). Eligible owners are left out: an
   * owner is no member until it adds itself (an attack-path edge, lib/access/directory-edges.ts).
   */
  private addEligibleMembers(group: AccessPrincipal, part: BindingPart): void {
    const eligibilities = memberEligibilitiesByGroup(this.index).get(group.id);
    if (!eligibilities) return;
    for (const eligibility of eligibilities) {
      const eligible = eligibleMember(this.index, group, eligibility);
      if (!eligible) continue;
      const { principal: holder, step } = eligible;
      const expires = earliest(part.expires, eligibility.endDateTime ?? undefined);
      for (const reached of reachThroughGroups(this.index, holder)) {
        const retargeted = part.forPrincipal ? part.forPrincipal(reached.principal.id) : part;
        if (!retargeted) continue;
        // (not expanded further: a holder group's own eligible members would need two activations in a row)
        this.push(reached.principal, {
          ...part,
          key: retargeted.key,
          can: retargeted.can,
          path: [...reached.prefix, step, groupStep(group), ...part.path.slice(1)],
          source: `${part.source}|pim-member:${group.id}:${holder.id}|${reached.via}`,
          eligible: true,
          ...(expires ? { expires } : {}),
        });
      }
    }
  }

  emit(collector: ClusterAccessCollector, steps: ClusterSteps): void {
    for (const { principal, parts: all } of this.byPrincipal.values()) {
      // Standing parts first, alone: what standing access makes together is reported standing, as before.
      const parts = all.filter((part) => !part.eligible);
      let clusterLevel = -1;
      const standingAt = new Map<string, number>();
      if (parts.length >= 2 && parts.length <= MAX_COMBINED_PARTS) {
        const clusterWide = parts.filter((part) => part.namespace === null);
        clusterLevel = this.combine(collector, steps, principal, clusterWide, null, -1);
        const namespaces = new Set(
          parts.flatMap((part) => (part.namespace === null ? [] : [part.namespace])),
        );
        for (const namespace of [...namespaces].sort()) {
          const applying = parts.filter((part) => part.namespace === null || part.namespace === namespace);
          standingAt.set(
            namespace,
            this.combine(collector, steps, principal, applying, namespace, clusterLevel),
          );
        }
      }
      this.emitEligible(collector, steps, principal, all, clusterLevel, standingAt);
    }
  }

  /**
   * What eligible parts make with standing ones, or with each other: reported `eligible` (every eligible
   * step in its path), only where it is more than the standing parts make and than each part alone, and
   * not where the principal already holds that much standing by another route.
   */
  private emitEligible(
    collector: ClusterAccessCollector,
    steps: ClusterSteps,
    principal: AccessPrincipal,
    all: readonly BindingPart[],
    standingCluster: number,
    standingAt: ReadonlyMap<string, number>,
  ): void {
    if (!all.some((part) => part.eligible)) return;
    // An eligible part that allows what a standing one already allows at the same scope adds nothing.
    const standingKeys = new Set(
      all.flatMap((part) => (part.eligible ? [] : [`${part.namespace}|${part.key}`])),
    );
    const parts = all.filter((part) => !part.eligible || !standingKeys.has(`${part.namespace}|${part.key}`));
    if (parts.length < 2 || parts.length > MAX_COMBINED_PARTS || !parts.some((part) => part.eligible)) return;
    const standingOf = (applying: readonly BindingPart[], scope: "cluster" | "namespace") => {
      const standing = applying.filter((part) => !part.eligible);
      return standing.length > 0 ? this.rankOf(standing, scope) : -1;
    };
    const clusterWide = parts.filter((part) => part.namespace === null);
    const clusterFloor = Math.max(standingCluster, standingOf(clusterWide, "cluster"));
    const clusterLevel = this.combine(collector, steps, principal, clusterWide, null, clusterFloor, true);
    const namespaces = new Set(parts.flatMap((part) => (part.namespace === null ? [] : [part.namespace])));
    for (const namespace of [...namespaces].sort()) {
      const applying = parts.filter((part) => part.namespace === null || part.namespace === namespace);
      const floor = Math.max(
        clusterLevel,
        standingAt.get(namespace) ?? -1,
        standingOf(applying, "namespace"),
      );
      this.combine(collector, steps, principal, applying, namespace, floor, true);
    }
  }

  private rankOf(parts: readonly BindingPart[], scope: "cluster" | "namespace"): number {
    const key = `${scope}|${parts.map((part) => part.key).join("+")}`;
    let facts = this.facts.get(key);
    if (!facts) {
      facts = scopeFacts(
        (verb, apiGroup, resource) => parts.some((part) => part.can(verb, apiGroup, resource)),
        scope,
      );
      this.facts.set(key, facts);
    }
    return facts.level ? ACCESS_LEVEL_RANK[facts.level] : -1;
  }

  /**
   * Reports the level `parts` give together at `namespace` (null: cluster-wide) when it is above what each
   * gives alone and above `floor` (a rank already reported cluster-wide); returns the rank reported or held.
   * `withEligible`: some parts are eligible; the grant is then eligible when a part it needs is, and is left
   * out when the principal holds that level standing already.
   */
  private combine(
    collector: ClusterAccessCollector,
    steps: ClusterSteps,
    principal: AccessPrincipal,
    parts: readonly BindingPart[],
    namespace: string | null,
    floor: number,
    withEligible = false,
  ): number {
    if (parts.length < 2) return floor;
    const scope = namespace === null ? "cluster" : "namespace";
    const alone = Math.max(floor, ...parts.map((part) => this.rankOf([part], scope)));
    const together = this.rankOf(parts, scope);
    if (together <= alone) return Math.max(alone, floor);
    // The fewest parts that still give it: each left out when the others hold the level without it (eligible
    // parts are tried first, so that the path needs as few activations as it can).
    const order = withEligible ? [...parts].sort((a, b) => Number(b.eligible) - Number(a.eligible)) : parts;
    let needed = [...parts];
    for (const part of order) {
      const without = needed.filter((candidate) => candidate !== part);
      if (without.length >= 1 && this.rankOf(without, scope) === together) needed = without;
    }
    const level = (Object.keys(ACCESS_LEVEL_RANK) as (keyof typeof ACCESS_LEVEL_RANK)[]).find(
      (candidate) => ACCESS_LEVEL_RANK[candidate] === together,
    );
    if (!level || level === "credentials-only") return floor;
    const eligible = needed.some((part) => part.eligible);
    if (withEligible) {
      if (!eligible || collector.holdsStanding(principal.id, together, namespace))
        return Math.max(together, floor);
      // Lead with a part the principal holds itself rather than through a standing group (the path's second
      // step is then the principal's own eligibility or binding), and with the eligible ones.
      needed.sort(
        (a, b) =>
          Number(a.path[1]?.kind === "groupMembership") - Number(b.path[1]?.kind === "groupMembership") ||
          Number(b.eligible) - Number(a.eligible),
      );
    }
    const [first, ...others] = needed;
    const mixed = needed.some((part) => part.authorizer === "azure");
    const expires = eligible
      ? needed.reduce<string | undefined>((end, part) => earliest(end, part.expires), undefined)
      : undefined;
    collector.grant(
      principal,
      {
        level,
        namespace,
        route: needed.every((part) => part.authorizer === "azure") ? "azure-rbac" : "kubernetes-rbac",
        conditional: needed.some((part) => part.conditional),
        ...(eligible ? { eligible: true } : {}),
        ...(expires ? { expires } : {}),
        path: [
          ...first.path,
          // the other grants, after the principal's own step (its groups, when bound through one)
          ...others.flatMap((part) => part.path.slice(1)),
          {
            kind: "permission",
            id: `combined:${needed.map((part) => part.key).join("+")}`,
            label: `holds ${level} through these ${needed.length} ${mixed ? "grants" : "bindings"} together (${
              mixed && needed.some((part) => part.authorizer === "kubernetes")
                ? "Azure RBAC and Kubernetes RBAC both authorize: permissions add up"
                : "RBAC permissions add up"
            })`,
          },
          steps.at(namespace),
        ],
      },
      `combined|${namespace ?? ""}|${needed.map((part) => part.source).join("+")}`,
    );
    return Math.max(together, floor);
  }
}

/** The earlier of two ISO 8601 instants (either may be absent: permanent). */
function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/**
 * The principal an eligible membership names, and the step it takes into the group; null for one the directory
 * does not know as a principal (a device, a contact: it cannot sign in).
 */
function eligibleMember(
  index: AccessIndex,
  group: AccessPrincipal,
  eligibility: GroupEligibility,
): { principal: AccessPrincipal; step: PathStep } | null {
  if (
    !index.principalsById.has(eligibility.principalId) &&
    !index.identitiesByPrincipalId.has(eligibility.principalId)
  )
    return null;
  return {
    principal: directoryPrincipal(index, eligibility.principalId),
    step: groupEligibilityStep(group, "member", eligibility.principalId),
  };
}

/** PIM for Groups eligible memberships by group id, once per index. */
const memberEligibilityCache = new WeakMap<AccessIndex, Map<string, GroupEligibility[]>>();
function memberEligibilitiesByGroup(index: AccessIndex): Map<string, GroupEligibility[]> {
  let byGroup = memberEligibilityCache.get(index);
  if (!byGroup) {
    byGroup = new Map();
    for (const eligibility of index.model.groupEligibilities ?? []) {
      if (eligibility.accessId !== "member") continue;
      const list = byGroup.get(eligibility.groupId) ?? [];
      list.push(eligibility);
      byGroup.set(eligibility.groupId, list);
    }
    memberEligibilityCache.set(index, byGroup);
  }
  return byGroup;
}

/**
 * With Kubernetes RBAC disabled (`enableRBAC: false`; Entra integration needs it on) the API server
 * authorizes every authenticated request: "You already have administrative permissions by default
 * in a non-RBAC configuration" (MicrosoftDocs/azure-docs articles/azure-monitor/containers/
 * container-insights-livedata-setup.md); the AKS engine sets `--authorization-mode=Node,RBAC` only
 * when RBAC is enabled (Azure/aks-engine pkg/api/defaults-apiserver.go), and kube-apiserver's
 * default mode is AlwaysAllow. Bindings mean nothing there; every authenticated caller, every
 * service account (so every pod) included, is cluster-admin.
 */
function rbacDisabledRoute(
  index: AccessIndex,
  cluster: Cluster,
  inventory: ClusterKubernetes,
  steps: ClusterSteps,
  collector: ClusterAccessCollector,
): void {
  const tail = [
    settingStep(
      cluster,
      "enableRBAC",
      "Kubernetes RBAC is disabled (enableRBAC: false): every authenticated request is allowed",
    ),
    steps.at(null),
  ];
  const everyone: Subject = { kind: "Group", name: "system:authenticated", namespace: null };
  for (const { principal, prefix, via } of resolveSubject(index, cluster, inventory, everyone, null)) {
    collector.grant(
      principal,
      {
        level: "cluster-admin",
        namespace: null,
        route: "kubernetes-rbac",
        conditional: false,
        path: [...prefix, ...tail],
      },
      `rbac-disabled|${via}`,
    );
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

  const steps = new ClusterSteps(cluster);
  // What Azure RBAC and Kubernetes RBAC give only together (below, BindingCombinations)
  const combined = new BindingCombinations(accessIndex);
  entraAdminGroupRoute(accessIndex, cluster, steps, collector);
  azureRoutes(accessIndex, cluster, steps, collector, combined);
  identityOperatorRoutes(accessIndex, cluster, steps, collector);
  const inventory = model.kubernetes[cluster.id];
  if (cluster.kubernetesRbac) {
    if (inventory) kubernetesRoutes(accessIndex, cluster, inventory, steps, collector, combined);
  } else {
    rbacDisabledRoute(accessIndex, cluster, inventory ?? emptyClusterKubernetes(), steps, collector);
  }
  if (cluster.kubernetesRbac) combined.emit(collector, steps);
  collector.addEligibleGroupMembers(accessIndex);

  return { cluster: { id: cluster.id, name: cluster.name }, principals: collector.finish() };
}
