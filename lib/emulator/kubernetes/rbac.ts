import { type BindingView, type ClusterObjects, rulesOf } from "@/lib/emulator/kubernetes/cluster-objects";
import { BUILT_IN_GROUPS } from "@/lib/emulator/kubernetes/resources";
import type { KubernetesObject, PolicyRule, RbacSubject } from "@/lib/model/wire/kubernetes";

// The emulator's RBAC authorizer is written independently of lib/access (it is the oracle the access
// engine is tested against), from the Kubernetes source:
// - rule matching: pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches,
//   ResourceMatches, ResourceNameMatches, NonResourceURLMatches) and
//   plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows, Authorize, RulesFor);
// - subjects and bindings: pkg/registry/rbac/validation/rule.go (appliesToUser, VisitRulesFor).

export type KubernetesUser = {
  /**
   * The user name the API server reports and RBAC `User` subjects must equal exactly: for an Entra
   * caller the token's `upn` claim, else its `oid` (Guard's rule, see api-server.ts `authenticate`);
   * clusterAdmin / clusterUser for static credentials. A user has exactly one name.
   */
  name: string;
  groups: string[];
  /** Set when authenticated with an Entra token: Azure RBAC for Kubernetes applies to these users. */
  entraObjectId?: string;
  uid?: string;
  extra?: Record<string, string[]>;
};

export type ResourceAttributes = {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
};

/** A request for a path outside the resource API (`/healthz`, `/api`, `/metrics`). */
export type NonResourceAttributes = { verb: string; path: string };

export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

export function isNonResource(attributes: RequestAttributes): attributes is NonResourceAttributes {
  return "path" in attributes;
}

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((value) => value === "*" || value === verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((value) => value === "*" || value === group);
}

// ResourceMatches: `*`, the exact combined resource (`pods` or `pods/exec`), or `*/<subresource>`
// for a subresource request. Nothing else: `pods/*` is not a wildcard and grants neither `pods`
// nor `pods/exec` (it only matches a subresource literally named `*`).
function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some(
    (value) => value === "*" || value === combined || (!!subresource && value === `*/${subresource}`),
  );
}

/** ResourceNameMatches: an empty list matches any name; otherwise the request's name (empty for list/create) must be listed. */
function resourceNameMatches(rule: PolicyRule, name: string | undefined): boolean {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return names.includes(name ?? "");
}

/** NonResourceURLMatches: `*`, an exact path, or a prefix ending in `*`. */
function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (value) =>
      value === "*" || value === path || (value.endsWith("*") && path.startsWith(value.replace(/\*+$/, ""))),
  );
}

/** One RBAC rule against a request, as the upstream RBAC authorizer's RuleAllows matches it. */
export function ruleAllows(rule: PolicyRule, attributes: RequestAttributes): boolean {
  if (isNonResource(attributes))
    return verbMatches(rule, attributes.verb) && nonResourceURLMatches(rule, attributes.path);
  return (
    verbMatches(rule, attributes.verb) &&
    apiGroupMatches(rule, attributes.group) &&
    resourceMatches(rule, attributes.resource, attributes.subresource) &&
    resourceNameMatches(rule, attributes.name)
  );
}

/** appliesToUser: users and groups by exact name; a ServiceAccount subject's namespace defaults to its binding's. */
function subjectApplies(
  subject: RbacSubject,
  user: KubernetesUser,
  bindingNamespace: string | undefined,
): boolean {
  switch (subject.kind) {
    case "User":
      return subject.name === user.name;
    case "Group":
      return user.groups.includes(subject.name);
    case "ServiceAccount": {
      const namespace = subject.namespace || bindingNamespace;
      if (!namespace) return false;
      return user.name === `system:serviceaccount:${namespace}:${subject.name}`;
    }
    default:
      return false;
  }
}

function subjectKeys(user: KubernetesUser): string[] {
  const keys = [`User:${user.name}`];
  for (const group of user.groups) keys.push(`Group:${group}`);
  const serviceAccount = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user.name);
  if (serviceAccount) keys.push(`ServiceAccount:${serviceAccount[1]}:${serviceAccount[2]}`);
  return keys;
}

/** `describeSubject` of rule.go: service accounts as `name/namespace`. */
function describeSubject(subject: RbacSubject, bindingNamespace: string | undefined): string {
  if (subject.kind === "ServiceAccount") {
    return `${subject.kind} "${subject.name}/${subject.namespace || bindingNamespace || ""}"`;
  }
  return `${subject.kind} "${subject.name}"`;
}

type AppliedBinding = { binding: BindingView; subject: RbacSubject; rules: PolicyRule[] };

/**
 * VisitRulesFor: every ClusterRoleBinding, then (for a namespaced request) the RoleBindings of that
 * namespace, whose subjects include the user; a RoleBinding's `Role` is looked up in its namespace.
 */
function appliedBindings(
  objects: ClusterObjects,
  user: KubernetesUser,
  namespace: string | undefined,
): AppliedBinding[] {
  const unique = new Map<BindingView, RbacSubject>();
  for (const binding of objects.bindingsFor(subjectKeys(user))) {
    if (unique.has(binding)) continue;
    if (binding.object.kind === "RoleBinding" && (!namespace || binding.namespace !== namespace)) continue;
    const bindingNamespace = binding.object.kind === "RoleBinding" ? binding.namespace : undefined;
    const subject = binding.subjects.find((candidate) => subjectApplies(candidate, user, bindingNamespace));
    if (subject) unique.set(binding, subject);
  }
  const ordered = [...unique.entries()].sort(([a], [b]) => {
    const kindOrder =
      (a.object.kind === "ClusterRoleBinding" ? 0 : 1) - (b.object.kind === "ClusterRoleBinding" ? 0 : 1);
    return kindOrder !== 0 ? kindOrder : a.object.metadata.name.localeCompare(b.object.metadata.name);
  });
  return ordered.map(([binding, subject]) => {
    let role: KubernetesObject | undefined;
    if (binding.roleKind === "ClusterRole") role = objects.clusterRoles.get(binding.roleName);
    else if (binding.object.kind === "RoleBinding")
      role = objects.roles.get(`${binding.namespace ?? ""}/${binding.roleName}`);
    return { binding, subject, rules: rulesOf(role) };
  });
}

function describeBinding({ binding, subject }: AppliedBinding): string {
  if (binding.object.kind === "ClusterRoleBinding") {
    return `ClusterRoleBinding "${binding.object.metadata.name}" of ${binding.roleKind} "${binding.roleName}" to ${describeSubject(subject, undefined)}`;
  }
  return `RoleBinding "${binding.object.metadata.name}/${binding.namespace ?? ""}" of ${binding.roleKind} "${binding.roleName}" to ${describeSubject(subject, binding.namespace)}`;
}

export type Decision = { allowed: boolean; reason: string };

/**
 * The API server's authorizer chain for a request, as far as RBAC goes: `system:masters` is allowed
 * by the privileged-group authorizer before RBAC (reason ""), then RBAC's Authorize, whose reason
 * names the binding that allowed the request (`RBAC: allowed by ClusterRoleBinding "x" of
 * ClusterRole "y" to Group "z"`) and is empty on a denial.
 */
export function rbacDecide(
  objects: ClusterObjects,
  user: KubernetesUser,
  attributes: RequestAttributes,
): Decision {
  if (user.groups.includes("system:masters")) return { allowed: true, reason: "" };
  const namespace = isNonResource(attributes) ? undefined : attributes.namespace;
  for (const applied of appliedBindings(objects, user, namespace)) {
    if (applied.rules.some((rule) => ruleAllows(rule, attributes))) {
      return { allowed: true, reason: `RBAC: allowed by ${describeBinding(applied)}` };
    }
  }
  return { allowed: false, reason: "" };
}

export function rbacAllows(
  objects: ClusterObjects,
  user: KubernetesUser,
  attributes: RequestAttributes,
): boolean {
  return rbacDecide(objects, user, attributes).allowed;
}

export type ResourceRule = {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
};
export type NonResourceRule = { verbs: string[]; nonResourceURLs?: string[] };

/**
 * RulesFor (what SelfSubjectRulesReview answers): the rules of every binding that applies to the
 * user in the namespace, split into resource and non-resource rules as rbac.go does. The privileged
 * group authorizer contributes no rules of its own; system:masters sees cluster-admin through the
 * `cluster-admin` ClusterRoleBinding.
 */
export function rbacRulesFor(
  objects: ClusterObjects,
  user: KubernetesUser,
  namespace: string,
): { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[] } {
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  for (const { rules } of appliedBindings(objects, user, namespace || undefined)) {
    for (const rule of rules) {
      if ((rule.resources ?? []).length > 0) {
        resourceRules.push({
          verbs: rule.verbs,
          ...(rule.apiGroups ? { apiGroups: rule.apiGroups } : {}),
          resources: rule.resources,
          ...(rule.resourceNames && rule.resourceNames.length > 0
            ? { resourceNames: rule.resourceNames }
            : {}),
        });
      }
      if ((rule.nonResourceURLs ?? []).length > 0) {
        nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
      }
    }
  }
  return { resourceRules, nonResourceRules };
}

const VERB_SUFFIX: Record<string, string> = {
  get: "read",
  list: "read",
  watch: "read",
  create: "write",
  update: "write",
  patch: "write",
  delete: "delete",
  deletecollection: "delete",
};

/**
 * The data actions Azure RBAC for Kubernetes checks for a request (any one of them grants):
 * `Microsoft.ContainerService/managedClusters/[<group>/]<resource>/<read|write|delete|verb/action>`,
 * plus `customresources/<read|write|delete>` for custom resources (guard getAuthInfoListForCustomResource;
 * MicrosoftDocs/azure-aks-docs articles/aks/entra-id-authorization.md), as the engine's
 * `kubernetesDataActions` (lib/access/azure-permissions.ts) reads them.
 */
export function azureDataActions(attributes: ResourceAttributes): string[] {
  const prefix = "Microsoft.ContainerService/managedClusters";
  const groupSegment = attributes.group ? `${attributes.group}/` : "";
  const resource = attributes.subresource === "exec" ? `${attributes.resource}/exec` : attributes.resource;
  const suffix =
    attributes.subresource === "exec"
      ? "action"
      : (VERB_SUFFIX[attributes.verb] ?? `${attributes.verb}/action`);
  const actions = [`${prefix}/${groupSegment}${resource}/${suffix}`];
  if (
    !BUILT_IN_GROUPS.has(attributes.group) &&
    (suffix === "read" || suffix === "write" || suffix === "delete")
  )
    actions.push(`${prefix}/customresources/${suffix}`);
  return actions;
}

/**
 * The message of the API server's 403 (responsewriters.Forbidden → apierrors.NewForbidden):
 * `<resource>[.<group>] ["<name>"] is forbidden: User "<user>" cannot <verb> resource "<resource>[/<sub>]"
 * in API group "<group>" in the namespace "<ns>" | at the cluster scope[: <reason>]`, or
 * `forbidden: User "<user>" cannot <verb> path "<path>"` for non-resource requests.
 */
export function forbiddenMessage(user: KubernetesUser, attributes: RequestAttributes, reason = ""): string {
  const suffix = reason ? `: ${reason}` : "";
  if (isNonResource(attributes)) {
    return `forbidden: User "${user.name}" cannot ${attributes.verb} path "${attributes.path}"${suffix}`;
  }
  const qualified = attributes.group ? `${attributes.resource}.${attributes.group}` : attributes.resource;
  const named = attributes.name ? ` "${attributes.name}"` : "";
  const resource = attributes.subresource
    ? `${attributes.resource}/${attributes.subresource}`
    : attributes.resource;
  const where = attributes.namespace ? `in the namespace "${attributes.namespace}"` : "at the cluster scope";
  return `${qualified}${named} is forbidden: User "${user.name}" cannot ${attributes.verb} resource "${resource}" in API group "${attributes.group}" ${where}${suffix}`;
}
