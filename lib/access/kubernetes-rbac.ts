import type { ClusterRole, LabelSelector, PolicyRule } from "@/lib/model/kubernetes";

// Kubernetes RBAC authorization, as the API server's RBAC authorizer decides a request
// (k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go).

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
  // A rule limited to named objects never covers a request that names none (create, list).
  if (rule.resourceNames.length === 0) return true;
  return resourceName !== undefined && rule.resourceNames.includes(resourceName);
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

export function labelSelectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (labels[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions) {
    const present = Object.hasOwn(labels, requirement.key);
    switch (requirement.operator) {
      case "In":
        if (!present || !requirement.values.includes(labels[requirement.key])) return false;
        break;
      case "NotIn":
        if (present && requirement.values.includes(labels[requirement.key])) return false;
        break;
      case "Exists":
        if (!present) return false;
        break;
      case "DoesNotExist":
        if (present) return false;
        break;
    }
  }
  return true;
}

/**
 * The effective rules of every ClusterRole: an aggregated role gets the rules of every ClusterRole
 * its selectors match (recursively: view → edit → admin), as the aggregation controller keeps them.
 * Stored clusters already hold aggregated rules; recomputing them is idempotent and makes imported
 * or hand-written objects behave the same.
 */
export function effectiveClusterRoleRules(clusterRoles: readonly ClusterRole[]): Map<string, PolicyRule[]> {
  const byName = new Map(clusterRoles.map((role) => [role.name, role]));
  const effective = new Map<string, PolicyRule[]>();
  const resolving = new Set<string>();

  const resolve = (role: ClusterRole): PolicyRule[] => {
    const done = effective.get(role.name);
    if (done) return done;
    if (!role.aggregationRule || resolving.has(role.name)) return role.rules;
    resolving.add(role.name);
    const rules = [...role.rules];
    const seen = new Set(rules.map((rule) => JSON.stringify(rule)));
    for (const candidate of byName.values()) {
      if (candidate.name === role.name) continue;
      if (!role.aggregationRule.clusterRoleSelectors.some((s) => labelSelectorMatches(s, candidate.labels)))
        continue;
      for (const rule of resolve(candidate)) {
        const key = JSON.stringify(rule);
        if (seen.has(key)) continue;
        seen.add(key);
        rules.push(rule);
      }
    }
    resolving.delete(role.name);
    effective.set(role.name, rules);
    return rules;
  };

  for (const role of clusterRoles) effective.set(role.name, resolve(role));
  return effective;
}
