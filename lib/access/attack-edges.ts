import {
  type AccessIndex,
  assignmentsReaching,
  eligibilitiesReaching,
  type Reached,
  scopeChain,
} from "@/lib/access/access-index";
import { type AssignableRoles, assignableRolesFor, mayAssign } from "@/lib/access/assignment-condition";
import {
  type FlatPart,
  type NodeId,
  NodeNumbering,
  type ReverseEdge,
  type TargetEdge,
} from "@/lib/access/attack-graph";
import {
  AKS_ACTIONS,
  grantingPattern,
  kubernetesDataAction,
  type NodeCodeExecutionAction,
  nodeComputeOf,
  nodeComputeScope,
} from "@/lib/access/azure-permissions";
import { type BoundRules, boundRules } from "@/lib/access/bound-rules";
import {
  aggregatesInto,
  clusterTakeover,
  rulesMayBePartOfTakeover,
  rulesTakeover,
  type Takeover,
} from "@/lib/access/cluster-takeover";
import { deniedPermissions, deniesAction, isDenied } from "@/lib/access/deny-assignments";
import { DirectoryEdges } from "@/lib/access/directory-edges";
import { directoryPrincipal, reachThroughGroups, resolveSubject } from "@/lib/access/evaluate-cluster";
import {
  claimsExpressionOf,
  credentialMatchesServiceAccount,
  type MatchableCredential,
} from "@/lib/access/federated-match";
import { asNode, ImpersonationEdges, subjectKey } from "@/lib/access/impersonation-edges";
import { effectiveClusterRoleRules, rulesAllow } from "@/lib/access/kubernetes-rbac";
import { once } from "@/lib/access/once";
import {
  clusterStep,
  identityStep,
  permissionStep,
  roleDefinitionStep,
  settingStep,
} from "@/lib/access/paths";
import { grantStep } from "@/lib/access/pim-steps";
import {
  ACCESS_LEVEL_RANK,
  type AccessPrincipal,
  type AttackPathLevel,
  type ClusterAccess,
  type PathStep,
} from "@/lib/access/types";
import type { Cluster, FederatedCredential, RoleAssignment, RoleDefinition } from "@/lib/model/azure";
import { builtInRoleDefinitions } from "@/lib/model/builtin-roles";
import { type ApplicationFederatedCredential, applicationCredentialKey } from "@/lib/model/directory";
import { clusterNamespaceScope, kubernetesNaturalKey, normalizeArmId, parseArmId } from "@/lib/model/ids";
import type { ClusterKubernetes, Pod, PolicyRule } from "@/lib/model/kubernetes";
import { roleDefinitionFromWire } from "@/lib/model/wire-azure";

// The edges of the attack graph, as reverse edges: for a node, who can get there in one hop (or in
// none, for the bookkeeping nodes "runs a pod in namespace N"). The search in attack-paths.ts walks
// them backwards from a cluster level; everything here is computed lazily per node and cached, so
// only what a search reaches is ever built. Facts and sources: docs/access-model.md, "Attack paths".
//
// Nodes:
//   p:<access principal id>          a directory principal (user, group, service principal, managed
//                                    identity by its object id) or a Kubernetes user or group
//   sa:<cluster id>|<sa principal>   a service account of one cluster
//   pods:<cluster id>|<namespace>    "runs a pod in that namespace" (so pod creators × accounts is not materialised)
//   anypod:<cluster id>              "runs a pod anywhere on the cluster" (IMDS, AAD Pod Identity)
//   newsa:<cluster id>|<namespace>   "creates a service account there and runs a pod as it"
//   secret:<cluster id>|<namespace>  "creates a service-account-token Secret there and reads it back"
//   wi:<cluster id>|<sa principal>   "holds a token of that account a federated credential accepts"
//                                    (issuer the cluster's OIDC issuer, audience of its choosing); the
//                                    `sa:` node is the account's Kubernetes API access only

export type { NodeId, ReverseEdge, TargetEdge } from "@/lib/access/attack-graph";

export const AKS_RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";
const MANAGED_IDENTITY_CONTRIBUTOR = "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59";

export const ATTACK_ACTIONS = {
  writeRoleAssignment: "Microsoft.Authorization/roleAssignments/write",
  writeRoleDefinition: "Microsoft.Authorization/roleDefinitions/write",
  writeFederatedCredential:
    "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
  assignIdentity: "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
  /** compute that can carry a user-assigned identity someone attaches */
  computeWrites: [
    "Microsoft.Compute/virtualMachines/write",
    "Microsoft.Compute/virtualMachineScaleSets/write",
    "Microsoft.Web/sites/write",
    "Microsoft.ContainerInstance/containerGroups/write",
  ],
  writeScaleSet: "Microsoft.Compute/virtualMachineScaleSets/write",
} as const;

const NO_EDGES: readonly ReverseEdge[] = [];

/**
 * A resource nested under another (a federated credential under its identity), for deny assignments: those
 * at the parent and above apply to it, except one at the parent with `doNotApplyToChildScopes`, which
 * leaves nested resources alone ("DenySettingsApplyToChildScopes: Deny settings are applied to nested
 * resources under managed resources", deployment stacks; false by default, so a stack protecting an
 * identity still lets anyone with the right add a federated credential to it).
 */
type NestedScope = { parent: string; child: string };

/** Where `federatedIdentityCredentials/write` acts: a new credential, nested under the identity. */
const federatedCredentialScope = (identityResourceId: string): NestedScope => ({
  parent: identityResourceId,
  // the writer names the credential; no deny can sit at a credential that does not exist yet
  child: `${normalizeArmId(identityResourceId)}/federatedidentitycredentials/*`,
});

/**
 * Kubernetes workload controllers whose create (or update/patch, which rolls new pods) runs a pod,
 * with the verbs that do. A Job's pod template is immutable once created (kubernetes/kubernetes
 * pkg/apis/batch/validation/validation.go, validatePodTemplateUpdate: only a suspended Job's
 * scheduling directives, labels and annotations may change), so only creating one runs a pod.
 */
const POD_CONTROLLERS: readonly (readonly [string, string, readonly string[]])[] = [
  ["apps", "deployments", ["create", "update", "patch"]],
  ["apps", "replicasets", ["create", "update", "patch"]],
  ["apps", "statefulsets", ["create", "update", "patch"]],
  ["apps", "daemonsets", ["create", "update", "patch"]],
  ["batch", "jobs", ["create"]],
  ["batch", "cronjobs", ["create", "update", "patch"]],
  ["", "replicationcontrollers", ["create", "update", "patch"]],
];

type Can = (verb: string, apiGroup: string, resource: string) => boolean;
type CanNamed = (verb: string, apiGroup: string, resource: string, resourceName: string) => boolean;
/** a power over one named object: the service account whose token, or the pod into which it execs */
type NamedPower = { name: string; evidence: string };
type PodPowers = {
  pods: string | null;
  token: string | null;
  exec: string | null;
  /** `create serviceaccounts`: with `pods`, runs a pod as an account it creates first */
  account?: string | null;
  /** update/patch of the namespace itself: with `pods`, lifts its Pod Security enforcement first */
  relabel?: string | null;
  /** `create serviceaccounts/token` restricted by resourceNames: only those accounts */
  tokenNames?: NamedPower[];
  /** exec, attach or ephemeral containers restricted by resourceNames: only those pods */
  execNames?: NamedPower[];
  /** create secrets and read them back (get, list or watch): a service-account-token Secret of any account */
  secret?: string | null;
  /** create secrets, reading back only Secrets of some names (get limited by resourceNames): conditional */
  secretNamed?: string | null;
};

const RBAC_GROUP = "rbac.authorization.k8s.io";
/** the powers cache's key for EVERY_RULE (not a role's: an inventory may hold a ClusterRole named cluster-admin with other rules) */
const EVERY_RULE_KEY = "every-rule";
const EVERY_RULE: PolicyRule[] = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"], resourceNames: [], nonResourceURLs: [] },
];

/**
 * A namespace it can give itself more in: a role it may bind to itself there, or every permission added
 * to a Role it holds there. Creating a RoleBinding is allowed to whoever holds the role's permissions or
 * may `bind` the role (kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-binding-
 * creation-or-update; pkg/registry/rbac/escalation_check.go BindingAuthorized): with `bind` on ClusterRole
 * cluster-admin — a default role every cluster has (…/rbac/#user-facing-roles) — and `create rolebindings`,
 * a RoleBinding of cluster-admin gives it everything in the namespace (so does `update`/`patch` of a
 * RoleBinding that references a role it may bind: it adds itself to the subjects); `escalate` on roles with `update` or
 * `patch` of a Role it holds adds any permission to it (…/rbac/#restrictions-on-role-creation-or-update). From
 * a ClusterRoleBinding (namespace null), in every namespace. The namespace's pods, tokens and execs follow,
 * and through them the identities its accounts federate to: more than "admin of one namespace".
 */
function namespaceTakeover(
  inventory: ClusterKubernetes,
  bound: BoundRules,
): { evidence: string; rules: readonly PolicyRule[]; roleKey: string } | null {
  const { rules, namespace } = bound;
  const can = (verb: string, resource: string, resourceName?: string) =>
    rulesAllow(rules, { verb, apiGroup: RBAC_GROUP, resource, ...(resourceName ? { resourceName } : {}) });
  if (
    !rules.some((rule) => rule.verbs.some((verb) => verb === "bind" || verb === "escalate" || verb === "*"))
  )
    return null;
  const bindable: { evidence: string; rules: readonly PolicyRule[]; roleKey: string }[] = [];
  if (can("create", "rolebindings")) {
    // cluster-admin first (everything), then the ClusterRoles and the namespace's Roles it may bind, by name
    if (can("bind", "clusterroles", "cluster-admin"))
      return {
        evidence:
          "bind clusterroles cluster-admin and create rolebindings (binds it to itself in the namespace)",
        rules: EVERY_RULE,
        roleKey: EVERY_RULE_KEY,
      };
    for (const [name, roleRules] of clusterRoleRulesOf(inventory))
      if (can("bind", "clusterroles", name))
        bindable.push({
          evidence: `bind clusterroles ${name} and create rolebindings (binds it to itself in the namespace)`,
          rules: roleRules,
          roleKey: `ClusterRole|${name}`,
        });
    if (namespace !== null)
      for (const role of inventory.roles)
        if (role.namespace === namespace && can("bind", "roles", role.name))
          bindable.push({
            evidence: `bind roles ${role.name} and create rolebindings (binds it to itself)`,
            rules: role.rules,
            roleKey: `Role|${namespace}|${role.name}`,
          });
  }
  // An existing RoleBinding of the namespace it may update or patch: its subjects change (its roleRef is
  // immutable), under the same rule as a creation — `bind` on the role it references (rbac#restrictions-on-
  // role-binding-creation-or-update). From a RoleBinding only: the gain is that binding's namespace.
  if (namespace !== null)
    for (const binding of inventory.roleBindings) {
      if (binding.namespace !== namespace) continue;
      const verb = ["update", "patch"].find((candidate) => can(candidate, "rolebindings", binding.name));
      if (!verb) continue;
      const { kind, name } = binding.roleRef;
      const roleRules =
        kind === "ClusterRole"
          ? name === "cluster-admin"
            ? EVERY_RULE
            : clusterRoleRulesOf(inventory).get(name)
          : inventory.roles.find((role) => role.namespace === namespace && role.name === name)?.rules;
      if (!roleRules || !can("bind", kind === "ClusterRole" ? "clusterroles" : "roles", name)) continue;
      bindable.push({
        evidence: `${verb} rolebindings ${binding.name} and bind ${kind === "ClusterRole" ? "clusterroles" : "roles"} ${name} (adds itself to the binding's subjects)`,
        rules: roleRules,
        roleKey:
          roleRules === EVERY_RULE
            ? EVERY_RULE_KEY
            : kind === "ClusterRole"
              ? `ClusterRole|${name}`
              : `Role|${namespace}|${name}`,
      });
    }
  // everything if any gives it, then one that runs pods if any does (the route on to identities), else the
  // first by name
  bindable.sort((a, b) => a.roleKey.localeCompare(b.roleKey));
  const chosen =
    bindable.find((candidate) => candidate.rules === EVERY_RULE) ??
    bindable.find((candidate) =>
      rulesAllow(candidate.rules, { verb: "create", apiGroup: "", resource: "pods" }),
    ) ??
    bindable[0];
  if (chosen) return chosen;
  // escalate + update/patch of the Role this binding gives it (a Role is its namespace's: RoleBindings only)
  if (namespace !== null && bound.roleKey.startsWith("Role|") && can("escalate", "roles", bound.roleName)) {
    const verb = ["update", "patch"].find((candidate) => can(candidate, "roles", bound.roleName));
    if (verb)
      return {
        evidence: `escalate and ${verb} roles ${bound.roleName} (adds every permission to the Role it holds)`,
        rules: EVERY_RULE,
        roleKey: EVERY_RULE_KEY,
      };
  }
  return null;
}

const clusterRoleRulesCache = new WeakMap<ClusterKubernetes, Map<string, PolicyRule[]>>();
/** A cluster's ClusterRoles' rules, aggregation resolved: once per inventory. */
function clusterRoleRulesOf(inventory: ClusterKubernetes): Map<string, PolicyRule[]> {
  let rules = clusterRoleRulesCache.get(inventory);
  if (!rules) {
    rules = effectiveClusterRoleRules(inventory.clusterRoles);
    clusterRoleRulesCache.set(inventory, rules);
  }
  return rules;
}

/**
 * The powers `gained` after `first` (a takeover in the namespace: "first, then create pods") that the
 * binding does not give already (`held`): those keep their shorter evidence, and a binding of `*` is not
 * listed twice.
 */
function thenPowers(first: string, gained: PodPowers, held: PodPowers): PodPowers {
  const then = (evidence: string | null | undefined, heldAlready: unknown) =>
    evidence && !heldAlready ? `${first}, then ${evidence}` : null;
  const thenNamed = (list: NamedPower[] | undefined, heldAlready: unknown) =>
    heldAlready
      ? []
      : (list ?? []).map(({ name, evidence }) => ({ name, evidence: `${first}, then ${evidence}` }));
  return {
    pods: then(gained.pods, held.pods),
    token: then(gained.token, held.token),
    exec: then(gained.exec, held.exec),
    // with `pods` only (newsa, relabel): the pods' evidence says the takeover
    account: gained.account ?? null,
    relabel: gained.relabel ?? null,
    secret: then(gained.secret, held.secret),
    secretNamed: then(gained.secretNamed, held.secret || held.secretNamed),
    tokenNames: thenNamed(gained.tokenNames, held.token || held.tokenNames?.length),
    execNames: thenNamed(gained.execNames, held.exec || held.execNames?.length),
  };
}

/** Does `found` hold any power that leads to a service account or a pod? */
function anyPower(found: PodPowers): boolean {
  return Boolean(
    found.pods ||
      found.token ||
      found.exec ||
      found.secret ||
      found.secretNamed ||
      found.tokenNames?.length ||
      found.execNames?.length,
  );
}

/**
 * What a rule set lets its holder do to run code as a service account: create a pod (directly or
 * through a controller), mint a token (`create serviceaccounts/token`), or exec/attach into a
 * running pod (`create pods/exec`; before Kubernetes 1.35 `get` sufficed, because the WebSocket
 * upgrade was authorized as a GET — kubernetes/kubernetes#134577, gate
 * AuthorizePodWebsocketUpgradeCreatePermission). Each is the evidence text, or null.
 */
export function podPowers(
  can: Can,
  getExecSuffices: boolean,
  clusterWide = false,
  /**
   * Kubernetes RBAC rules name objects (resourceNames): a token request and exec, attach and
   * ephemeral containers act on a named object (POST …/serviceaccounts/<name>/token,
   * …/pods/<name>/exec), so, unlike creating an object, they can be limited to some
   * (kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources). `names`: every
   * name the rules list.
   */
  named?: { can: CanNamed; names: readonly string[] },
): PodPowers {
  let pods: string | null = can("create", "", "pods") ? "create pods" : null;
  if (!pods) {
    for (const [group, resource, verbs] of POD_CONTROLLERS) {
      const verb = verbs.find((candidate) => can(candidate, group, resource));
      if (verb) {
        pods = `${verb} ${resource}${group ? `.${group}` : ""}`;
        break;
      }
    }
  }
  const token = can("create", "", "serviceaccounts/token") ? "create serviceaccounts/token" : null;
  let exec: string | null = null;
  for (const sub of ["pods/exec", "pods/attach"]) {
    if (can("create", "", sub)) exec = `create ${sub}`;
    else if (getExecSuffices && can("get", "", sub)) exec = `get ${sub} (Kubernetes < 1.35)`;
    if (exec) break;
  }
  // An ephemeral container added to a running pod runs beside its containers with the pod's service
  // account (kubernetes.io/docs/concepts/workloads/pods/ephemeral-containers/: they are added "via a
  // special ephemeralcontainers handler in the API", i.e. update/patch pods/ephemeralcontainers).
  if (!exec) {
    const verb = ["update", "patch"].find((candidate) => can(candidate, "", "pods/ephemeralcontainers"));
    if (verb) exec = `${verb} pods/ephemeralcontainers`;
  }
  // A running pod's container images may be changed ("pod updates may not change fields other than
  // `spec.containers[*].image`, …": kubernetes/kubernetes pkg/apis/core/validation/validation.go,
  // ValidatePodUpdate): the new image runs in that pod, with its account and projected tokens.
  if (!exec) {
    const verb = ["update", "patch"].find((candidate) => can(candidate, "", "pods"));
    if (verb) exec = `${verb} pods`;
  }
  // nodes/proxy reaches the kubelet API, which runs commands in every pod of the node
  // (kubernetes.io/docs/concepts/security/rbac-good-practices/, "Access to proxy subresource of
  // Nodes"); the kubelet authorizes its WebSocket exec as `get`. Nodes are cluster-scoped, so only a
  // cluster-wide grant counts.
  if (!exec && clusterWide) {
    const verb = ["create", "get"].find((candidate) => can(candidate, "", "nodes/proxy"));
    if (verb) exec = `${verb} nodes/proxy (the kubelet API execs into any pod)`;
  }
  const relabelVerb = ["patch", "update"].find((verb) => can(verb, "", "namespaces"));
  // A Secret of type kubernetes.io/service-account-token annotated with an account's name is filled with a
  // token of that account by the control plane (pkg/controller/serviceaccount/tokens_controller.go, syncSecret
  // → generateTokenIfNeeded; kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
  // #manually-create-an-api-token-for-a-serviceaccount); list and watch return Secrets' contents like get
  // (rbac-good-practices, "Listing secrets"). Create cannot be limited by name.
  const creates = can("create", "", "secrets");
  const readVerb = creates ? ["get", "list", "watch"].find((verb) => can(verb, "", "secrets")) : undefined;
  const found: PodPowers = {
    pods,
    token,
    exec,
    secret: readVerb ? `create secrets and ${readVerb} secrets` : null,
    account: can("create", "", "serviceaccounts") ? "create serviceaccounts" : null,
    // A request on a Namespace object is authorized in that namespace, so a RoleBinding can grant it
    // (kubernetes.io/docs/concepts/security/rbac-good-practices/#namespace-modification).
    relabel: relabelVerb ? `${relabelVerb} namespaces` : null,
  };
  if (named && named.names.length > 0) {
    // update/patch of one named controller rewrites its pod template: any account of the namespace.
    for (const [group, resource, verbs] of pods ? [] : POD_CONTROLLERS) {
      const hit = named.names
        .flatMap((name) =>
          ["update", "patch"].filter((verb) => verbs.includes(verb)).map((verb) => [verb, name] as const),
        )
        .find(([verb, name]) => named.can(verb, group, resource, name));
      if (hit) {
        found.pods = `${hit[0]} ${resource}${group ? `.${group}` : ""} ${hit[1]}`;
        break;
      }
    }
    if (!token) {
      found.tokenNames = named.names
        .filter((name) => named.can("create", "", "serviceaccounts/token", name))
        .map((name) => ({ name, evidence: `create serviceaccounts/token ${name}` }));
    }
    if (creates && !readVerb) {
      // The token Secret may be created under a name it may read back, if no Secret has it yet (the
      // inventory holds no Secrets): conditional. list/watch by name need a metadata.name field selector.
      for (const name of named.names) {
        const verb = ["get", "list", "watch"].find((candidate) => named.can(candidate, "", "secrets", name));
        if (verb) {
          found.secretNamed = `create secrets and ${verb} secrets ${name}`;
          break;
        }
      }
    }
    if (!exec) {
      found.execNames = named.names.flatMap((name) => {
        const checks: [string, string, boolean][] = [
          ["create", "pods/exec", true],
          ["create", "pods/attach", true],
          ["get", "pods/exec", getExecSuffices],
          ["get", "pods/attach", getExecSuffices],
          ["update", "pods/ephemeralcontainers", true],
          ["patch", "pods/ephemeralcontainers", true],
          ["update", "pods", true],
          ["patch", "pods", true],
        ];
        const hit = checks.find(([verb, sub, applies]) => applies && named.can(verb, "", sub, name));
        return hit ? [{ name, evidence: `${hit[0]} ${hit[1]} ${name}` }] : [];
      });
    }
  }
  return found;
}

/**
 * Attach connects to a container's running process, not a new one: it runs code only where the container
 * keeps stdin open (`stdin: true`; otherwise "reads from stdin in the container will always result in EOF":
 * Kubernetes API reference, Container v1 `stdin`), which the inventory does not say. A path through it is
 * kept, conditional. (Azure RBAC checks `get pods/attach` as `pods/read`, guard getResourceAndAction, so on
 * clusters before 1.35 every AKS RBAC Reader holds it.)
 */
function attachOnly(evidence: string): boolean {
  return evidence.includes("pods/attach");
}

/** Kubernetes before 1.35 authorizes exec/attach over WebSocket with `get`. Unknown version: assume older. */
export function execAllowsGet(kubernetesVersion: string | null): boolean {
  const match = /^v?(\d+)\.(\d+)/.exec(kubernetesVersion ?? "");
  if (!match) return true;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major < 1 || (major === 1 && minor < 35);
}

/**
 * One principal's power to run pods (mint tokens, exec) on a cluster, as the reverse edge into the
 * namespace node. A large tenant has thousands per cluster and the search reports few of them, so
 * the edge keeps references to the shared pieces of its path and builds its steps when asked.
 */
class HolderEdge implements ReverseEdge {
  constructor(
    readonly from: NodeId,
    readonly conditional: boolean,
    private readonly prefix: readonly PathStep[],
    private readonly via: readonly PathStep[],
    private readonly evidence: string,
    private readonly cluster: Cluster,
    private readonly namespace: string | null,
  ) {}

  get weight(): 1 {
    return 1;
  }

  get steps(): PathStep[] {
    const where = this.namespace === null ? "" : ` in namespace ${this.namespace}`;
    return [
      ...this.prefix.slice(1),
      ...this.via,
      { kind: "permission", id: this.evidence, label: `can ${this.evidence}${where}` },
      clusterStep(this.cluster, this.namespace),
    ];
  }

  /** false here; EligibleHolderEdge: a prototype getter, so the cached holders carry no field for it */
  get eligible(): boolean {
    return false;
  }
}

/** A holder through a PIM-eligible role assignment: its path needs the activation first. */
class EligibleHolderEdge extends HolderEdge {
  override get eligible(): boolean {
    return true;
  }
}
/**
 * An edge from a principal an assignment reaches (control-plane actions over an identity or a
 * cluster's resources). Its steps are built when a path through it is reported: cached by the
 * hundred thousand, one array each was most of the identity cache.
 */
class AssignmentEdge implements ReverseEdge {
  constructor(
    readonly from: NodeId,
    readonly conditional: boolean,
    private readonly prefix: readonly PathStep[],
    private readonly via: readonly PathStep[],
    private readonly tail: readonly PathStep[],
  ) {}

  get weight(): 1 {
    return 1;
  }

  get steps(): PathStep[] {
    return [...this.prefix.slice(1), ...this.via, ...this.tail];
  }

  get eligible(): boolean {
    return false;
  }
}

/** An AssignmentEdge through a PIM-eligible role assignment (a prototype getter, as EligibleHolderEdge). */
class EligibleAssignmentEdge extends AssignmentEdge {
  override get eligible(): boolean {
    return true;
  }
}

/**
 * Activating a PIM eligibility makes the same role active at the same scope for the activation's
 * duration (learn.microsoft.com/entra/id-governance/privileged-identity-management/
 * pim-resource-roles-activate-your-roles): every edge a standing assignment gives, an eligible one
 * gives too, marked eligible, its path naming the eligibility (eligibilityStep: approval and maximum
 * duration, when read) in place of the assignment.
 */
function isEligible(index: AccessIndex, assignment: RoleAssignment): boolean {
  return index.assignmentTerms.get(assignment)?.eligible === true;
}

/** Standing assignments reaching `resourceId`, then PIM eligibilities (isEligible tells them apart). */
function standingAndEligible(index: AccessIndex, resourceId: string): RoleAssignment[] {
  const standing = assignmentsReaching(index, resourceId);
  if (index.eligibleByScope.size === 0) return standing;
  return [...standing, ...eligibilitiesReaching(index, resourceId)];
}

function newAssignmentEdge(
  eligible: boolean,
  from: NodeId,
  conditional: boolean,
  prefix: readonly PathStep[],
  via: readonly PathStep[],
  tail: readonly PathStep[],
): AssignmentEdge {
  return eligible
    ? new EligibleAssignmentEdge(from, conditional, prefix, via, tail)
    : new AssignmentEdge(from, conditional, prefix, via, tail);
}

type Powers = {
  pods: Map<string, HolderEdge[]>;
  token: Map<string, HolderEdge[]>;
  exec: Map<string, HolderEdge[]>;
  /** pod runners that may also create service accounts: they reach an account that does not exist yet */
  newsa: Map<string, HolderEdge[]>;
  /** pod runners that may also relabel their namespace (lift Pod Security enforcement) */
  relabel: Map<string, HolderEdge[]>;
  /** `token|<namespace or *>|<account>` and `exec|<namespace or *>|<pod>`: powers over named objects */
  named: Map<string, HolderEdge[]>;
  /** who may create a service-account-token Secret and read it back (name-limited readers: conditional) */
  secret: Map<string, HolderEdge[]>;
};
/**
 * How the edge caches share the index's `edgeCacheBytes`, and what one entry costs (heap retained per
 * entry, measured on bench/scan's 500-cluster tenant, 2026-12-05: 59 MB for 287 k pod-power holders of
 * 100 clusters; 8.6 MB for 75 k identity edges). A search from one cluster reaches the pods of every
 * cluster whose identities hold roles over it (~300 of 500 there), and each cache is dropped or evicted
 * past its share and rebuilt on demand: when the tenant's edges do not fit, every search rebuilds most
 * of them. That tenant needs 1.45 M holders, 0.57 M identity edges and 2.3 M impersonation entries;
 * held whole, a search costs 0.8 s of CPU per cluster instead of 16 s (bench/attack-search).
 */
const EDGE_CACHE_SHARES = {
  clusterHolders: { share: 0.42, bytesPerEntry: 210 },
  identityEdges: { share: 0.12, bytesPerEntry: 115 },
  impersonation: { share: 0.36, bytesPerEntry: 100 },
  /** flatPredecessorParts' nodes (a map entry and an array of a part or two each) */
  flatNodes: { share: 0.1, bytesPerEntry: 120 },
} as const;

function edgeCacheEntries(bytes: number, cache: keyof typeof EDGE_CACHE_SHARES): number {
  const { share, bytesPerEntry } = EDGE_CACHE_SHARES[cache];
  return Math.max(1, Math.floor((bytes * share) / bytesPerEntry));
}
/** the prefix of an edge from an `as:` node: dropped like a principal's own step (HolderEdge slices it off) */
const AS_PLACEHOLDER: PathStep = { kind: "action", id: "", label: "" };
/** key for "every namespace" in Powers maps */
const ALL = "*";

type RoleFacts = {
  writeRoleAssignment: string | null;
  writeRoleDefinition: string | null;
  writeFederatedCredential: string | null;
  assignIdentity: string | null;
  computeWrite: string | null;
  writeScaleSet: string | null;
};

type IdentityRef = { resourceId: string; principalId: string; name: string };

/** Every action of ATTACK_ACTIONS, lower-cased. */
const ATTACK_ACTION_LIST: readonly string[] = Object.values(ATTACK_ACTIONS)
  .flat()
  .map((action) => action.toLowerCase());

/**
 * Could `pattern` (Azure's wildcard syntax: `*` anywhere, case-insensitive) match `action`
 * (lower-cased)? Only its literal head before the first `*` is compared, so this is conservative:
 * false means it cannot match, true means the regular expression decides.
 */
function mayMatch(pattern: string, action: string): boolean {
  const lower = pattern.toLowerCase();
  const star = lower.indexOf("*");
  return star < 0 ? lower === action : action.startsWith(lower.slice(0, star));
}

/**
 * `definition` with only the patterns that could match one of `actions` (each block keeps its own
 * allowed and excluded lists, in order, so grantingPattern answers for those actions exactly as on
 * the whole definition); null when no allowed pattern could match any of them.
 */
function narrowToActions(definition: RoleDefinition, actions: readonly string[]): RoleDefinition | null {
  const keep = (patterns: readonly string[]) =>
    patterns.filter((pattern) => actions.some((action) => mayMatch(pattern, action)));
  let any = false;
  const permissions = definition.permissions.map((block) => {
    const allowed = keep(block.actions);
    if (allowed.length > 0) any = true;
    return { ...block, actions: allowed, notActions: keep(block.notActions) };
  });
  return any ? { ...definition, permissions } : null;
}

/** Can the role give anything on a cluster through the engine's AKS facts (control or data plane)? */
function mayConcernClusters(definition: RoleDefinition): boolean {
  const prefix = "microsoft.containerservice/";
  const under = (pattern: string) => {
    const head = pattern.toLowerCase().split("*")[0];
    return head.startsWith(prefix) || (pattern.includes("*") && prefix.startsWith(head));
  };
  return definition.permissions.some((block) => block.actions.some(under) || block.dataActions.some(under));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function serviceAccountPrincipal(namespace: string, name: string): AccessPrincipal {
  return {
    id: `system:serviceaccount:${namespace}:${name}`,
    kind: "ServiceAccount",
    displayName: `${namespace}/${name}`,
  };
}

export function nodeOf(principal: AccessPrincipal, clusterId: string): NodeId {
  return principal.kind === "ServiceAccount" ? `sa:${clusterId}|${principal.id}` : `p:${principal.id}`;
}

/**
 * `networkProfile.podLinkLocalAccess: None` (the IMDS restriction, preview) keeps pods from IMDS
 * (learn.microsoft.com/azure/aks/imds-restriction). Compared case-insensitively, as ARM enums are.
 */
export function imdsReachable(cluster: Cluster): boolean {
  const value = cluster.podLinkLocalAccess;
  return !(typeof value === "string" && value.toLowerCase() === "none");
}

/**
 * Does run command (`managedClusters/runCommand/action`) run its kubectl as cluster-admin? On
 * AKS-managed Entra clusters the Azure CLI sends the caller's own Entra token for the AKS server app
 * as the request's `clusterToken`, "so the command execution also using current user identity"
 * (Azure/azure-cli, src/azure-cli/azure/cli/command_modules/acs/custom.py, aks_runcommand): the
 * command gets the caller's own Kubernetes access, nothing more. Elsewhere (no Entra, legacy Entra)
 * no token is sent and the command pod uses the cluster's admin credential, which
 * `disableLocalAccounts: true` refuses.
 */
export function runCommandRunsAsAdmin(cluster: Cluster): boolean {
  return !cluster.runCommandDisabled && cluster.entra.mode !== "managed" && !cluster.localAccountsDisabled;
}

/** Azure Policy for AKS may reject privileged and hostNetwork pods, which the model cannot see. */
function azurePolicyEnabled(cluster: Cluster): boolean {
  return cluster.addons.some((addon) => addon.name === "azurepolicy" && addon.enabled);
}

/** One edge set per access index: every search over the same tenant (scan, findings, queries) shares its caches. */
const edgesByIndex = new WeakMap<AccessIndex, AttackEdges>();

export class AttackEdges {
  /** The edges of `index`'s tenant, built once and shared by every search over that index. */
  static of(index: AccessIndex): AttackEdges {
    let edges = edgesByIndex.get(index);
    if (!edges) {
      edges = new AttackEdges(index);
      edgesByIndex.set(index, edges);
    }
    return edges;
  }

  /** who each node stands for, when it is a principal (for reporting) */
  readonly principals = new Map<NodeId, { principal: AccessPrincipal; clusterId: string | null }>();

  /** What the caches hold against their budgets, and how often they were dropped (bench/attack-search prints it). */
  cacheUse(): Record<string, { entries: number; budget: number; evictions: number }> {
    return {
      clusterHolders: {
        entries: this.cachedHolders,
        budget: this.clusterCacheHolders,
        evictions: this.clusterEvictions,
      },
      identityEdges: {
        entries: this.identityCacheEdges,
        budget: this.identityCacheBudget,
        evictions: this.identityEvictions,
      },
      impersonation: this.impersonation.cacheUse(),
      flatNodes: {
        entries: this.flatNodes.size,
        budget: this.flatNodesBudget,
        evictions: this.flatEvictions,
      },
    };
  }
  private readonly flatNodes = new Map<NodeId, readonly FlatPart[]>();
  /**
   * the numbers of the nodes flatNodes' parts lead to (FlatPart.sourceNumbers), started again with it: a
   * search in progress notices by the epoch and numbers what it holds again
   */
  readonly numbering = new NodeNumbering();
  private readonly flatNodesBudget: number;
  /** the caches' evictions when flatNodes was last emptied (it holds their lists) */
  private flatGeneration = 0;
  private flatEvictions = 0;
  private readonly clusterCaches = new Map<
    string,
    { powers: Powers; reverse: Map<NodeId, ReverseEdge[]>; holders: number }
  >();
  private cachedHolders = 0;
  private clusterEvictions = 0;
  private identityEvictions = 0;
  private readonly registered = new WeakMap<AccessPrincipal, NodeId>();
  private readonly identityCache = new Map<NodeId, ReverseEdge[]>();
  /** per group: the edges into its `grp:` node (bounded by the directory's transitive memberships) */
  private readonly membershipCache = new Map<string, ReverseEdge[]>();
  /** holdersThrough's one `grp:` holder per group, shared by every edge the group holds */
  private readonly groupHolders = new Map<string, [{ node: NodeId; prefix: PathStep[] }]>();
  /** assignmentVia's steps, per assignment and action */
  private readonly viaCache = new WeakMap<RoleAssignment, Map<string, readonly PathStep[]>>();
  private readonly assignmentStepsCache = new WeakMap<RoleAssignment, readonly PathStep[]>();
  /** one step per action and granting pattern (a few hundred in a tenant) */
  private readonly permissionSteps = new Map<string, PathStep>();
  /** edges identityCache holds, against this.identityCacheBudget */
  private identityCacheEdges = 0;
  private readonly factsCache = new Map<string, RoleFacts>();
  private readonly bestRoleCache = new Map<
    string,
    { definition: RoleDefinition; level: AttackPathLevel } | null
  >();
  private readonly identitiesByPrincipal = new Map<string, IdentityRef>();
  /** kubelet and add-on identities: principal id → the clusters whose nodes carry it */
  private readonly nodeIdentities = new Map<string, { cluster: Cluster; label: string }[]>();
  private readonly credentialsByIdentity = new Map<string, FederatedCredential[]>();
  /** applications' federated credentials by app (client) id: they lead into its service principal */
  private readonly credentialsByAppId = new Map<string, ApplicationFederatedCredential[]>();
  private readonly applicationNames = new Map<string, string>();
  /** per service principal with federated credentials: the edges into it they make */
  private readonly federatedApplicationCache = new Map<NodeId, ReverseEdge[]>();
  private readonly clustersByIssuer = new Map<string, Cluster[]>();
  /** AzureIdentity resource ids (AAD Pod Identity) → where they are bound */
  private readonly podIdentityBindings = new Map<
    string,
    { cluster: Cluster; namespace: string | null; selector: string; label: string; id: string }[]
  >();
  private roleCandidates: readonly RoleDefinition[] | null = null;
  private assignable: readonly RoleDefinition[] | null = null;
  private federatedCredentialWriters: readonly RoleDefinition[] | null = null;
  /** PIM eligibilities at a resource below a resource group, by group id (as assignmentsBelowResourceGroup) */
  private eligibleBelow: Map<string, RoleAssignment[]> | null = null;
  private roleDefinitionWriters:
    | { assignment: RoleAssignment; definition: RoleDefinition; members: Set<string> }[]
    | null = null;

  /** group ownership, PIM for Groups, directory roles, app/SP credentials (lib/access/directory-edges.ts) */
  private readonly directory: DirectoryEdges;
  /** Kubernetes impersonation (lib/access/impersonation-edges.ts) */
  private readonly impersonation: ImpersonationEdges;

  /** the pod-power holders the per-cluster caches keep before the least recently used clusters go */
  private readonly clusterCacheHolders: number;
  /** edges into managed identities kept (who can act as each identity) before the cache starts again */
  private readonly identityCacheBudget: number;

  constructor(private readonly index: AccessIndex) {
    this.clusterCacheHolders = edgeCacheEntries(index.edgeCacheBytes, "clusterHolders");
    this.identityCacheBudget = edgeCacheEntries(index.edgeCacheBytes, "identityEdges");
    this.flatNodesBudget = edgeCacheEntries(index.edgeCacheBytes, "flatNodes");
    this.directory = new DirectoryEdges(index, (principal) => this.register(principal, ""));
    this.impersonation = new ImpersonationEdges(
      index,
      (principal, clusterId) => this.register(principal, clusterId),
      edgeCacheEntries(index.edgeCacheBytes, "impersonation"),
    );
    const model = index.model;
    for (const identity of model.identities) {
      this.identitiesByPrincipal.set(identity.principalId, {
        resourceId: identity.id,
        principalId: identity.principalId,
        name: identity.name,
      });
    }
    for (const credential of model.federatedCredentials)
      push(this.credentialsByIdentity, credential.identityId, credential);
    for (const credential of model.applicationFederatedCredentials ?? [])
      push(this.credentialsByAppId, credential.appId, credential);
    for (const ownership of model.directoryOwners ?? [])
      if (ownership.objectKind === "Application" && ownership.appId)
        this.applicationNames.set(ownership.appId, ownership.displayName);
    for (const cluster of model.clusters) {
      if (cluster.oidcIssuer.enabled && cluster.oidcIssuer.issuerUrl)
        push(this.clustersByIssuer, cluster.oidcIssuer.issuerUrl, cluster);
      const carried = [
        ...(cluster.kubeletIdentity ? [{ ref: cluster.kubeletIdentity, label: "kubelet identity" }] : []),
        ...cluster.addons.flatMap((addon) =>
          addon.enabled && addon.identity
            ? [{ ref: addon.identity, label: `${addon.name} add-on identity` }]
            : [],
        ),
      ];
      for (const { ref, label } of carried) {
        if (!ref.objectId || !ref.resourceId) continue;
        const principalId = ref.objectId.toLowerCase();
        push(this.nodeIdentities, principalId, { cluster, label });
        if (!this.identitiesByPrincipal.has(principalId)) {
          this.identitiesByPrincipal.set(principalId, {
            resourceId: ref.resourceId,
            principalId,
            name: ref.resourceId.split("/").pop() ?? ref.resourceId,
          });
        }
      }
      for (const entry of cluster.podIdentity.enabled ? cluster.podIdentity.identities : []) {
        if (!entry.identity?.resourceId) continue;
        push(this.podIdentityBindings, entry.identity.resourceId, {
          cluster,
          namespace: entry.namespace,
          selector: entry.bindingSelector ?? entry.name,
          label: `pod identity ${entry.namespace}/${entry.name} (selector ${entry.bindingSelector ?? entry.name})`,
          id: `${cluster.id}#podIdentity/${entry.namespace}/${entry.name}`,
        });
      }
      const inventory = model.kubernetes[cluster.id];
      for (const binding of inventory?.azureIdentityBindings ?? []) {
        const identity = inventory?.azureIdentities.find(
          (candidate) =>
            candidate.namespace === binding.namespace && candidate.name === binding.azureIdentity,
        );
        if (!identity?.resourceId) continue;
        // AAD Pod Identity matches pods to bindings across namespaces unless it runs with
        // --forceNamespaced (azure.github.io/aad-pod-identity/docs/configure/match_pods_in_namespace/).
        // The AKS add-on (podIdentityProfile) runs it in managed mode, which "is only supported in
        // namespaced mode": pods match bindings of their own namespace only
        // (azure.github.io/aad-pod-identity/docs/configure/pod_identity_in_managed_mode/).
        // An AzureIdentity annotated `aadpodidentity.k8s.io/Behavior: namespaced` matches pods of its own
        // namespace only, whatever the mode (…/docs/configure/match_pods_in_namespace/).
        push(this.podIdentityBindings, identity.resourceId, {
          cluster,
          namespace: cluster.podIdentity.enabled || identity.namespaced ? binding.namespace : null,
          selector: binding.selector,
          label: `AzureIdentityBinding ${binding.namespace}/${binding.name} (pods labelled aadpodidbinding=${binding.selector})`,
          id: kubernetesNaturalKey(cluster.id, "AzureIdentityBinding", binding.namespace, binding.name),
        });
      }
    }
  }

  private eligibleBelowResourceGroup(): Map<string, RoleAssignment[]> {
    if (!this.eligibleBelow) {
      this.eligibleBelow = new Map();
      for (const [scope, assignments] of this.index.eligibleByScope) {
        const { subscriptionId, resourceGroup, resourceType } = parseArmId(scope);
        if (!subscriptionId || !resourceGroup || !resourceType) continue;
        for (const assignment of assignments)
          push(
            this.eligibleBelow,
            `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}`,
            assignment,
          );
      }
    }
    return this.eligibleBelow;
  }

  // -------------------------------------------------------------------------------------------
  // Role facts beyond the engine's (which knows the AKS actions)

  roleFacts(definition: RoleDefinition): RoleFacts {
    let facts = this.factsCache.get(definition.guid);
    if (!facts) {
      // The ~900 built-in roles list hundreds of patterns, nearly all for other providers: match
      // against the ones whose literal head is compatible with these actions (same answer, found
      // without running every pattern's regular expression).
      const narrowed = narrowToActions(definition, ATTACK_ACTION_LIST);
      const control = (action: string) => (narrowed ? grantingPattern(narrowed, "control", action) : null);
      facts = {
        writeRoleAssignment: control(ATTACK_ACTIONS.writeRoleAssignment),
        writeRoleDefinition: control(ATTACK_ACTIONS.writeRoleDefinition),
        writeFederatedCredential: control(ATTACK_ACTIONS.writeFederatedCredential),
        assignIdentity: control(ATTACK_ACTIONS.assignIdentity),
        computeWrite: ATTACK_ACTIONS.computeWrites.map(control).find((pattern) => pattern !== null) ?? null,
        writeScaleSet: control(ATTACK_ACTIONS.writeScaleSet),
      };
      this.factsCache.set(definition.guid, facts);
    }
    return facts;
  }

  /** The strongest level on `cluster` that holding `definition` at or above it gives (control plane or Azure RBAC). */
  levelByRole(cluster: Cluster, definition: RoleDefinition): AttackPathLevel | null {
    const facts = this.index.roleFacts(definition);
    const own = this.roleFacts(definition);
    const localAccounts = !cluster.localAccountsDisabled;
    if (facts.adminCredential && localAccounts) return "cluster-admin";
    // managedClusters/write: re-enable local accounts, or list a group of one's own in adminGroupObjectIDs.
    if (facts.clusterWrite) return "cluster-admin";
    // roleAssignments/write: assign oneself any of the roles that follow.
    if (own.writeRoleAssignment) return "cluster-admin";
    if (facts.userCredential && cluster.entra.mode === "none" && localAccounts) return "cluster-admin";
    if (cluster.entra.mode === "managed" && cluster.entra.azureRbac) {
      const level = facts.dataCluster?.level ?? null;
      if (level) return level;
    }
    return null;
  }

  /** The role a holder of roleAssignments/write would assign itself on `cluster`, within `roles`. */
  private bestRole(cluster: Cluster, roles: AssignableRoles, conditionKey: string) {
    const key = [
      cluster.localAccountsDisabled,
      cluster.runCommandDisabled,
      cluster.entra.mode,
      cluster.entra.azureRbac,
      conditionKey,
    ].join("|");
    if (this.bestRoleCache.has(key)) return this.bestRoleCache.get(key) ?? null;
    let best: { definition: RoleDefinition; level: AttackPathLevel } | null = null;
    for (const definition of this.clusterRoleCandidates()) {
      if (!mayAssign(roles, definition.guid)) continue;
      const level = this.levelByRole(cluster, definition);
      if (level && (!best || ACCESS_LEVEL_RANK[level] > ACCESS_LEVEL_RANK[best.level]))
        best = { definition, level };
    }
    this.bestRoleCache.set(key, best);
    return best;
  }

  /**
   * The roles levelByRole can give a level for on some cluster, in bestRole's order of preference:
   * computed once, so that bestRole looks at a few dozen roles rather than the ~900 built-in ones.
   */
  clusterRoleCandidates(): readonly RoleDefinition[] {
    if (!this.roleCandidates) {
      const preferred = (definition: RoleDefinition) => (definition.guid === AKS_RBAC_CLUSTER_ADMIN ? 0 : 1);
      // the tenant's definitions before the catalogue's (assignableDefinitions), then by name
      const tenantRead = new Set(this.index.model.roleDefinitions);
      const read = (definition: RoleDefinition) => (tenantRead.has(definition) ? 0 : 1);
      this.roleCandidates = this.assignableDefinitions()
        .filter((definition) => {
          if (this.roleFacts(definition).writeRoleAssignment !== null) return true;
          if (!mayConcernClusters(definition)) return false;
          const facts = this.index.roleFacts(definition);
          return (
            facts.adminCredential !== null ||
            facts.clusterWrite !== null ||
            facts.userCredential !== null ||
            this.roleFacts(definition).writeRoleAssignment !== null ||
            (facts.dataCluster?.level ?? null) !== null
          );
        })
        .sort(
          (a, b) => preferred(a) - preferred(b) || read(a) - read(b) || a.roleName.localeCompare(b.roleName),
        );
    }
    return this.roleCandidates;
  }

  /**
   * Every role definition a holder of roleAssignments/write could assign: the tenant's as the scan read
   * them, then the built-in roles it did not read. Built-in roles exist in every tenant with the same GUID
   * (learn.microsoft.com/azure/role-based-access-control/built-in-roles), listed or not: a definitions list
   * that failed, or a tenant file without them, must not leave the holder nothing to assign (a false
   * "nobody"; rolesByGuid falls back to the same catalogue for the roles assignments name).
   */
  private assignableDefinitions(): readonly RoleDefinition[] {
    if (!this.assignable) {
      const read = new Set(this.index.model.roleDefinitions.map((definition) => definition.guid));
      this.assignable = [
        ...this.index.model.roleDefinitions,
        ...builtInRoleDefinitions()
          .map((wire) => this.index.rolesByGuid.get(wire.name.toLowerCase()) ?? roleDefinitionFromWire(wire))
          .filter((definition) => !read.has(definition.guid)),
      ];
    }
    return this.assignable;
  }

  /**
   * The role a holder of roleAssignments/write over a managed identity would assign itself to add a
   * federated credential to it, within `roles`: Managed Identity Contributor, the narrowest, else the first
   * by name that grants federatedIdentityCredentials/write (Contributor, Owner, …). An ABAC condition that
   * lets the holder assign only Contributor (the Role Based Access Control Administrator's constrained
   * delegation) still gives the identity away.
   */
  private federatedCredentialRole(roles: AssignableRoles): RoleDefinition | null {
    if (!this.federatedCredentialWriters) {
      const narrowest = (definition: RoleDefinition) =>
        definition.guid === MANAGED_IDENTITY_CONTRIBUTOR ? 0 : 1;
      this.federatedCredentialWriters = this.assignableDefinitions()
        .filter((definition) => this.roleFacts(definition).writeFederatedCredential !== null)
        .sort((a, b) => narrowest(a) - narrowest(b) || a.roleName.localeCompare(b.roleName));
    }
    return this.federatedCredentialWriters.find((definition) => mayAssign(roles, definition.guid)) ?? null;
  }

  // -------------------------------------------------------------------------------------------
  // Kubernetes: who can run code as which service account on a cluster

  private register(principal: AccessPrincipal, clusterId: string): NodeId {
    // A directory principal is one cached object (directoryPrincipal) and one node on every
    // cluster: known ones skip building the node id and looking it up (millions of times on a
    // large tenant).
    if (principal.kind !== "ServiceAccount") {
      const known = this.registered.get(principal);
      if (known !== undefined) return known;
    }
    const node = nodeOf(principal, clusterId);
    if (principal.kind !== "ServiceAccount") this.registered.set(principal, node);
    if (!this.principals.has(node))
      this.principals.set(node, {
        principal,
        clusterId: principal.kind === "ServiceAccount" ? clusterId : null,
      });
    return node;
  }

  /**
   * A directory group and its transitive members (reachThroughGroups) as one holder: the group's
   * `grp:` node, which the group and each member lead into at weight 0 (membershipEdges). The paths
   * are the same — member, "member of G", then the group's — but a binding to a group of 500 costs one
   * edge per cluster instead of 501: on generated tenants three holders in four came through a group.
   */
  private holdersThrough(
    reached: readonly Reached[],
    /** whom a deny assignment takes the edge from (deniedAt): those are left out one by one */
    denied?: (principalId: string) => boolean,
  ): readonly (Reached | { node: NodeId; prefix: PathStep[] })[] {
    if (denied) {
      const allowed = reached.filter((candidate) => !denied(candidate.principal.id));
      if (allowed.length < reached.length) return allowed;
    }
    if (reached.length < 2) return reached;
    // reachThroughGroups' answer: the group, then its members
    if (reached[0].principal.kind === "Group") return this.groupHolder(reached[0]);
    // `system:authenticated` on an Entra-integrated cluster (resolveSubject): the Kubernetes group and the
    // cluster's service accounts, then the tenant's sign-in group and its members, which become one holder
    const signIn = this.index.entraSignInGroup.id;
    const at = reached.findIndex((entry) => entry.principal.id === signIn);
    return at < 0 ? reached : [...reached.slice(0, at), ...this.groupHolder(reached[at])];
  }

  private groupHolder(group: Reached): [{ node: NodeId; prefix: PathStep[] }] {
    const groupId = group.principal.id;
    let holder = this.groupHolders.get(groupId);
    if (!holder) {
      holder = [{ node: `grp:${groupId}`, prefix: group.prefix }];
      this.groupHolders.set(groupId, holder);
    }
    return holder;
  }

  /**
   * The steps from an assignment to one of its role's actions. Every edge the assignment gives for that
   * action shares them: a subscription-scope assignment gives one into each identity below it, and
   * building them per edge made the identity cache ~800 bytes an edge (2026-12-05, bench/attack-search).
   */
  private assignmentVia(
    assignment: RoleAssignment,
    definition: RoleDefinition,
    action: string,
    pattern: string,
  ): readonly PathStep[] {
    let byAction = this.viaCache.get(assignment);
    if (!byAction) {
      byAction = new Map();
      this.viaCache.set(assignment, byAction);
    }
    const key = `${action}\u0000${pattern}`;
    let via = byAction.get(key);
    if (!via) {
      via = [...this.assignmentSteps(assignment, definition), this.permissionStep(action, pattern)];
      byAction.set(key, via);
    }
    return via;
  }

  /** The assignment (or eligibility) and its role: the first two steps of every edge it gives. */
  private assignmentSteps(assignment: RoleAssignment, definition: RoleDefinition): readonly PathStep[] {
    let steps = this.assignmentStepsCache.get(assignment);
    if (!steps) {
      steps = [grantStep(this.index, assignment, definition), roleDefinitionStep(definition)];
      this.assignmentStepsCache.set(assignment, steps);
    }
    return steps;
  }

  private permissionStep(action: string, pattern: string): PathStep {
    const key = `${action}\u0000${pattern}`;
    let step = this.permissionSteps.get(key);
    if (!step) {
      step = permissionStep(action, pattern);
      this.permissionSteps.set(key, step);
    }
    return step;
  }

  /** Who a deny assignment at or above `resourceId` takes `action` from; undefined when the tenant has none. */
  private deniedAt(
    resourceId: string | NestedScope,
    action: string,
  ): ((principalId: string) => boolean) | undefined {
    if (this.index.denyIndex.byScope.size === 0) return undefined;
    // The resource's scope chain once, not once per member.
    const chain =
      typeof resourceId === "string"
        ? scopeChain(this.index, resourceId)
        : [...scopeChain(this.index, resourceId.parent), resourceId.child];
    return (principalId) => deniesAction(this.index.denyIndex, chain, principalId, action);
  }

  /** Into a `grp:` node: the group itself, and every member with its "member of" step. */
  private membershipEdges(groupId: string): ReverseEdge[] {
    let edges = this.membershipCache.get(groupId);
    if (edges) return edges;
    edges = reachThroughGroups(this.index, directoryPrincipal(this.index, groupId, "Group")).map(
      (reached) => ({
        from: this.register(reached.principal, ""),
        weight: 0 as const,
        steps: reached.prefix.slice(1),
        conditional: false,
      }),
    );
    this.membershipCache.set(groupId, edges);
    return edges;
  }

  private powers(cluster: Cluster): Powers {
    const powers: Powers = {
      pods: new Map(),
      token: new Map(),
      exec: new Map(),
      newsa: new Map(),
      relabel: new Map(),
      named: new Map(),
      secret: new Map(),
    };
    const getExec = execAllowsGet(cluster.kubernetesVersion);
    const add = (
      found: PodPowers,
      namespace: string | null,
      reached: { principal: AccessPrincipal; prefix: PathStep[] } | { node: NodeId; prefix: PathStep[] },
      via: PathStep[],
      conditional: boolean,
      /** through a PIM eligibility: every holder it gives is eligible */
      eligible = false,
    ) => {
      const node = "node" in reached ? reached.node : this.register(reached.principal, cluster.id);
      const Holder = eligible ? EligibleHolderEdge : HolderEdge;
      // an attach is conditional on top of the grant's own condition (attachOnly)
      const holder = (evidence: string) =>
        new Holder(
          node,
          conditional || attachOnly(evidence),
          reached.prefix,
          via,
          evidence,
          cluster,
          namespace,
        );
      for (const kind of ["pods", "token", "exec", "secret"] as const) {
        const evidence = found[kind];
        if (evidence) push(powers[kind], namespace ?? ALL, holder(evidence));
      }
      if (found.secretNamed) {
        push(
          powers.secret,
          namespace ?? ALL,
          new Holder(node, true, reached.prefix, via, found.secretNamed, cluster, namespace),
        );
      }
      for (const [map, extra] of [
        [powers.newsa, found.account],
        [powers.relabel, found.relabel],
      ] as const) {
        if (found.pods && extra) push(map, namespace ?? ALL, holder(`${found.pods} and ${extra}`));
      }
      for (const [kind, list] of [
        ["token", found.tokenNames],
        ["exec", found.execNames],
      ] as const) {
        for (const { name, evidence } of list ?? [])
          push(powers.named, `${kind}|${namespace ?? ALL}|${name}`, holder(evidence));
      }
    };
    const everything: PodPowers = {
      pods: "create pods",
      token: "create serviceaccounts/token",
      exec: "create pods/exec",
      account: "create serviceaccounts",
      relabel: "patch namespaces",
    };

    // Entra admin groups and the local admin credential: cluster-admin, so everything.
    if (cluster.entra.mode === "managed") {
      for (const groupId of cluster.entra.adminGroupIds) {
        const group = directoryPrincipal(this.index, groupId, "Group");
        const via = [settingStep(cluster, "adminGroupObjectIDs", "listed in aadProfile.adminGroupObjectIDs")];
        for (const reached of this.holdersThrough(reachThroughGroups(this.index, group)))
          add(everything, null, reached, via, false);
      }
    }
    const azureRbac = cluster.entra.mode === "managed" && cluster.entra.azureRbac;
    // The cluster's setting steps once, not once per assignment: a subscription's assignments reach every
    // cluster in it, and each holder keeps its path's pieces.
    const localAccountsSetting = once(() =>
      settingStep(
        cluster,
        "disableLocalAccounts",
        "local accounts are enabled (disableLocalAccounts: false)",
      ),
    );
    const noEntraSetting = once(() =>
      settingStep(
        cluster,
        "aadProfile",
        "no Entra integration: the user credential is a cluster-admin certificate",
      ),
    );
    const azureRbacSetting = once(() =>
      settingStep(cluster, "enableAzureRBAC", "Azure RBAC for Kubernetes authorization is enabled"),
    );
    const applyAssignment = (assignment: RoleAssignment, namespace: string | null) => {
      const definition = this.index.rolesByGuid.get(assignment.roleDefinitionId);
      if (!definition) return;
      const facts = this.index.roleFacts(definition);
      const via = this.assignmentSteps(assignment, definition);
      const conditional = assignment.condition !== null;
      const eligible = isEligible(this.index, assignment);
      const assignee = directoryPrincipal(this.index, assignment.principalId, assignment.principalType);
      // A system:masters certificate: everything, pods included. The admin credential while local accounts
      // are on; without Entra integration the *user* credential is the same certificate
      // (learn.microsoft.com/azure/aks/control-kubeconfig-access; Azure/AKS issue 1343), as levelByRole and
      // the one-step engine already say.
      const certificate =
        namespace !== null || cluster.localAccountsDisabled
          ? null
          : facts.adminCredential
            ? {
                action: facts.adminCredentialAction,
                pattern: facts.adminCredential,
                setting: localAccountsSetting(),
              }
            : facts.userCredential && cluster.entra.mode === "none"
              ? {
                  action: AKS_ACTIONS.listUserCredential,
                  pattern: facts.userCredential,
                  setting: noEntraSetting(),
                }
              : null;
      if (certificate) {
        const credential = [
          ...via,
          this.permissionStep(certificate.action, certificate.pattern),
          certificate.setting,
        ];
        for (const reached of this.holdersThrough(
          reachThroughGroups(this.index, assignee),
          this.deniedAt(cluster.id, certificate.action),
        ))
          add(everything, null, reached, credential, conditional, eligible);
        return;
      }
      if (!azureRbac || !definition.permissions.some((block) => block.dataActions.length > 0)) return;
      const can: Can = (verb, group, resource) => {
        const action = kubernetesDataAction(verb, group, resource);
        return action !== null && grantingPattern(definition, "data", action) !== null;
      };
      const found = podPowers(can, getExec, namespace === null);
      if (!anyPower(found)) return;
      const data = [...via, azureRbacSetting()];
      // A namespace scope is a child of the cluster's: denies at the cluster apply to it too.
      const clusterChain = scopeChain(this.index, cluster.id);
      const chain =
        namespace === null ? clusterChain : [...clusterChain, clusterNamespaceScope(cluster.id, namespace)];
      const reachedAll = reachThroughGroups(this.index, assignee);
      const anyDenied = reachedAll.some(
        (reached) => deniedPermissions(this.index.denyIndex, chain, reached.principal.id) !== null,
      );
      for (const reached of anyDenied ? reachedAll : this.holdersThrough(reachedAll)) {
        if ("node" in reached) {
          add(found, namespace, reached, data, conditional, eligible);
          continue;
        }
        // A deny assignment on a data action takes that power from whom it names.
        const denied = deniedPermissions(this.index.denyIndex, chain, reached.principal.id);
        const powers = denied
          ? podPowers(
              (verb, group, resource) =>
                can(verb, group, resource) &&
                !isDenied(denied, "data", kubernetesDataAction(verb, group, resource) ?? ""),
              getExec,
              namespace === null,
            )
          : found;
        if (anyPower(powers)) add(powers, namespace, reached, data, conditional, eligible);
      }
    };
    for (const assignment of assignmentsReaching(this.index, cluster.id)) applyAssignment(assignment, null);
    for (const { namespace, assignment } of this.index.namespaceAssignmentsByCluster.get(cluster.id) ?? [])
      applyAssignment(assignment, namespace);

    const inventory = this.index.model.kubernetes[cluster.id];
    if (inventory && cluster.kubernetesRbac) this.kubernetesPowers(cluster, inventory, getExec, add);
    // PIM eligibilities last: the same powers once activated, each holder eligible (isEligible).
    for (const assignment of eligibilitiesReaching(this.index, cluster.id)) applyAssignment(assignment, null);
    for (const { namespace, assignment } of this.index.eligibleNamespaceByCluster.get(cluster.id) ?? [])
      applyAssignment(assignment, namespace);
    return powers;
  }

  private kubernetesPowers(
    cluster: Cluster,
    inventory: ClusterKubernetes,
    getExec: boolean,
    add: (
      found: PodPowers,
      namespace: string | null,
      reached: { principal: AccessPrincipal; prefix: PathStep[] } | { node: NodeId; prefix: PathStep[] },
      via: PathStep[],
      conditional: boolean,
    ) => void,
  ): void {
    const cache = new Map<string, PodPowers>();
    const powersOf = (key: string, rules: readonly PolicyRule[], clusterWide: boolean) => {
      const cacheKey = `${clusterWide ? "cluster" : "namespace"}|${key}`;
      let found = cache.get(cacheKey);
      if (!found) {
        found = podPowers(
          (verb, apiGroup, resource) => rulesAllow(rules, { verb, apiGroup, resource }),
          getExec,
          clusterWide,
          {
            can: (verb, apiGroup, resource, resourceName) =>
              rulesAllow(rules, { verb, apiGroup, resource, resourceName }),
            names: [...new Set(rules.flatMap((rule) => rule.resourceNames))],
          },
        );
        cache.set(cacheKey, found);
      }
      return found;
    };
    const apply = (
      subjects: (typeof inventory.roleBindings)[number]["subjects"],
      found: PodPowers,
      namespace: string | null,
      via: PathStep[],
    ) => {
      if (!anyPower(found)) return;
      for (const subject of subjects) {
        for (const reached of this.holdersThrough(
          resolveSubject(this.index, cluster, inventory, subject, namespace),
        ))
          add(found, namespace, reached, via, false);
        // Whoever may impersonate the subject runs what it runs (its steps end "acts as …").
        const key = subjectKey(subject, namespace);
        if (key && this.impersonation.impersonable(cluster, key))
          add(found, namespace, { node: asNode(cluster.id, key), prefix: [AS_PLACEHOLDER] }, via, false);
      }
    };
    for (const bound of boundRules(cluster.id, inventory)) {
      const held = powersOf(bound.roleKey, bound.rules, bound.namespace === null);
      apply(bound.subjects, held, bound.namespace, bound.via);
      // What it can bind to itself in a namespace, or add to a Role it holds there, it runs as well.
      const takeover = namespaceTakeover(inventory, bound);
      if (takeover) {
        const gained = powersOf(takeover.roleKey, takeover.rules, false);
        apply(bound.subjects, thenPowers(takeover.evidence, gained, held), bound.namespace, bound.via);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reverse edges

  /** Can anything lead into this node? Users, groups and service principals have no inbound edge. */
  hasPredecessors(node: NodeId): boolean {
    return (
      !node.startsWith("p:") ||
      this.identitiesByPrincipal.has(node.slice(2)) ||
      this.directory.hasPredecessors(node) ||
      this.federatedApplication(node.slice(2)) !== null
    );
  }

  /**
   * predecessorParts as the search reads them (FlatPart), remembered per node: a search expands a node by
   * the string it holds, whose hash is computed once, where working out the parts again parses the node
   * and looks its cluster, subject or identity up by strings built for the purpose (most of the search's
   * time on a large tenant, bench/attack-search). The parts are the edge caches' own lists: when a cache
   * is dropped, so is this, not to keep its lists alive; past its own budget it starts again too.
   */
  flatPredecessorParts(node: NodeId): readonly FlatPart[] {
    const generation = this.clusterEvictions + this.identityEvictions + this.impersonation.evictionCount;
    if (generation !== this.flatGeneration || this.flatNodes.size >= this.flatNodesBudget) {
      if (this.flatNodes.size > 0) this.flatEvictions += 1;
      this.flatNodes.clear();
      this.numbering.restart();
      this.flatGeneration = generation;
    }
    let flat = this.flatNodes.get(node);
    if (flat === undefined) {
      flat = this.predecessorParts(node).map((part) => this.numbering.flatPart(part));
      this.flatNodes.set(node, flat);
    }
    return flat;
  }

  predecessors(node: NodeId): ReverseEdge[] {
    const parts = this.predecessorParts(node);
    return parts.length === 1 ? [...parts[0]] : parts.flat();
  }

  /**
   * The reverse edges into a node, in parts the search walks one after the other: a namespace's pod
   * creators and the cluster-wide ones stay two lists instead of being copied into one on every visit
   * (a search visits tens of thousands of such nodes, and the copies were much of its garbage).
   */
  predecessorParts(node: NodeId): readonly (readonly ReverseEdge[])[] {
    if (
      node.startsWith("pods:") ||
      node.startsWith("token:") ||
      node.startsWith("exec:") ||
      node.startsWith("newsa:") ||
      node.startsWith("secret:")
    ) {
      const colon = node.indexOf(":");
      const kind = node.slice(0, colon) as "pods" | "token" | "exec" | "newsa" | "secret";
      const rest = node.slice(colon + 1);
      const bar = rest.indexOf("|");
      const powers = this.clusterCache(bar < 0 ? rest : rest.slice(0, bar)).powers;
      const namespace = bar < 0 ? "" : rest.slice(bar + 1);
      return [powers[kind].get(namespace) ?? NO_EDGES, powers[kind].get(ALL) ?? NO_EDGES];
    }
    return [this.edgesInto(node)];
  }

  private edgesInto(node: NodeId): ReverseEdge[] {
    if (node.startsWith("dirrole:")) return this.directory.predecessors(node);
    if (node.startsWith("grp:")) return this.membershipEdges(node.slice(4));
    if (node.startsWith("as:")) {
      const bar = node.indexOf("|");
      return this.impersonation.into(this.cluster(node.slice(3, bar)), node.slice(bar + 1));
    }
    if (node.startsWith("imp:")) {
      const bar = node.indexOf("|");
      return this.impersonation.intoImpersonator(
        this.cluster(node.slice(4, bar)),
        Number(node.slice(bar + 1)),
      );
    }
    if (node.startsWith("p:")) {
      const identity = this.identitiesByPrincipal.get(node.slice(2));
      if (!identity) {
        const directory = this.directory.predecessors(node);
        const federated = this.intoFederatedApplication(node);
        return federated.length === 0 ? directory : [...directory, ...federated];
      }
      let edges = this.identityCache.get(node);
      if (!edges) {
        edges = this.intoIdentity(identity);
        this.identityCacheEdges += edges.length;
        // Rebuilt on demand: past the budget the cache starts again rather than grow without bound.
        if (this.identityCacheEdges > this.identityCacheBudget) {
          this.identityEvictions += 1;
          this.identityCache.clear();
          this.identityCacheEdges = edges.length;
        }
        this.identityCache.set(node, edges);
      }
      return edges;
    }
    // Cluster-local nodes: `<kind>:<cluster id>|…`, cached with their cluster.
    const colon = node.indexOf(":");
    const kind = node.slice(0, colon);
    const rest = node.slice(colon + 1);
    const bar = rest.indexOf("|");
    const clusterId = bar < 0 ? rest : rest.slice(0, bar);
    const local = this.clusterCache(clusterId);
    const tail = bar < 0 ? "" : rest.slice(bar + 1);
    if (kind === "tokenname" || kind === "execname") {
      // tail: `<namespace>|<name>`; holders in that namespace and cluster-wide ones
      const split = tail.indexOf("|");
      const short = kind === "tokenname" ? "token" : "exec";
      const name = tail.slice(split + 1);
      return [
        ...(local.powers.named.get(`${short}|${tail.slice(0, split)}|${name}`) ?? []),
        ...(local.powers.named.get(`${short}|${ALL}|${name}`) ?? []),
      ];
    }
    const cached = local.reverse.get(node);
    if (cached) return cached;
    const cluster = this.cluster(clusterId);
    let edges: ReverseEdge[] = [];
    if (kind === "anypod") edges = this.intoAnyPod(local.powers);
    else if (kind === "hostpod") edges = this.intoHostNetworkPod(cluster, local.powers);
    else if (kind === "nodecode") {
      // root on the nodes from Azure: no pod, so neither Pod Security nor an admission policy stands in the way
      edges = [];
      this.nodeCodeExecutionEdges(edges, cluster, (step) => [step]);
    } else if (kind === "sa") edges = this.intoServiceAccount(cluster, tail, false);
    else if (kind === "wi") edges = this.intoServiceAccount(cluster, tail, true);
    local.reverse.set(node, edges);
    return edges;
  }

  /**
   * Per-cluster caches (who runs pods where, and the reverse edges of the cluster's nodes), the
   * most recently used clusters within this.clusterCacheHolders edges: on a tenant larger than that
   * they would otherwise grow with every cluster a search touches.
   */
  private clusterCache(clusterId: string): { powers: Powers; reverse: Map<NodeId, ReverseEdge[]> } {
    let entry = this.clusterCaches.get(clusterId);
    if (entry) {
      this.clusterCaches.delete(clusterId);
      this.clusterCaches.set(clusterId, entry);
      return entry;
    }
    const powers = this.powers(this.cluster(clusterId));
    let holders = 0;
    for (const kind of [
      powers.pods,
      powers.token,
      powers.exec,
      powers.newsa,
      powers.relabel,
      powers.named,
      powers.secret,
    ])
      for (const list of kind.values()) holders += list.length;
    entry = { powers, reverse: new Map(), holders };
    this.clusterCaches.set(clusterId, entry);
    this.cachedHolders += holders;
    for (const [oldest, evicted] of this.clusterCaches) {
      if (this.cachedHolders <= this.clusterCacheHolders || oldest === clusterId) break;
      this.clusterCaches.delete(oldest);
      this.cachedHolders -= evicted.holders;
      this.clusterEvictions += 1;
    }
    return entry;
  }

  private cluster(id: string): Cluster {
    const cluster = this.index.clustersById.get(id);
    if (!cluster) throw new Error(`unknown cluster ${id}`);
    return cluster;
  }

  private intoAnyPod(powers: Powers): ReverseEdge[] {
    const seen = new Set<string>();
    const edges: ReverseEdge[] = [];
    for (const holders of powers.pods.values()) {
      for (const holder of holders) {
        // a standing holder is not hidden behind an eligible one of the same principal
        const key = `${holder.from}|${holder.conditional}|${holder.eligible}`;
        if (seen.has(key)) continue;
        seen.add(key);
        edges.push(holder);
      }
    }
    return edges;
  }

  /**
   * Who can run a hostNetwork pod: pod creators in a namespace whose Pod Security admission does not
   * enforce `baseline` or `restricted` (both forbid host namespaces: kubernetes.io/docs/concepts/
   * security/pod-security-standards/), and cluster-wide creators when such a namespace exists.
   */
  private intoHostNetworkPod(cluster: Cluster, powers: Powers): ReverseEdge[] {
    const namespaces = this.index.model.kubernetes[cluster.id]?.namespaces ?? [];
    const enforced = new Set(
      namespaces
        .filter((namespace) => {
          const level = namespace.labels["pod-security.kubernetes.io/enforce"];
          return level === "baseline" || level === "restricted";
        })
        .map((namespace) => namespace.name),
    );
    const edges: ReverseEdge[] = [];
    for (const [namespace, holders] of powers.pods) {
      if (namespace === ALL) {
        if (namespaces.length === 0 || namespaces.some((candidate) => !enforced.has(candidate.name)))
          edges.push(...holders);
      } else if (!enforced.has(namespace)) edges.push(...holders);
    }
    // Who may also patch an enforcing namespace removes its enforce label first
    // (kubernetes.io/docs/concepts/security/rbac-good-practices/#namespace-modification).
    for (const [namespace, holders] of powers.relabel) {
      if (namespace === ALL ? enforced.size > 0 : enforced.has(namespace)) edges.push(...holders);
    }
    return edges;
  }

  serviceAccountStep(cluster: Cluster, namespace: string, name: string, how: string): PathStep {
    return {
      kind: "k8s.serviceAccount",
      id: kubernetesNaturalKey(cluster.id, "ServiceAccount", namespace, name),
      label: `${how} service account ${namespace}/${name} on ${cluster.name}`,
    };
  }

  /**
   * Who reaches a service account: its Kubernetes API access (`sa:`, `federated` false) or a token of it a
   * federated credential accepts (`wi:`, `federated` true: issuer the cluster's OIDC issuer, audience
   * api://AzureADTokenExchange). A pod creator or token minter chooses the token's audience (projected
   * serviceAccountToken.audience, TokenRequest spec.audiences), so both lead to either; a running pod holds
   * the API token unless automountServiceAccountToken is false, and the federated one only where the
   * azure-workload-identity webhook projected it, on pods labelled `azure.workload.identity/use: "true"`
   * (its MutatingWebhookConfiguration's objectSelector, Azure/azure-workload-identity since v1.0.0). A
   * service-account-token Secret holds a legacy token (issuer `kubernetes/serviceaccount`, no audience:
   * pkg/serviceaccount/legacy.go), the API access only.
   */
  private intoServiceAccount(cluster: Cluster, principalId: string, federated: boolean): ReverseEdge[] {
    const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(principalId);
    if (!match) return [];
    const [, namespace, name] = match;
    this.register(serviceAccountPrincipal(namespace, name), cluster.id);
    const inventory = this.index.model.kubernetes[cluster.id];
    const account = inventory?.serviceAccounts.find(
      (candidate) => candidate.namespace === namespace && candidate.name === name,
    );
    // A pod must name an existing account (the ServiceAccount admission plugin refuses it otherwise:
    // "error looking up service account", kubernetes/kubernetes plugin/pkg/admission/serviceaccount/
    // admission.go) and a token request acts on one: an account a binding or a credential names but
    // the cluster lacks is reached by who may create it, then run a pod as it. Every namespace has its
    // `default` account (kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts).
    if (inventory && name !== "default" && !account) {
      const namespaceKnown =
        inventory.namespaces.length === 0 || inventory.namespaces.some((known) => known.name === namespace);
      return [
        {
          from: `newsa:${cluster.id}|${namespace}`,
          weight: 0,
          steps: [
            {
              kind: "k8s.serviceAccount",
              id: kubernetesNaturalKey(cluster.id, "ServiceAccount", namespace, name),
              label: `creates service account ${namespace}/${name} on ${cluster.name} (it does not exist) and runs a pod as it`,
            },
          ],
          // a namespace that does not exist needs creating too
          conditional: !namespaceKnown,
        },
      ];
    }
    // Holders of each power reach the account through one shared node per namespace, so pod
    // creators × service accounts is never materialised.
    const edges: ReverseEdge[] = [
      {
        from: `pods:${cluster.id}|${namespace}`,
        weight: 0,
        steps: [this.serviceAccountStep(cluster, namespace, name, "runs a pod as")],
        conditional: false,
      },
      {
        from: `token:${cluster.id}|${namespace}`,
        weight: 0,
        steps: [this.serviceAccountStep(cluster, namespace, name, "mints a token of")],
        conditional: false,
      },
    ];
    // The token controller fills the Secret only while its account exists (syncSecret deletes it otherwise).
    if (!federated && (account || name === "default")) {
      const step = this.serviceAccountStep(
        cluster,
        namespace,
        name,
        "creates a service-account-token Secret for",
      );
      edges.push({
        from: `secret:${cluster.id}|${namespace}`,
        weight: 0,
        steps: [{ ...step, label: `${step.label} and reads its token` }],
        conditional: false,
      });
    }
    const pods = (inventory?.pods ?? []).filter(
      (candidate) => candidate.namespace === namespace && candidate.serviceAccountName === name,
    );
    /** does the running pod hold the token this node stands for? */
    const holds = (pod: Pod): boolean =>
      federated
        ? pod.workloadIdentityUse
        : (pod.automountServiceAccountToken ?? account?.automountServiceAccountToken ?? true) !== false;
    const podStep = (pod: Pod): PathStep => ({
      kind: "k8s.pod",
      id: kubernetesNaturalKey(cluster.id, "Pod", namespace, pod.name),
      label: `execs into pod ${namespace}/${pod.name}, which runs as service account ${namespace}/${name}${
        federated
          ? holds(pod)
            ? " and holds its workload identity token (labelled azure.workload.identity/use)"
            : ", but is not labelled azure.workload.identity/use: the webhook projected no workload identity token, so only a token volume of the pod's own spec (not read) would be there"
          : holds(pod)
            ? ""
            : ", but does not mount its API token (automountServiceAccountToken: false), so only a token volume of the pod's own spec (not read) would be there"
      }`,
    });
    // Without the token the path is kept, conditional: the pod's volumes are not read.
    const holding = pods.find(holds);
    const shown = holding ?? pods[0];
    if (shown) {
      edges.push({
        from: `exec:${cluster.id}|${namespace}`,
        weight: 0,
        steps: [podStep(shown)],
        conditional: !holding,
      });
      // A privileged or hostPath pod is node access ("Users who can run privileged Pods can use that
      // access to gain node access", kubernetes.io/docs/concepts/security/rbac-good-practices/), and a
      // pod may name its node. There the kubelet's credential may request a token, of any audience, for
      // the account of any pod bound to the node (kubernetes/kubernetes plugin/pkg/admission/
      // noderestriction/admission.go, admitServiceAccount), and the pods' projected tokens are on its
      // disk. Who can run such a pod: intoHostNetworkPod (Pod Security Baseline forbids both).
      // The same node reached from Azure (nodecode: code run as root by a scale set's run command or an
      // extension) holds those tokens and that credential too, with no pod for an admission policy to refuse.
      const onNode = `pod ${namespace}/${shown.name}`;
      for (const [from, how, conditional] of [
        [
          `hostpod:${cluster.id}`,
          `escapes a privileged pod onto the node of ${onNode} and takes a token of`,
          azurePolicyEnabled(cluster),
        ],
        [`nodecode:${cluster.id}`, `as root on the node of ${onNode}, takes a token of`, false],
      ] as const)
        edges.push({
          from,
          weight: 0,
          steps: [this.serviceAccountStep(cluster, namespace, name, how)],
          conditional,
        });
    }
    // Powers limited to named objects: only when someone on the cluster holds one.
    if (this.clusterCache(cluster.id).powers.named.size > 0) {
      edges.push({
        from: `tokenname:${cluster.id}|${namespace}|${name}`,
        weight: 0,
        steps: [this.serviceAccountStep(cluster, namespace, name, "mints a token of")],
        conditional: false,
      });
      for (const pod of pods) {
        edges.push({
          from: `execname:${cluster.id}|${namespace}|${pod.name}`,
          weight: 0,
          steps: [podStep(pod)],
          conditional: !holds(pod),
        });
      }
    }
    return edges;
  }

  /**
   * Edges from who can run code in existing pods of `cluster` that `which` accepts: one per namespace
   * with such a pod (holders of exec in it or cluster-wide), and one per such pod that someone may
   * exec into by name.
   */
  private execIntoPods(
    edges: ReverseEdge[],
    cluster: Cluster,
    which: (pod: Pod) => boolean,
    what: string,
    tail: readonly PathStep[],
  ): void {
    const pods = (this.index.model.kubernetes[cluster.id]?.pods ?? []).filter(which);
    if (pods.length === 0) return;
    const step = (pod: Pod): PathStep => ({
      kind: "k8s.pod",
      id: kubernetesNaturalKey(cluster.id, "Pod", pod.namespace, pod.name),
      label: `execs into pod ${pod.namespace}/${pod.name}, which ${what}`,
    });
    const seen = new Set<string>();
    for (const pod of pods) {
      if (seen.has(pod.namespace)) continue;
      seen.add(pod.namespace);
      edges.push({
        from: `exec:${cluster.id}|${pod.namespace}`,
        weight: 0,
        steps: [step(pod), ...tail],
        conditional: false,
      });
    }
    const named = this.clusterCache(cluster.id).powers.named;
    if (named.size === 0) return;
    for (const pod of pods) {
      if (!named.has(`exec|${pod.namespace}|${pod.name}`) && !named.has(`exec|${ALL}|${pod.name}`)) continue;
      edges.push({
        from: `execname:${cluster.id}|${pod.namespace}|${pod.name}`,
        weight: 0,
        steps: [step(pod), ...tail],
        conditional: false,
      });
    }
  }

  /** The service principal `principalId` when its application has federated credentials, else null. */
  private federatedApplication(principalId: string): { appId: string; displayName: string } | null {
    const principal = this.index.principalsById.get(principalId);
    if (principal?.kind !== "ServicePrincipal" || !principal.appId) return null;
    return this.credentialsByAppId.has(principal.appId)
      ? { appId: principal.appId, displayName: principal.displayName }
      : null;
  }

  /**
   * Workload identity federated to an application registration: a Kubernetes token its federated
   * credential accepts is exchanged for a token of the application's service principal, which then
   * acts with everything the principal holds (learn.microsoft.com/entra/workload-id/workload-identity-federation;
   * AKS: learn.microsoft.com/azure/aks/workload-identity-overview, "a Microsoft Entra application or a
   * user-assigned managed identity").
   */
  private intoFederatedApplication(node: NodeId): ReverseEdge[] {
    const cached = this.federatedApplicationCache.get(node);
    if (cached) return cached;
    const edges: ReverseEdge[] = [];
    const servicePrincipal = this.federatedApplication(node.slice(2));
    if (servicePrincipal) {
      const application = this.applicationNames.get(servicePrincipal.appId) ?? servicePrincipal.displayName;
      const target: PathStep = {
        kind: "principal",
        id: node.slice(2),
        label: `signs in as service principal ${servicePrincipal.displayName}`,
      };
      for (const credential of this.credentialsByAppId.get(servicePrincipal.appId) ?? [])
        this.workloadIdentityEdges(
          edges,
          credential,
          {
            kind: "applicationFederatedCredential",
            id: applicationCredentialKey(credential),
            label: `federated credential ${credential.name} of application ${application} trusts it`,
          },
          target,
        );
    }
    this.federatedApplicationCache.set(node, edges);
    return edges;
  }

  /**
   * Who holds a token of a service account that `credential` accepts, into `target` (a managed identity,
   * or the service principal of an application): each cluster whose issuer the credential names, each
   * account there it matches, and an account the subject names that the cluster lacks (who may create it).
   */
  private workloadIdentityEdges(
    edges: ReverseEdge[],
    credential: MatchableCredential,
    credentialStep: PathStep,
    target: PathStep,
  ): void {
    for (const cluster of this.clustersByIssuer.get(credential.issuer) ?? []) {
      const issuer = cluster.oidcIssuer.issuerUrl ?? "";
      const inventory = this.index.model.kubernetes[cluster.id];
      // A subject naming an account the cluster lacks (or whose objects were not read): the account
      // node leads to who may create it (intoServiceAccount); unread, the account may not exist.
      const named = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(credential.subject ?? "");
      if (
        named &&
        credentialMatchesServiceAccount(credential, issuer, named[1], named[2]) === true &&
        !inventory?.serviceAccounts.some(
          (account) => account.namespace === named[1] && account.name === named[2],
        )
      ) {
        edges.push({
          from: `wi:${cluster.id}|${named[0]}`,
          weight: 1,
          steps: [
            {
              ...credentialStep,
              label: `${credentialStep.label} (issuer ${cluster.name}, subject ${named[0]}${inventory ? "" : "; the cluster's Kubernetes objects were not read"})`,
            },
            target,
          ],
          conditional: !inventory,
        });
      }
      for (const account of inventory?.serviceAccounts ?? []) {
        const result = credentialMatchesServiceAccount(credential, issuer, account.namespace, account.name);
        if (result === false) continue;
        // from a token of the account the credential accepts, not from its API access (`sa:`)
        const from = `wi:${cluster.id}|system:serviceaccount:${account.namespace}:${account.name}`;
        edges.push({
          from,
          weight: 1,
          steps: [
            {
              ...credentialStep,
              label:
                result === true
                  ? `${credentialStep.label} (issuer ${cluster.name}, subject system:serviceaccount:${account.namespace}:${account.name})`
                  : claimsExpressionOf(credential)
                    ? `${credentialStep.label} (a claims expression: outside the documented language, or matching a Kubernetes token, which Entra documents for GitHub, GitLab and Terraform Cloud tokens only)`
                    : `${credentialStep.label} (a flexible credential whose expression was not read: it may accept any token of ${cluster.name}'s issuer)`,
            },
            target,
          ],
          conditional: result === "unknown",
        });
      }
    }
  }

  private intoIdentity(identity: IdentityRef): ReverseEdge[] {
    const edges: ReverseEdge[] = [];
    const target = identityStep(identity.resourceId, `managed identity ${identity.name}`);
    this.principals.set(`p:${identity.principalId}`, {
      principal: directoryPrincipal(this.index, identity.principalId),
      clusterId: null,
    });

    // Workload identity: who holds a token of a service account that a federated credential accepts.
    for (const credential of this.credentialsByIdentity.get(identity.resourceId) ?? [])
      this.workloadIdentityEdges(
        edges,
        credential,
        {
          kind: "federatedCredential",
          id: credential.id,
          label: `federated credential ${credential.name} trusts it`,
        },
        target,
      );

    // IMDS: any pod on a node that carries the identity can ask for its token.
    for (const { cluster, label } of this.nodeIdentities.get(identity.principalId) ?? []) {
      if (imdsReachable(cluster)) {
        const imds = settingStep(
          cluster,
          "podLinkLocalAccess",
          `pods on ${cluster.name} reach the instance metadata endpoint (IMDS)`,
        );
        edges.push({
          from: `anypod:${cluster.id}`,
          weight: 0,
          steps: [imds, { ...target, label: `${label} ${identity.name}` }],
          conditional: false,
        });
        // Code exec'd into a running pod (exec, attach, ephemeral containers, a swapped image, the
        // kubelet API) reaches IMDS from that pod as well as code in a pod of one's own.
        this.execIntoPods(edges, cluster, () => true, "reaches the instance metadata endpoint (IMDS)", [
          imds,
          { ...target, label: `${label} ${identity.name}` },
        ]);
      } else {
        // The restriction keeps only pods without hostNetwork from IMDS ("Non-hostNetwork Pods will
        // not be able to access IMDS": az aks --enable-imds-restriction; learn.microsoft.com/azure/aks/
        // imds-restriction). A hostNetwork pod shares the node's network and still reaches it, where
        // the namespace admits one; Azure Policy may reject it, which the model cannot see.
        edges.push({
          from: `hostpod:${cluster.id}`,
          weight: 0,
          steps: [
            settingStep(
              cluster,
              "podLinkLocalAccess",
              `podLinkLocalAccess: None blocks pods without hostNetwork; a hostNetwork pod on ${cluster.name} still reaches the instance metadata endpoint (IMDS)`,
            ),
            { ...target, label: `${label} ${identity.name}` },
          ],
          conditional: azurePolicyEnabled(cluster),
        });
        // …and so does a running hostNetwork pod, for whoever runs code in it (exec, attach, an image swap).
        this.execIntoPods(
          edges,
          cluster,
          (pod) => pod.hostNetwork === true,
          "runs with hostNetwork, past podLinkLocalAccess: None, and reaches the instance metadata endpoint (IMDS)",
          [{ ...target, label: `${label} ${identity.name}` }],
        );
      }
      // The engine's identity-operator escalation: run code on the nodes that carry it.
      this.nodeCodeExecutionEdges(edges, cluster, (step) => [
        step,
        { ...target, label: `${label} ${identity.name}` },
      ]);
    }

    // AAD Pod Identity: a pod carrying a binding's selector label gets the identity from NMI.
    for (const binding of this.podIdentityBindings.get(identity.resourceId) ?? []) {
      edges.push({
        from:
          binding.namespace === null
            ? `anypod:${binding.cluster.id}`
            : `pods:${binding.cluster.id}|${binding.namespace}`,
        weight: 0,
        steps: [
          { kind: "podIdentity", id: binding.id, label: `labels the pod for ${binding.label}` },
          target,
        ],
        conditional: false,
      });
      // NMI serves a pod carrying the binding's label (azure.github.io/aad-pod-identity/docs/concepts/
      // nmi/): code exec'd into such a running pod asks as that pod.
      this.execIntoPods(
        edges,
        binding.cluster,
        (pod) =>
          pod.aadPodIdBinding === binding.selector &&
          (binding.namespace === null || pod.namespace === binding.namespace),
        `carries aadpodidbinding=${binding.selector}`,
        [{ kind: "podIdentity", id: binding.id, label: `asks NMI for ${binding.label}` }, target],
      );
    }

    // Azure control plane over the identity resource (PIM eligibilities too: their edges are eligible).
    // The tails are the identity's, shared by every assignment's edges (one array per edge was most
    // of what the identity cache held).
    const federatedTail: PathStep[] = [
      {
        kind: "action",
        id: `${identity.resourceId}#federatedCredential`,
        label: "adds a federated credential with an issuer it controls",
      },
      target,
    ];
    const assignTails = new Map<string | null, PathStep[]>();
    const assignTail = (computeWrite: string | null): PathStep[] => {
      let tail = assignTails.get(computeWrite);
      if (!tail) {
        tail = [
          {
            kind: "action",
            id: `${identity.resourceId}#assign`,
            label: computeWrite
              ? `attaches it to a virtual machine, scale set or app it controls (${computeWrite})`
              : "attaches it to compute it controls (needs write on a virtual machine, scale set or app)",
          },
          target,
        ];
        assignTails.set(computeWrite, tail);
      }
      return tail;
    };
    /** by the role assigned: one tail each, shared by the edges */
    const assignRoleTails = new Map<string, PathStep[]>();
    for (const assignment of standingAndEligible(this.index, identity.resourceId)) {
      this.controlPlaneEdge(
        edges,
        federatedCredentialScope(identity.resourceId),
        assignment,
        (facts) => facts.writeFederatedCredential,
        ATTACK_ACTIONS.writeFederatedCredential,
        federatedTail,
      );
      const definition = this.index.rolesByGuid.get(assignment.roleDefinitionId);
      if (!definition) continue;
      const own = this.roleFacts(definition);
      if (own.assignIdentity) {
        // Attaching the identity is only half: the holder needs compute to attach it to.
        this.controlPlaneEdge(
          edges,
          identity.resourceId,
          assignment,
          (facts) => facts.assignIdentity,
          ATTACK_ACTIONS.assignIdentity,
          assignTail(own.computeWrite),
          !own.computeWrite,
        );
      }
      if (own.writeRoleAssignment) {
        // the role's own permission blocks may carry a condition too (34 built-in roles do)
        const roles = assignableRolesFor(definition, assignment.condition);
        const assigned = this.federatedCredentialRole(roles);
        if (!assigned) continue;
        let assignRoleTail = assignRoleTails.get(assigned.guid);
        if (!assignRoleTail) {
          assignRoleTail = [
            {
              kind: "action",
              id: `${identity.resourceId}#assignRole/${assigned.guid}`,
              label: `assigns itself ${assigned.roleName} on it and adds a federated credential`,
            },
            target,
          ];
          assignRoleTails.set(assigned.guid, assignRoleTail);
        }
        this.controlPlaneEdge(
          edges,
          identity.resourceId,
          assignment,
          (facts) => facts.writeRoleAssignment,
          ATTACK_ACTIONS.writeRoleAssignment,
          assignRoleTail,
          roles.kind === "unknown",
        );
      }
    }
    return edges;
  }

  /**
   * Deny assignments remove the actions they deny before any edge is built (lib/access/
   * deny-assignments.ts): true when one takes `action` on `resourceId` from `principalId`.
   */
  private denies(resourceId: string, principalId: string, action: string): boolean {
    if (this.index.denyIndex.byScope.size === 0) return false;
    return deniesAction(this.index.denyIndex, scopeChain(this.index, resourceId), principalId, action);
  }

  /**
   * An assignment's edges for running code on a cluster's nodes (NODE_CODE_EXECUTION_ACTIONS, as the
   * engine's identity-operator escalation): each holder through the first action the role grants
   * (toward `on`: a scale set or VM; null = any) that no deny assignment at or above `resourceId`
   * takes from it, named in the path.
   */
  /**
   * Edges from who runs code on `cluster`'s nodes (NODE_CODE_EXECUTION_ACTIONS): at the node resource group
   * or above, or at a scale set or VM in it; `tail` follows the step naming how.
   */
  private nodeCodeExecutionEdges(
    edges: ReverseEdge[],
    cluster: Cluster,
    tail: (step: PathStep) => PathStep[],
  ): void {
    if (!cluster.nodeResourceGroup) return;
    const groupId = `/subscriptions/${cluster.subscriptionId}/resourcegroups/${cluster.nodeResourceGroup}`;
    const steps = (how: string) =>
      tail({ kind: "resourceGroup", id: groupId, label: `${how} in ${cluster.nodeResourceGroup}` });
    for (const assignment of standingAndEligible(this.index, groupId))
      this.nodeCodeEdges(edges, nodeComputeScope(groupId), assignment, null, steps);
    for (const assignment of [
      ...(this.index.assignmentsBelowResourceGroup.get(groupId) ?? []),
      ...(this.eligibleBelowResourceGroup().get(groupId) ?? []),
    ]) {
      const on = nodeComputeOf(assignment.scope);
      if (on) this.nodeCodeEdges(edges, assignment.scope, assignment, on, steps);
    }
  }

  private nodeCodeEdges(
    edges: ReverseEdge[],
    resourceId: string,
    assignment: RoleAssignment,
    on: NodeCodeExecutionAction["on"] | null,
    tail: (how: string) => PathStep[],
  ): void {
    const definition = this.index.rolesByGuid.get(assignment.roleDefinitionId);
    if (!definition) return;
    const granted = this.index
      .roleFacts(definition)
      .nodeCodeExecution.filter((entry) => on === null || entry.on === on);
    if (granted.length === 0) return;
    const reached = reachThroughGroups(
      this.index,
      directoryPrincipal(this.index, assignment.principalId, assignment.principalType),
    );
    /** holders an earlier action already gave the edge */
    const covered = new Set<string>();
    for (const entry of granted) {
      const denied = this.deniedAt(resourceId, entry.action);
      const holders = this.holdersThrough(
        reached,
        covered.size > 0 || denied ? (id) => covered.has(id) || (denied?.(id) ?? false) : undefined,
      );
      const via = this.assignmentVia(assignment, definition, entry.action, entry.pattern);
      for (const holder of holders) {
        edges.push(
          newAssignmentEdge(
            isEligible(this.index, assignment),
            "node" in holder ? holder.node : this.register(holder.principal, ""),
            entry.conditional || assignment.condition !== null,
            holder.prefix,
            via,
            tail(entry.how),
          ),
        );
        if ("node" in holder) return;
        covered.add(holder.principal.id);
      }
      if (!denied || covered.size >= reached.length) return;
    }
  }

  /** An edge from every principal an assignment reaches, when its role grants the action. */
  private controlPlaneEdge(
    edges: ReverseEdge[],
    /** the resource the action acts on: deny assignments at or above it apply */
    resourceId: string | NestedScope,
    assignment: RoleAssignment,
    granted: (facts: RoleFacts) => string | null,
    action: string,
    tail: PathStep[],
    conditional = false,
  ): void {
    const definition = this.index.rolesByGuid.get(assignment.roleDefinitionId);
    if (!definition) return;
    const pattern = granted(this.roleFacts(definition));
    if (!pattern) return;
    const via = this.assignmentVia(assignment, definition, action, pattern);
    const eligible = isEligible(this.index, assignment);
    const assignee = directoryPrincipal(this.index, assignment.principalId, assignment.principalType);
    const holders = this.holdersThrough(
      reachThroughGroups(this.index, assignee),
      this.deniedAt(resourceId, action),
    );
    const isConditional =
      conditional ||
      (assignment.condition !== null && !action.startsWith("Microsoft.Authorization/roleAssignments"));
    for (const reached of holders) {
      edges.push(
        newAssignmentEdge(
          eligible,
          "node" in reached ? reached.node : this.register(reached.principal, ""),
          isConditional,
          reached.prefix,
          via,
          tail,
        ),
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Into a cluster level

  /**
   * Every one-hop edge into a level of `access.cluster`: the engine's grants (what principals hold),
   * the engine's control-plane and Kubernetes escalations that amount to cluster-admin, and what
   * roleAssignments/write and roleDefinitions/write let a principal give itself.
   */
  targetEdges(access: ClusterAccess): TargetEdge[] {
    const cluster = this.cluster(access.cluster.id);
    const edges: TargetEdge[] = [];
    for (const { principal, grants, escalations } of access.principals) {
      const from = this.register(principal, cluster.id);
      for (const grant of grants) {
        if (grant.level === "credentials-only") continue;
        edges.push({
          from,
          weight: 1,
          steps: grant.path.slice(1),
          conditional: grant.conditional,
          // a path into an eligible grant needs its activation first: never standing access
          ...(grant.eligible ? { eligible: true } : {}),
          level: grant.level,
          namespace: grant.namespace,
          held: true,
        });
      }
      for (const escalation of escalations) {
        if (escalation.route === "attack-path") continue;
        const clusterWide =
          escalation.to === "cluster-write" ||
          (escalation.to === "run-command" && runCommandRunsAsAdmin(cluster));
        // bind, escalate: takeoverEdges, which also asks for what binding or editing needs besides
        // the verb; impersonate: the impersonation edges, which say whom exactly.
        if (!clusterWide) continue;
        const how: Record<string, string> = {
          "cluster-write": "lists a group of its own in adminGroupObjectIDs, or re-enables local accounts",
          "run-command": "runs kubectl through run command, which uses the cluster's admin credential",
        };
        edges.push({
          from,
          weight: 1,
          steps: [
            ...escalation.path.slice(1, -1),
            {
              kind: "action",
              id: `${cluster.id}#${escalation.to}`,
              label: how[escalation.to] ?? escalation.to,
            },
            clusterStep(cluster),
          ],
          conditional: false,
          ...(escalation.eligible ? { eligible: true } : {}),
          level: "cluster-admin",
          namespace: null,
          held: false,
        });
      }
    }

    // (the engine reads no roleAssignments/write, standing or eligible: these edges are the only ones)
    for (const assignment of standingAndEligible(this.index, cluster.id)) {
      const definition = this.index.rolesByGuid.get(assignment.roleDefinitionId);
      if (!definition) continue;
      const own = this.roleFacts(definition);
      if (own.writeRoleAssignment) {
        // the role's own permission blocks may carry a condition too (34 built-in roles do: e.g. Azure
        // Container Storage Contributor may assign one role only)
        const roles = assignableRolesFor(definition, assignment.condition);
        const best = this.bestRole(cluster, roles, `${definition.guid}|${assignment.condition ?? ""}`);
        if (best) {
          const tail = [
            grantStep(this.index, assignment, definition),
            roleDefinitionStep(definition),
            permissionStep(ATTACK_ACTIONS.writeRoleAssignment, own.writeRoleAssignment),
            {
              kind: "action",
              id: `${cluster.id}#assignRole/${best.definition.guid}`,
              label: `assigns itself ${best.definition.roleName} on ${cluster.name}`,
            },
            clusterStep(cluster),
          ];
          this.fromAssignee(edges, assignment, tail, roles.kind === "unknown", best.level, cluster.id);
        }
      }
    }
    this.customRoleEdges(cluster, edges);
    edges.push(...this.directory.targetEdges(cluster));
    edges.push(...this.impersonation.targetEdges(cluster));
    this.takeoverEdges(cluster, edges);
    return edges;
  }

  /**
   * Cluster-wide Kubernetes permissions that amount to cluster-admin (lib/access/cluster-takeover.ts):
   * from ClusterRoleBindings, and from Azure RBAC data actions at or above the cluster.
   */
  private takeoverEdges(cluster: Cluster, edges: TargetEdge[]): void {
    const emit = (
      reached: { principal: AccessPrincipal; prefix: PathStep[] },
      via: PathStep[],
      takeover: Takeover,
      conditional: boolean,
      eligible = false,
    ) => {
      edges.push({
        from: this.register(reached.principal, cluster.id),
        weight: 1,
        steps: [
          ...reached.prefix.slice(1),
          ...via,
          { kind: "permission", id: takeover.evidence, label: `can ${takeover.evidence}` },
          { kind: "action", id: `${cluster.id}#takeover`, label: takeover.label },
          clusterStep(cluster),
        ],
        conditional,
        ...(eligible ? { eligible: true } : {}),
        level: "cluster-admin",
        namespace: null,
        held: false,
      });
    };
    const inventory = this.index.model.kubernetes[cluster.id];
    if (inventory && cluster.kubernetesRbac) {
      const byRole = new Map<string, Takeover | null>();
      /**
       * RBAC adds up (rbac.go Authorize visits every binding's rules): what a principal's bindings give only
       * together — bind on cluster-admin in one, create clusterrolebindings in another — is a takeover too.
       */
      const parts = new Map<
        string,
        { reached: { principal: AccessPrincipal; prefix: PathStep[] }; bound: BoundRules; alone: boolean }[]
      >();
      for (const bound of boundRules(cluster.id, inventory)) {
        // Only a ClusterRoleBinding grants the cluster-scoped writes a takeover needs.
        if (bound.namespace !== null) continue;
        const aggregates = aggregatesInto(inventory.clusterRoles, bound.roleName);
        let takeover = byRole.get(bound.roleName);
        if (takeover === undefined) {
          takeover = rulesTakeover(bound.rules, bound.roleName, aggregates);
          byRole.set(bound.roleName, takeover);
        }
        // a held aggregated ClusterRole is a part too: what a new role aggregated into it grants (below)
        const partOfOne = !takeover && (aggregates || rulesMayBePartOfTakeover(bound.rules));
        if (!takeover && !partOfOne) continue;
        for (const subject of bound.subjects)
          for (const reached of resolveSubject(this.index, cluster, inventory, subject, null)) {
            if (takeover) emit(reached, bound.via, takeover, false);
            const list = parts.get(reached.principal.id) ?? [];
            list.push({ reached, bound, alone: takeover !== null });
            parts.set(reached.principal.id, list);
          }
      }
      for (const list of parts.values()) {
        if (list.length < 2 || list.some((part) => part.alone)) continue;
        const rules = list.flatMap((part) => part.bound.rules);
        // escalate + update works on a ClusterRole the principal holds: any of the bound ones
        for (const ownRole of [undefined, ...new Set(list.map((part) => part.bound.roleName))]) {
          const takeover = rulesTakeover(rules, ownRole, aggregatesInto(inventory.clusterRoles, ownRole));
          if (!takeover) continue;
          const [first, ...others] = list;
          emit(
            first.reached,
            [
              ...first.bound.via,
              ...others.flatMap((part) => [...part.reached.prefix.slice(1), ...part.bound.via]),
            ],
            { ...takeover, label: `${takeover.label}, with these bindings' permissions together` },
            false,
          );
          break;
        }
      }
    }
    if (cluster.entra.mode === "managed" && cluster.entra.azureRbac) {
      const clusterChain = scopeChain(this.index, cluster.id);
      for (const assignment of standingAndEligible(this.index, cluster.id)) {
        const definition = this.index.rolesByGuid.get(assignment.roleDefinitionId);
        if (!definition?.permissions.some((block) => block.dataActions.length > 0)) continue;
        // Azure RBAC data actions name no object: a name-restricted request is the same action.
        const grants = (verb: string, apiGroup: string, resource: string) => {
          const action = kubernetesDataAction(verb, apiGroup, resource);
          return action !== null && grantingPattern(definition, "data", action) !== null;
        };
        const takeover = clusterTakeover(grants);
        if (!takeover) continue;
        const via = [
          grantStep(this.index, assignment, definition),
          roleDefinitionStep(definition),
          settingStep(cluster, "enableAzureRBAC", "Azure RBAC for Kubernetes authorization is enabled"),
        ];
        const eligible = isEligible(this.index, assignment);
        const assignee = directoryPrincipal(this.index, assignment.principalId, assignment.principalType);
        for (const reached of reachThroughGroups(this.index, assignee)) {
          // A deny assignment's dataActions take those requests from whom it names first.
          const denied = deniedPermissions(this.index.denyIndex, clusterChain, reached.principal.id);
          const own = denied
            ? clusterTakeover(
                (verb, apiGroup, resource) =>
                  grants(verb, apiGroup, resource) &&
                  !isDenied(denied, "data", kubernetesDataAction(verb, apiGroup, resource) ?? ""),
              )
            : takeover;
          if (own) emit(reached, via, own, assignment.condition !== null, eligible);
        }
      }
    }
  }

  private fromAssignee(
    edges: TargetEdge[],
    assignment: RoleAssignment,
    tail: PathStep[],
    conditional: boolean,
    level: AttackPathLevel,
    /** the cluster it writes a role assignment on: deny assignments of roleAssignments/write there apply */
    resourceId: string,
  ): void {
    const assignee = directoryPrincipal(this.index, assignment.principalId, assignment.principalType);
    const eligible = isEligible(this.index, assignment);
    for (const reached of reachThroughGroups(this.index, assignee)) {
      if (this.denies(resourceId, reached.principal.id, ATTACK_ACTIONS.writeRoleAssignment)) continue;
      edges.push({
        from: this.register(reached.principal, ""),
        weight: 1,
        steps: [...reached.prefix.slice(1), ...tail],
        conditional,
        ...(eligible ? { eligible: true } : {}),
        level,
        namespace: null,
        held: false,
      });
    }
  }

  /**
   * roleDefinitions/write over a custom role the same principal holds at or above the cluster: it
   * can add any action to that role (listClusterAdminCredential, managedClusters/write ...).
   */
  private customRoleEdges(cluster: Cluster, edges: TargetEdge[]): void {
    if (!this.roleDefinitionWriters) {
      this.roleDefinitionWriters = [];
      // standing writers first, then eligible ones (found first, a standing writer is the one reported)
      for (const assignment of [
        ...this.index.model.roleAssignments,
        ...[...this.index.eligibleByScope.values()].flat(),
      ]) {
        const definition = this.index.rolesByGuid.get(assignment.roleDefinitionId);
        if (!definition || !this.roleFacts(definition).writeRoleDefinition) continue;
        const assignee = directoryPrincipal(this.index, assignment.principalId, assignment.principalType);
        const members = new Set(
          reachThroughGroups(this.index, assignee).map((reached) => reached.principal.id),
        );
        this.roleDefinitionWriters.push({ assignment, definition, members });
      }
    }
    if (this.roleDefinitionWriters.length === 0) return;
    for (const assignment of standingAndEligible(this.index, cluster.id)) {
      const definition = this.index.rolesByGuid.get(assignment.roleDefinitionId);
      if (definition?.type !== "CustomRole") continue;
      const home = definition.assignableScopes[0] ?? "/";
      const homeChain = new Set(scopeChain(this.index, home));
      const assignee = directoryPrincipal(this.index, assignment.principalId, assignment.principalType);
      for (const reached of reachThroughGroups(this.index, assignee)) {
        const writer = this.roleDefinitionWriters.find(
          (candidate) =>
            candidate.members.has(reached.principal.id) && homeChain.has(candidate.assignment.scope),
        );
        if (!writer) continue;
        if (this.denies(home, reached.principal.id, ATTACK_ACTIONS.writeRoleDefinition)) continue;
        edges.push({
          from: this.register(reached.principal, ""),
          weight: 1,
          steps: [
            ...reached.prefix.slice(1),
            grantStep(this.index, writer.assignment, writer.definition),
            permissionStep(
              ATTACK_ACTIONS.writeRoleDefinition,
              this.roleFacts(writer.definition).writeRoleDefinition ?? "",
            ),
            grantStep(this.index, assignment, definition),
            {
              kind: "action",
              id: `${definition.id}#edit`,
              label: `adds Microsoft.ContainerService/managedClusters/* to ${definition.roleName}, which it holds`,
            },
            clusterStep(cluster),
          ],
          conditional: writer.assignment.condition !== null,
          // the edit, or holding the edited role, may need an activation
          ...(isEligible(this.index, writer.assignment) || isEligible(this.index, assignment)
            ? { eligible: true }
            : {}),
          level: "cluster-admin",
          namespace: null,
          held: false,
        });
      }
    }
  }
}
