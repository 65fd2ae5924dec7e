import { aggregatedClusterRoleRules } from "@/lib/model/cluster-role-aggregation";
import type {
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  Role,
  RoleBinding,
  Subject,
} from "@/lib/model/kubernetes";

// Kubernetes RBAC authorization, as the API server's RBAC authorizer decides a request
// (kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go, pkg/registry/rbac/validation/rule.go,
// plugin/pkg/auth/authorizer/rbac/rbac.go). Its cases are Kubernetes' own, ported in
// kubernetes-rbac-upstream.test.ts.

export type KubernetesRequest = {
  verb: string;
  /** "" for the core group */
  apiGroup: string;
  /** `pods`, or `pods/exec` for a subresource */
  resource: string;
  /** unset for requests that name no object (list, create) */
  resourceName?: string;
};

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((candidate) => candidate === "*" || candidate === verb);
}

function apiGroupMatches(rule: PolicyRule, apiGroup: string): boolean {
  return rule.apiGroups.some((candidate) => candidate === "*" || candidate === apiGroup);
}

function resourceMatches(rule: PolicyRule, resource: string): boolean {
  const slash = resource.indexOf("/");
  const subresource = slash >= 0 ? resource.slice(slash + 1) : null;
  return rule.resources.some(
    (candidate) =>
      candidate === "*" ||
      candidate === resource ||
      (subresource !== null && candidate === `*/${subresource}`),
  );
}

function resourceNameMatches(rule: PolicyRule, resourceName: string | undefined): boolean {
  // A rule limited to named objects never covers a request that names none (create, list): the
  // API server compares the request's name, "" for those, with each listed name.
  if (rule.resourceNames.length === 0) return true;
  return rule.resourceNames.includes(resourceName ?? "");
}

export function ruleAllows(rule: PolicyRule, request: KubernetesRequest): boolean {
  return (
    verbMatches(rule, request.verb) &&
    apiGroupMatches(rule, request.apiGroup) &&
    resourceMatches(rule, request.resource) &&
    resourceNameMatches(rule, request.resourceName)
  );
}

export function rulesAllow(rules: readonly PolicyRule[], request: KubernetesRequest): boolean {
  return rules.some((rule) => ruleAllows(rule, request));
}

/** A request for a path that is no resource (`/healthz`, `/apis`, `/logs/...`). */
export type NonResourceRequest = { verb: string; path: string };

/** `*` matches every path; a URL ending in `*` matches every path it is a prefix of (without the stars). */
export function nonResourceURLMatches(ruleURL: string, path: string): boolean {
  if (ruleURL === "*" || ruleURL === path) return true;
  return ruleURL.endsWith("*") && path.startsWith(ruleURL.replace(/\*+$/, ""));
}

export function nonResourceRuleAllows(rule: PolicyRule, request: NonResourceRequest): boolean {
  return (
    verbMatches(rule, request.verb) &&
    rule.nonResourceURLs.some((url) => nonResourceURLMatches(url, request.path))
  );
}

/** Who is asking: the user name and groups the authenticator produced. */
export type KubernetesUser = { name: string; groups: readonly string[] };

/**
 * Whether a binding subject names this user. Names compare exactly (case included); a
 * ServiceAccount subject without namespace means the RoleBinding's namespace, and in a
 * ClusterRoleBinding (bindingNamespace null) nobody.
 */
export function subjectAppliesTo(
  user: KubernetesUser,
  subject: Subject,
  bindingNamespace: string | null,
): boolean {
  switch (subject.kind) {
    case "User":
      return user.name === subject.name;
    case "Group":
      return user.groups.includes(subject.name);
    case "ServiceAccount": {
      const namespace = subject.namespace || bindingNamespace;
      return namespace ? user.name === `system:serviceaccount:${namespace}:${subject.name}` : false;
    }
  }
}

/** A cluster's RBAC objects, as far as authorizing a request needs them. */
export type RbacObjects = {
  clusterRoles: readonly ClusterRole[];
  roles: readonly Role[];
  clusterRoleBindings: readonly ClusterRoleBinding[];
  roleBindings: readonly RoleBinding[];
};

/**
 * The rules that apply to `user` in `namespace` (null: cluster-wide requests and non-resource
 * paths): every ClusterRoleBinding, plus the RoleBindings of that namespace. A binding to a role
 * that does not exist contributes nothing.
 */
export function rulesFor(objects: RbacObjects, user: KubernetesUser, namespace: string | null): PolicyRule[] {
  const clusterRoleRules = effectiveClusterRoleRules(objects.clusterRoles);
  const rules: PolicyRule[] = [];
  for (const binding of objects.clusterRoleBindings) {
    if (binding.roleRef.kind !== "ClusterRole") continue;
    if (!binding.subjects.some((subject) => subjectAppliesTo(user, subject, null))) continue;
    rules.push(...(clusterRoleRules.get(binding.roleRef.name) ?? []));
  }
  if (namespace) {
    for (const binding of objects.roleBindings) {
      if (binding.namespace !== namespace) continue;
      if (!binding.subjects.some((subject) => subjectAppliesTo(user, subject, namespace))) continue;
      const roleRules =
        binding.roleRef.kind === "ClusterRole"
          ? clusterRoleRules.get(binding.roleRef.name)
          : objects.roles.find((role) => role.namespace === namespace && role.name === binding.roleRef.name)
              ?.rules;
      rules.push(...(roleRules ?? []));
    }
  }
  return rules;
}

/** What the RBAC authorizer answers a resource request (in `namespace`, null when cluster-scoped) or a non-resource request. */
export function rbacAuthorizes(
  objects: RbacObjects,
  user: KubernetesUser,
  request: (KubernetesRequest & { namespace: string | null }) | NonResourceRequest,
): boolean {
  if ("path" in request)
    return rulesFor(objects, user, null).some((rule) => nonResourceRuleAllows(rule, request));
  return rulesAllow(rulesFor(objects, user, request.namespace), request);
}

// ---------------------------------------------------------------------------------------------
// Escalation prevention: creating or updating a Role, or binding one, is allowed only when the
// author already holds every permission it grants (or holds `escalate` / `bind`)
// (pkg/registry/rbac/validation/policy_comparator.go Covers).

/** One verb on one (group, resource, name), or one verb on one non-resource URL. */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const atoms: PolicyRule[] = [];
  const atom = (fields: Partial<PolicyRule>): PolicyRule => ({
    verbs: [],
    apiGroups: [],
    resources: [],
    resourceNames: [],
    nonResourceURLs: [],
    ...fields,
  });
  for (const apiGroup of rule.apiGroups) {
    for (const resource of rule.resources) {
      for (const verb of rule.verbs) {
        if (rule.resourceNames.length > 0) {
          for (const name of rule.resourceNames)
            atoms.push(
              atom({ apiGroups: [apiGroup], resources: [resource], verbs: [verb], resourceNames: [name] }),
            );
        } else atoms.push(atom({ apiGroups: [apiGroup], resources: [resource], verbs: [verb] }));
      }
    }
  }
  for (const url of rule.nonResourceURLs)
    for (const verb of rule.verbs) atoms.push(atom({ nonResourceURLs: [url], verbs: [verb] }));
  return atoms;
}

/** Like nonResourceURLMatches, except that `*` alone has no special meaning beyond a prefix of "". */
function nonResourceURLCovers(owner: string, path: string): boolean {
  return owner === path || (owner.endsWith("*") && path.startsWith(owner.replace(/\*+$/, "")));
}

/**
 * `*` covers every resource, and a star before a subresource (`*` `/scale`) covers that
 * subresource of every resource (component-helpers/auth/rbac/validation/policy_comparator.go
 * resourceCoversAll): whoever holds get on star-slash-scale may grant get on deployments/scale.
 */
function resourceCoversAll(owned: readonly string[], wanted: readonly string[]): boolean {
  if (owned.includes("*")) return true;
  return wanted.every((resource) => {
    if (owned.includes(resource)) return true;
    const slash = resource.indexOf("/");
    return slash >= 0 && owned.includes(`*/${resource.slice(slash + 1)}`);
  });
}

function ruleCovers(owner: PolicyRule, atom: PolicyRule): boolean {
  const hasAll = (set: readonly string[], wanted: readonly string[]) =>
    wanted.every((item) => set.includes(item));
  const verbs = owner.verbs.includes("*") || hasAll(owner.verbs, atom.verbs);
  const groups = owner.apiGroups.includes("*") || hasAll(owner.apiGroups, atom.apiGroups);
  const resources = resourceCoversAll(owner.resources, atom.resources);
  const urls = atom.nonResourceURLs.every((path) =>
    owner.nonResourceURLs.some((url) => nonResourceURLCovers(url, path)),
  );
  const names =
    atom.resourceNames.length === 0
      ? owner.resourceNames.length === 0
      : owner.resourceNames.length === 0 || hasAll(owner.resourceNames, atom.resourceNames);
  return verbs && groups && resources && urls && names;
}

/**
 * Whether `owner` rules cover every permission of `servant` rules, and the atomic rules they do
 * not cover. Wildcards are compared as written: `*` covers any enumeration, an enumeration never
 * covers `*`.
 */
export function rulesCover(
  owner: readonly PolicyRule[],
  servant: readonly PolicyRule[],
): { covered: boolean; uncovered: PolicyRule[] } {
  const uncovered = servant
    .flatMap(breakdown)
    .filter((atom) => !owner.some((rule) => ruleCovers(rule, atom)));
  return { covered: uncovered.length === 0, uncovered };
}

/**
 * The effective rules of every ClusterRole, after ClusterRole aggregation
 * (lib/model/cluster-role-aggregation.ts, shared with the AKS defaults).
 */
export function effectiveClusterRoleRules(clusterRoles: readonly ClusterRole[]): Map<string, PolicyRule[]> {
  return aggregatedClusterRoleRules(
    clusterRoles.map((role) => ({
      name: role.name,
      labels: role.labels,
      selectors: role.aggregationRule ? role.aggregationRule.clusterRoleSelectors : null,
      rules: role.rules,
    })),
  );
}
