import { type ClusterObjects, rulesOf } from "@/lib/emulator/kubernetes/cluster-objects";
import { BUILT_IN_GROUPS } from "@/lib/emulator/kubernetes/resources";
import type { PolicyRule } from "@/lib/emulator/tenant-file";

export type KubernetesUser = {
  /** The user name the API server reports (object id for Entra principals, clusterAdmin for static credentials). */
  name: string;
  /** Other names RBAC subjects may use for the same user (an Entra user's UPN). */
  aliases: string[];
  groups: string[];
  /** Set when authenticated with an Entra token: Azure RBAC for Kubernetes applies to these users. */
  entraObjectId?: string;
};

export type ResourceAttributes = {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
};

function includesOrWildcard(values: readonly string[] | undefined, wanted: string): boolean {
  return (values ?? []).some((value) => value === "*" || value === wanted);
}

/** One RBAC rule against a request, as the upstream RBAC authorizer matches it. */
export function ruleAllows(rule: PolicyRule, attributes: ResourceAttributes): boolean {
  if (!includesOrWildcard(rule.verbs, attributes.verb)) return false;
  if (!includesOrWildcard(rule.apiGroups, attributes.group)) return false;
  const resource = attributes.subresource
    ? `${attributes.resource}/${attributes.subresource}`
    : attributes.resource;
  const resourceMatches = (rule.resources ?? []).some(
    (value) =>
      value === "*" ||
      value === resource ||
      (attributes.subresource !== undefined && value === `*/${attributes.subresource}`) ||
      (attributes.subresource === undefined && value === `${attributes.resource}/*`),
  );
  if (!resourceMatches) return false;
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  // resourceNames never authorize list or collection-wide requests.
  return attributes.name !== undefined && names.includes(attributes.name);
}

function subjectKeys(user: KubernetesUser): string[] {
  const keys = [user.name, ...user.aliases].map((name) => `User:${name}`);
  for (const group of user.groups) keys.push(`Group:${group}`);
  const serviceAccount = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user.name);
  if (serviceAccount) keys.push(`ServiceAccount:${serviceAccount[1]}:${serviceAccount[2]}`);
  return keys;
}

/**
 * Kubernetes RBAC: ClusterRoleBindings grant everywhere, RoleBindings only in their namespace;
 * ClusterRole rules are already aggregated in the served objects. `system:masters` bypasses RBAC,
 * as it does in every Kubernetes API server.
 */
export function rbacAllows(
  objects: ClusterObjects,
  user: KubernetesUser,
  attributes: ResourceAttributes,
): boolean {
  if (user.groups.includes("system:masters")) return true;
  for (const binding of objects.bindingsFor(subjectKeys(user))) {
    if (binding.object.kind === "RoleBinding" && binding.namespace !== attributes.namespace) continue;
    const role =
      binding.roleKind === "ClusterRole"
        ? objects.clusterRoles.get(binding.roleName)
        : objects.roles.get(`${binding.namespace ?? ""}/${binding.roleName}`);
    if (rulesOf(role).some((rule) => ruleAllows(rule, attributes))) return true;
  }
  return false;
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
 * plus `customresources/read` for custom resources (AKS 2026).
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
  if (!BUILT_IN_GROUPS.has(attributes.group) && suffix === "read")
    actions.push(`${prefix}/customresources/read`);
  return actions;
}

export function forbiddenMessage(user: KubernetesUser, attributes: ResourceAttributes): string {
  const qualified = attributes.group ? `${attributes.resource}.${attributes.group}` : attributes.resource;
  const named = attributes.name ? ` "${attributes.name}"` : "";
  const where = attributes.namespace ? `in the namespace "${attributes.namespace}"` : "at the cluster scope";
  return `${qualified}${named} is forbidden: User "${user.name}" cannot ${attributes.verb} resource "${attributes.resource}" in API group "${attributes.group}" ${where}`;
}
