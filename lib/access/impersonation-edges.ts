import {
  type AccessIndex,
  assignmentsReaching,
  eligibilitiesReaching,
  scopeChain,
} from "@/lib/access/access-index";
import type { NodeId, ReverseEdge, TargetEdge } from "@/lib/access/attack-graph";
import { grantingPattern, kubernetesDataAction } from "@/lib/access/azure-permissions";
import { boundRules } from "@/lib/access/bound-rules";
import { aggregatesInto, rulesTakeover } from "@/lib/access/cluster-takeover";
import { type DeniedPermissions, deniedPermissions, isDenied } from "@/lib/access/deny-assignments";
import { directoryPrincipal, reachThroughGroups, resolveSubject } from "@/lib/access/evaluate-cluster";
import { ruleAllows, rulesAllow } from "@/lib/access/kubernetes-rbac";
import { scopeFacts } from "@/lib/access/levels";
import { once } from "@/lib/access/once";
import {
  clusterStep,
  groupStep,
  kubernetesGroupStep,
  principalStep,
  roleDefinitionStep,
  settingStep,
} from "@/lib/access/paths";
import { grantStep } from "@/lib/access/pim-steps";
import type { AccessPrincipal, AttackPathLevel, PathStep } from "@/lib/access/types";
import type { Cluster } from "@/lib/model/azure";
import { clusterNamespaceScope } from "@/lib/model/ids";
import type { ClusterKubernetes, PolicyRule, Subject } from "@/lib/model/kubernetes";

// Kubernetes user impersonation as attack-graph edges
// (kubernetes.io/docs/reference/access-authn-authz/user-impersonation/, and the API server's filter,
// kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
//
// - `Impersonate-User: U` is authorized as verb `impersonate` on `users` (core group, cluster-scoped,
//   resourceName U); a user name `system:serviceaccount:N:S` is authorized instead on `serviceaccounts`
//   in namespace N with resourceName S (so a RoleBinding in N can grant it), and then carries the
//   groups `system:serviceaccounts` and `system:serviceaccounts:N` unless groups are given.
// - `Impersonate-Group: G` is authorized on `groups` (resourceName G) and needs an `Impersonate-User`
//   too ("requested impersonation without a user" otherwise). Each part is authorized on its own,
//   so the user part may come from another grant than the group part (userFromAnotherGrant).
// - A service account user is never looked up: any name the grant allows brings the account's
//   groups, whether or not such an account exists.
// - The impersonated identity is exactly what was asked for, plus `system:authenticated`: a user
//   impersonated without groups has none of its directory groups, and no Azure identity (Azure RBAC
//   for Kubernetes and the Azure control plane see the caller, not the impersonated name).
//
// A node `as:<cluster>|<subject key>` stands for "acts as this subject in the cluster's API". The
// impersonators lead into it (one hop); it leads to the Kubernetes RBAC bindings naming the subject
// (one hop, like any grant) and to the pods, tokens and execs those bindings allow, so an impersonated
// service account reaches its managed identity only when it can run a pod or mint a token itself
// (impersonation gives its API access, not its token). `userextras/*` and `uids` add nothing RBAC
// compares, so they are not modelled.

export type ImpersonationEdge = ReverseEdge;
export type ImpersonationTargetEdge = TargetEdge & { held: false };

// The search reads only `from`, `weight` and `conditional` of the many edges it relaxes and the
// steps of the few on reported paths, so these edges keep references to shared pieces and build
// their steps when asked (as attack-edges.ts' HolderEdge does): about a tenth of the memory.

/** A holder of an impersonation grant leads into the grant's node (no hop of its own). */
class GrantHolderEdge implements ImpersonationEdge {
  constructor(
    readonly from: NodeId,
    readonly conditional: boolean,
    private readonly prefix: readonly PathStep[],
    private readonly via: readonly PathStep[],
  ) {}

  get weight(): 0 {
    return 0;
  }

  get steps(): PathStep[] {
    return [...this.prefix.slice(1), ...this.via];
  }
}

/** A holder of a PIM-eligible impersonation grant (Azure RBAC): the path needs the activation first. */
class EligibleGrantHolderEdge extends GrantHolderEdge {
  get eligible(): boolean {
    return true;
  }
}

/** An impersonation grant leads into each subject it may impersonate: one hop. */
class ImpersonateEdge implements ImpersonationEdge {
  constructor(
    readonly from: NodeId,
    readonly conditional: boolean,
    private readonly evidence: string,
    private readonly asStep: PathStep,
  ) {}

  get weight(): 1 {
    return 1;
  }

  get steps(): PathStep[] {
    return [{ kind: "permission", id: this.evidence, label: `can ${this.evidence}` }, this.asStep];
  }
}

type Resource = "users" | "groups" | "serviceaccounts";

type Impersonator = {
  from: { node: NodeId; prefix: readonly PathStep[] }[];
  via: PathStep[];
  conditional: boolean;
  /** a PIM-eligible Azure role assignment gives it: the holder must activate it first */
  eligible?: true;
  /** may it impersonate this object (a service account: its name and namespace)? */
  allows: (resource: Resource, name: string, namespace: string | null) => boolean;
  /** may it set some `Impersonate-User` (a user or a service account), as a group needs */
  someUser: boolean;
  /** may it impersonate some group (cluster-wide: groups are not namespaced)? */
  someGroup: boolean;
  /**
   * A service account it may impersonate in `namespace` (null: any namespace), existing or not:
   * the filter never looks the account up, and the account brings its groups
   * (`system:serviceaccounts`, `system:serviceaccounts:<namespace>`).
   */
  someAccount: (namespace: string | null) => { namespace: string; name: string } | null;
  /** set on the entries that hold the group part of a grant whose user part another grant gives */
  userElsewhere?: true;
};

/** `User:<name>`, `Group:<name>` or `ServiceAccount:<namespace>:<name>`; a user named like a service account is that account. */
export function subjectKey(subject: Subject, bindingNamespace: string | null): string | null {
  if (subject.kind === "ServiceAccount") {
    const namespace = subject.namespace || bindingNamespace;
    return namespace ? `ServiceAccount:${namespace}:${subject.name}` : null;
  }
  if (subject.kind === "User") {
    const account = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject.name);
    if (account) return `ServiceAccount:${account[1]}:${account[2]}`;
    return `User:${subject.name}`;
  }
  return `Group:${subject.name}`;
}

export function asNode(clusterId: string, key: string): NodeId {
  return `as:${clusterId}|${key}`;
}

/**
 * `imp:<cluster>|<n>`: "holds the n-th impersonation grant of the cluster". Everyone the grant
 * reaches leads into it at no cost (weight 0) and it leads into each subject it may impersonate
 * (one hop), so the edges are grant holders + grants × subjects rather than holders × subjects:
 * on a generated 30-cluster tenant the product held 250 MB of edges, because cluster-admin (`*`)
 * holders may impersonate every subject of their cluster.
 */
export function impersonatorNode(clusterId: string, position: number): NodeId {
  return `imp:${clusterId}|${position}`;
}

const SERVICE_ACCOUNT_GROUP = "system:serviceaccounts";
const SERVICE_ACCOUNT_USER_PREFIX = "system:serviceaccount:";

function describeKey(key: string): string {
  const colon = key.indexOf(":");
  const kind = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (kind === "ServiceAccount") return `service account ${rest.replace(":", "/")}`;
  return `${kind === "User" ? "user" : "group"} ${rest}`;
}

// k8s.io/apimachinery validation: a namespace name is a DNS-1123 label, a service account name a
// DNS-1123 subdomain (ValidateNamespaceName, ValidateServiceAccountName).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const isNamespaceName = (name: string) => name.length <= 63 && DNS1123_LABEL.test(name);
const isServiceAccountName = (name: string) =>
  name.length <= 253 && name.split(".").every((part) => DNS1123_LABEL.test(part));

/**
 * Whether `Impersonate-User: name` is a service account (serviceaccount.SplitUsername: the
 * `system:serviceaccount:` prefix, exactly a namespace and a name, both valid). The filter then
 * authorizes it on `serviceaccounts`, never on `users`.
 */
function isServiceAccountUserName(name: string): boolean {
  if (!name.startsWith(SERVICE_ACCOUNT_USER_PREFIX)) return false;
  const parts = name.slice(SERVICE_ACCOUNT_USER_PREFIX.length).split(":");
  return parts.length === 2 && isNamespaceName(parts[0]) && isServiceAccountName(parts[1]);
}

/**
 * Some name the rules let it impersonate in `resource` (any name when unrestricted): for `users`,
 * a name that is no service account's, and for `serviceaccounts` a valid account name (the only
 * ones an `Impersonate-User` header can name).
 */
function someImpersonableName(rules: readonly PolicyRule[], resource: Resource): string | null {
  const usable = (name: string) =>
    resource === "users"
      ? name.length > 0 && !isServiceAccountUserName(name)
      : resource === "serviceaccounts"
        ? isServiceAccountName(name)
        : name.length > 0;
  for (const rule of rules) {
    const candidates = rule.resourceNames.length === 0 ? ["default"] : rule.resourceNames.filter(usable);
    for (const name of candidates)
      if (ruleAllows(rule, { verb: "impersonate", apiGroup: "", resource, resourceName: name })) return name;
  }
  return null;
}

const mentionsImpersonate = (rules: readonly PolicyRule[]) =>
  rules.some((rule) => rule.verbs.includes("impersonate") || rule.verbs.includes("*"));

/**
 * The tenant's sign-in group as one holder (`grp:` node, resolveSubject): its members are every account
 * that signs in, so a grant to `system:authenticated` is one holder rather than one per account. Pairing
 * a user part with a group part (userFromAnotherGrant) then has to know who is in it.
 */
type SignInHolder = {
  node: NodeId;
  /** is this principal node a member? */
  has: (node: NodeId) => boolean;
  /** a member's prefix through the group's holder prefix */
  prefix: (node: NodeId, groupPrefix: readonly PathStep[]) => readonly PathStep[];
};

/**
 * The filter authorizes each part of an impersonation on its own, against every grant of the caller
 * (impersonation.go WithImpersonation: one `Authorize` per user, group, uid and extra): the group part
 * may come from one grant and the user part, which a group needs, from another. For each grant that
 * may impersonate groups but no user, the holders who may impersonate some user by another grant get
 * an entry of their own (conditional when either grant is, eligible when either is).
 */
function userFromAnotherGrant(list: Impersonator[], signIn: SignInHolder): void {
  /** holder → what its grants giving a user part need, least first (restrictionsOf; dominated ones dropped) */
  const userHolders = new Map<NodeId, number[]>();
  for (const impersonator of list) {
    if (!impersonator.someUser) continue;
    const needs = restrictionsOf(impersonator);
    for (const { node } of impersonator.from) {
      const known = userHolders.get(node) ?? [];
      // a grant needing a superset of what another needs adds no way the other does not give
      if (known.some((other) => (other & needs) === other)) continue;
      userHolders.set(node, [...known.filter((other) => (other & needs) !== needs), needs]);
    }
  }
  if (userHolders.size === 0) return;
  const added: Impersonator[] = [];
  const signInUserNeeds = userHolders.get(signIn.node) ?? [];
  for (const impersonator of list) {
    if (impersonator.someUser || !impersonator.someGroup) continue;
    const byNeeds = new Map<number, Impersonator["from"]>();
    const pair = (holder: Impersonator["from"][number], userNeeds: number) => {
      const needs = restrictionsOf(impersonator) | userNeeds;
      const holders = byNeeds.get(needs);
      if (holders) holders.push(holder);
      else byNeeds.set(needs, [holder]);
    };
    for (const holder of impersonator.from) {
      for (const userNeeds of userHolders.get(holder.node) ?? []) pair(holder, userNeeds);
      // the group part through the sign-in group, the user part a member's own
      if (holder.node === signIn.node)
        for (const [node, needsList] of userHolders)
          if (signIn.has(node))
            for (const userNeeds of needsList)
              pair({ node, prefix: signIn.prefix(node, holder.prefix) }, userNeeds);
      // the user part through the sign-in group, the group part a member's own
      if (signIn.has(holder.node)) for (const userNeeds of signInUserNeeds) pair(holder, userNeeds);
    }
    for (const [needs, from] of byNeeds) {
      added.push({
        from,
        via: impersonator.via,
        conditional: (needs & CONDITIONAL) !== 0,
        ...((needs & ELIGIBLE) !== 0 ? { eligible: true as const } : {}),
        allows: (resource, name, namespace) =>
          resource === "groups" && impersonator.allows(resource, name, namespace),
        someUser: true,
        someGroup: true,
        someAccount: () => null,
        userElsewhere: true,
      });
    }
  }
  list.push(...added);
}

const CONDITIONAL = 1;
const ELIGIBLE = 2;
/** What using a grant needs besides holding it, as bits: a condition to hold, a PIM activation. */
const restrictionsOf = (impersonator: Impersonator): number =>
  (impersonator.conditional ? CONDITIONAL : 0) | (impersonator.eligible ? ELIGIBLE : 0);

export class ImpersonationEdges {
  private readonly byCluster = new Map<string, Impersonator[]>();
  private readonly intoCache = new Map<NodeId, ImpersonationEdge[]>();
  private readonly nodeIds = new Map<string, readonly NodeId[]>();
  /** edges and grant holders the two caches hold, against this.cacheEntries */
  private cachedEntries = 0;
  private evictions = 0;

  constructor(
    private readonly index: AccessIndex,
    /** the attack graph's node of a principal on a cluster (registers it for reporting) */
    private readonly register: (principal: AccessPrincipal, clusterId: string) => NodeId,
    /**
     * How many edges and grant holders the caches keep (attack-edges.ts, edgeCacheEntries): every
     * cluster-admin binding is an impersonation grant over the whole cluster, so unbounded they ran a
     * 500-cluster tenant out of a 1 GiB heap; too small, they start again several times a cluster.
     */
    private readonly cacheEntries: number,
  ) {}

  private signInHolder: SignInHolder | undefined;
  private get signIn(): SignInHolder {
    if (this.signInHolder) return this.signInHolder;
    const group = this.index.entraSignInGroup;
    const members = new Set(this.index.membersOfGroup.get(group.id) ?? []);
    const memberOf = groupStep(group);
    this.signInHolder = {
      node: `grp:${group.id}`,
      has: (node: NodeId) => node.startsWith("p:") && members.has(node.slice(2)),
      prefix: (node: NodeId, groupPrefix: readonly PathStep[]) => [
        principalStep(directoryPrincipal(this.index, node.slice(2))),
        memberOf,
        ...groupPrefix.slice(1),
      ],
    };
    return this.signInHolder;
  }

  /** Who may impersonate what on the cluster: Kubernetes RBAC bindings and Azure RBAC data actions. */
  private impersonators(cluster: Cluster): Impersonator[] {
    let list = this.byCluster.get(cluster.id);
    if (list) return list;
    list = [];
    const inventory = this.index.model.kubernetes[cluster.id];
    if (inventory && cluster.kubernetesRbac) this.kubernetesImpersonators(cluster, inventory, list);
    if (cluster.entra.mode === "managed" && cluster.entra.azureRbac) this.azureImpersonators(cluster, list);
    userFromAnotherGrant(list, this.signIn);
    this.remember(list.reduce((sum, impersonator) => sum + impersonator.from.length, 0));
    this.byCluster.set(cluster.id, list);
    return list;
  }

  private kubernetesImpersonators(
    cluster: Cluster,
    inventory: ClusterKubernetes,
    list: Impersonator[],
  ): void {
    const add = (
      subjects: readonly Subject[],
      rules: readonly PolicyRule[],
      namespace: string | null,
      via: PathStep[],
    ) => {
      // A RoleBinding authorizes only requests in its namespace: users and groups are cluster-scoped.
      const allows = (resource: Resource, name: string, accountNamespace: string | null) =>
        (namespace === null || (resource === "serviceaccounts" && accountNamespace === namespace)) &&
        rulesAllow(rules, { verb: "impersonate", apiGroup: "", resource, resourceName: name });
      // A service account of the binding's namespace (any, for a ClusterRoleBinding) it may impersonate.
      const accountName = someImpersonableName(rules, "serviceaccounts");
      const someAccount = (target: string | null) => {
        if (accountName === null) return null;
        if (target !== null && (!isNamespaceName(target) || (namespace !== null && target !== namespace)))
          return null;
        return { namespace: target ?? namespace ?? "default", name: accountName };
      };
      const someUser =
        accountName !== null || (namespace === null && someImpersonableName(rules, "users") !== null);
      const someGroup = namespace === null && someImpersonableName(rules, "groups") !== null;
      for (const subject of subjects) {
        const reached = resolveSubject(this.index, cluster, inventory, subject, namespace);
        const signInAt = reached.findIndex((entry) => entry.principal.id === this.index.entraSignInGroup.id);
        const from: Impersonator["from"] = (signInAt < 0 ? reached : reached.slice(0, signInAt)).map(
          (entry) => ({ node: this.register(entry.principal, cluster.id), prefix: entry.prefix }),
        );
        if (signInAt >= 0) from.push({ node: this.signIn.node, prefix: reached[signInAt].prefix });
        // An impersonated subject that may impersonate in turn.
        const key = subjectKey(subject, namespace);
        if (key)
          from.push({ node: asNode(cluster.id, key), prefix: [{ kind: "action", id: "", label: "" }] });
        list.push({ from, via, conditional: false, allows, someUser, someGroup, someAccount });
      }
    };
    for (const bound of boundRules(cluster.id, inventory))
      if (mentionsImpersonate(bound.rules)) add(bound.subjects, bound.rules, bound.namespace, bound.via);
  }

  /** Azure RBAC data actions (`…/users/impersonate/action` …) name no object: any user, group or account in scope. */
  private azureImpersonators(cluster: Cluster, list: Impersonator[]): void {
    const clusterChain = scopeChain(this.index, cluster.id);
    const apply = (
      assignment: (typeof this.index.model.roleAssignments)[number],
      namespace: string | null,
    ) => {
      const definition = this.index.rolesByGuid.get(assignment.roleDefinitionId);
      if (!definition?.permissions.some((block) => block.dataActions.length > 0)) return;
      const grantedTo = (denied: DeniedPermissions | null) => {
        const granted = new Set<Resource>();
        for (const resource of ["users", "groups", "serviceaccounts"] as const) {
          if (namespace !== null && resource !== "serviceaccounts") continue;
          const action = kubernetesDataAction("impersonate", "", resource);
          if (!action || !grantingPattern(definition, "data", action)) continue;
          if (denied && isDenied(denied, "data", action)) continue;
          granted.add(resource);
        }
        return granted;
      };
      const standing = grantedTo(null);
      if (standing.size === 0) return;
      // A deny assignment's dataActions take impersonation from whom it names (lib/access/
      // deny-assignments.ts): principals it reaches get an entry of their own with what is left.
      const chain =
        namespace === null ? clusterChain : [...clusterChain, clusterNamespaceScope(cluster.id, namespace)];
      const byGranted = new Map<string, { granted: Set<Resource>; from: Impersonator["from"] }>();
      const assignee = directoryPrincipal(this.index, assignment.principalId, assignment.principalType);
      for (const reached of reachThroughGroups(this.index, assignee)) {
        const denied = deniedPermissions(this.index.denyIndex, chain, reached.principal.id);
        const granted = denied ? grantedTo(denied) : standing;
        if (granted.size === 0) continue;
        const key = [...granted].join(",");
        let entry = byGranted.get(key);
        if (!entry) {
          entry = { granted, from: [] };
          byGranted.set(key, entry);
        }
        entry.from.push({ node: this.register(reached.principal, cluster.id), prefix: reached.prefix });
      }
      const eligible = this.index.assignmentTerms.get(assignment)?.eligible === true;
      for (const { granted, from } of byGranted.values()) {
        list.push({
          from,
          ...(eligible ? { eligible: true as const } : {}),
          via: [
            grantStep(this.index, assignment, definition),
            roleDefinitionStep(definition),
            settingStep(cluster, "enableAzureRBAC", "Azure RBAC for Kubernetes authorization is enabled"),
          ],
          conditional: assignment.condition !== null,
          allows: (resource, _name, accountNamespace) =>
            granted.has(resource) &&
            (namespace === null || (resource === "serviceaccounts" && accountNamespace === namespace)),
          someUser: granted.has("users") || granted.has("serviceaccounts"),
          someGroup: granted.has("groups"),
          someAccount: (target) =>
            granted.has("serviceaccounts") &&
            (target === null || (isNamespaceName(target) && (namespace === null || target === namespace)))
              ? { namespace: target ?? namespace ?? "default", name: "default" }
              : null,
        });
      }
    };
    for (const assignment of assignmentsReaching(this.index, cluster.id)) apply(assignment, null);
    for (const { namespace, assignment } of this.index.namespaceAssignmentsByCluster.get(cluster.id) ?? [])
      apply(assignment, namespace);
    // PIM eligibilities give the same data actions once activated (every Azure edge an assignment gives,
    // an eligibility gives too: docs/access-model.md), marked eligible.
    for (const assignment of eligibilitiesReaching(this.index, cluster.id)) apply(assignment, null);
    for (const { namespace, assignment } of this.index.eligibleNamespaceByCluster.get(cluster.id) ?? [])
      apply(assignment, namespace);
  }

  /** Has the cluster anyone who may impersonate at all? (Most clusters: no, and nothing more is built.) */
  any(cluster: Cluster): boolean {
    return this.impersonators(cluster).length > 0;
  }

  /** The `imp:` node ids of a cluster's impersonators, built once rather than per edge. */
  private impersonatorNodes(clusterId: string, count: number): readonly NodeId[] {
    let nodes = this.nodeIds.get(clusterId);
    if (!nodes || nodes.length !== count) {
      nodes = Array.from({ length: count }, (_, position) => impersonatorNode(clusterId, position));
      this.nodeIds.set(clusterId, nodes);
    }
    return nodes;
  }

  /** The reverse edges into `as:<cluster>|<key>`: who may act as that subject, and how. */
  into(cluster: Cluster, key: string): ImpersonationEdge[] {
    const node = asNode(cluster.id, key);
    const cached = this.intoCache.get(node);
    if (cached) return cached;
    const edges: ImpersonationEdge[] = [];
    const target = describeKey(key);
    const asStep: PathStep = {
      kind: key.startsWith("Group:") ? "k8s.group" : "action",
      id: key.startsWith("Group:") ? `k8s-group:${key.slice("Group:".length)}` : `${cluster.id}#as/${key}`,
      label: `acts as ${target} on ${cluster.name} (impersonation)`,
    };
    const impersonators = this.impersonators(cluster);
    const nodes = this.impersonatorNodes(cluster.id, impersonators.length);
    let position = 0;
    const emit = (impersonator: Impersonator, evidence: string) => {
      edges.push(new ImpersonateEdge(nodes[position], impersonator.conditional, evidence, asStep));
    };
    const colon = key.indexOf(":");
    const kind = key.slice(0, colon);
    const name = key.slice(colon + 1);
    const [accountNamespace, account] = kind === "ServiceAccount" ? name.split(":") : ["", ""];
    // Each wording once per subject, shared by its edges: a cluster-admin binding lets every holder
    // impersonate every subject, and a string per edge was most of this cache.
    const userEvidence = `impersonate users ${name}`;
    const accountEvidence = `impersonate serviceaccounts ${account} in namespace ${accountNamespace}`;
    const groupEvidence = once(() => `impersonate groups ${name} (with a user it may impersonate)`);
    const groupElsewhereEvidence = once(
      () => `impersonate groups ${name} (with a user another of its grants lets it impersonate)`,
    );
    const memberEvidence = new Map<string, string>();
    const inventory = this.index.model.kubernetes[cluster.id];
    // The subjects of one binding share its rules, so one verdict per binding (`allows` is shared).
    const verdicts = new Map<Impersonator["allows"], boolean>();
    const allows = (
      impersonator: Impersonator,
      resource: Resource,
      object: string,
      namespace: string | null,
    ) => {
      let verdict = verdicts.get(impersonator.allows);
      if (verdict === undefined) {
        verdict = impersonator.allows(resource, object, namespace);
        verdicts.set(impersonator.allows, verdict);
      }
      return verdict;
    };
    for (; position < impersonators.length; position++) {
      const impersonator = impersonators[position];
      if (kind === "User" && allows(impersonator, "users", name, null)) emit(impersonator, userEvidence);
      if (kind === "ServiceAccount" && allows(impersonator, "serviceaccounts", account, accountNamespace))
        emit(impersonator, accountEvidence);
      if (kind !== "Group") continue;
      if (impersonator.someUser && allows(impersonator, "groups", name, null)) {
        emit(impersonator, impersonator.userElsewhere ? groupElsewhereEvidence() : groupEvidence());
        continue;
      }
      // A service account impersonated without groups carries system:serviceaccounts[:<namespace>].
      if (name === SERVICE_ACCOUNT_GROUP || name.startsWith(`${SERVICE_ACCOUNT_GROUP}:`)) {
        const namespace =
          name === SERVICE_ACCOUNT_GROUP ? null : name.slice(SERVICE_ACCOUNT_GROUP.length + 1);
        // An account of the inventory names the path best; any other name it may impersonate does
        // as well, since the filter never looks the account up.
        const account =
          inventory?.serviceAccounts.find(
            (candidate) =>
              (namespace === null || candidate.namespace === namespace) &&
              impersonator.allows("serviceaccounts", candidate.name, candidate.namespace),
          ) ?? impersonator.someAccount(namespace);
        if (account) {
          const accountKey = `${account.namespace}:${account.name}`;
          let evidence = memberEvidence.get(accountKey);
          if (evidence === undefined) {
            evidence = `impersonate serviceaccounts ${account.name} in namespace ${account.namespace}, a member of ${name}`;
            memberEvidence.set(accountKey, evidence);
          }
          emit(impersonator, evidence);
        }
      }
    }
    this.remember(edges.length);
    this.intoCache.set(node, edges);
    return edges;
  }

  /** The reverse edges into `imp:<cluster>|<n>`: everyone the cluster's n-th impersonation grant reaches. */
  intoImpersonator(cluster: Cluster, position: number): ImpersonationEdge[] {
    const node = impersonatorNode(cluster.id, position);
    const cached = this.intoCache.get(node);
    if (cached) return cached;
    const impersonator = this.impersonators(cluster)[position];
    const edges: ImpersonationEdge[] = (impersonator?.from ?? []).map(({ node: from, prefix }) =>
      impersonator.eligible
        ? new EligibleGrantHolderEdge(from, impersonator.conditional, prefix, impersonator.via)
        : new GrantHolderEdge(from, impersonator.conditional, prefix, impersonator.via),
    );
    this.remember(edges.length);
    this.intoCache.set(node, edges);
    return edges;
  }

  /**
   * Both caches are rebuilt on demand (the same bindings give the same grants in the same order, so
   * `imp:` node positions stay valid): past the budget they are dropped whole rather than grow with
   * every cluster a search touches.
   */
  private remember(entries: number): void {
    this.cachedEntries += entries;
    if (this.cachedEntries <= this.cacheEntries) return;
    this.evictions += 1;
    this.byCluster.clear();
    this.intoCache.clear();
    this.nodeIds.clear();
    this.cachedEntries = entries;
  }

  /** How often the caches were dropped (AttackEdges drops what it keeps of their lists with them). */
  get evictionCount(): number {
    return this.evictions;
  }

  /** What the caches hold against their budget (AttackEdges.cacheUse). */
  cacheUse(): { entries: number; budget: number; evictions: number } {
    return { entries: this.cachedEntries, budget: this.cacheEntries, evictions: this.evictions };
  }

  /** May anyone act as this subject on the cluster? */
  impersonable(cluster: Cluster, key: string): boolean {
    return this.any(cluster) && this.into(cluster, key).length > 0;
  }

  /**
   * The cluster levels an impersonated subject holds: every Kubernetes RBAC binding naming a subject
   * someone may act as (its level, or cluster-admin through bind/escalate on clusterroles), and
   * system:masters, which the API server lets do anything without a binding.
   */
  targetEdges(cluster: Cluster): ImpersonationTargetEdge[] {
    if (!this.any(cluster)) return [];
    const edges: ImpersonationTargetEdge[] = [];
    const mastersKey = "Group:system:masters";
    if (this.impersonable(cluster, mastersKey)) {
      edges.push({
        from: asNode(cluster.id, mastersKey),
        weight: 1,
        steps: [
          { ...kubernetesGroupStep("system:masters"), label: "system:masters passes every authorization" },
          clusterStep(cluster),
        ],
        conditional: false,
        level: "cluster-admin",
        namespace: null,
        held: false,
      });
    }
    const inventory = this.index.model.kubernetes[cluster.id];
    if (!inventory || !cluster.kubernetesRbac) return edges;
    const add = (
      subjects: readonly Subject[],
      rules: readonly PolicyRule[],
      namespace: string | null,
      via: PathStep[],
      roleName: string,
    ) => {
      const keys = subjects
        .map((subject) => subjectKey(subject, namespace))
        .filter(
          (key): key is string => key !== null && key !== mastersKey && this.impersonable(cluster, key),
        );
      if (keys.length === 0) return;
      const facts = scopeFacts(
        (verb, apiGroup, resource) => rulesAllow(rules, { verb, apiGroup, resource }),
        namespace === null ? "cluster" : "namespace",
      );
      const takeover =
        namespace === null && facts.level !== "cluster-admin"
          ? rulesTakeover(rules, roleName, aggregatesInto(inventory.clusterRoles, roleName))
          : null;
      const level: AttackPathLevel | null = takeover ? "cluster-admin" : facts.level;
      if (!level) return;
      const how: PathStep[] = takeover
        ? [
            { kind: "permission", id: takeover.evidence, label: `can ${takeover.evidence}` },
            { kind: "action", id: `${cluster.id}#takeover`, label: takeover.label },
          ]
        : [];
      const tail = [...via, ...how, clusterStep(cluster, level === "cluster-admin" ? null : namespace)];
      for (const key of new Set(keys)) {
        edges.push({
          from: asNode(cluster.id, key),
          weight: 1,
          steps: tail,
          conditional: false,
          level,
          namespace: level === "cluster-admin" ? null : namespace,
          held: false,
        });
      }
    };
    for (const bound of boundRules(cluster.id, inventory))
      add(bound.subjects, bound.rules, bound.namespace, bound.via, bound.roleName);
    return edges;
  }
}
