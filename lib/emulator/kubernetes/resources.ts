/** What the emulated API servers serve: the resource catalog behind discovery and routing. */
export type ResourceInfo = {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Verbs discovery lists; `get`/`list` when absent. Review resources are create-only and hold no objects. */
  verbs?: string[];
};

const catalog: ResourceInfo[] = [
  {
    group: "",
    version: "v1",
    plural: "namespaces",
    singular: "namespace",
    kind: "Namespace",
    namespaced: false,
    shortNames: ["ns"],
  },
  {
    group: "",
    version: "v1",
    plural: "nodes",
    singular: "node",
    kind: "Node",
    namespaced: false,
    shortNames: ["no"],
  },
  {
    group: "",
    version: "v1",
    plural: "serviceaccounts",
    singular: "serviceaccount",
    kind: "ServiceAccount",
    namespaced: true,
    shortNames: ["sa"],
  },
  {
    group: "",
    version: "v1",
    plural: "pods",
    singular: "pod",
    kind: "Pod",
    namespaced: true,
    shortNames: ["po"],
  },
  { group: "", version: "v1", plural: "secrets", singular: "secret", kind: "Secret", namespaced: true },
  {
    group: "",
    version: "v1",
    plural: "configmaps",
    singular: "configmap",
    kind: "ConfigMap",
    namespaced: true,
    shortNames: ["cm"],
  },
  {
    group: "",
    version: "v1",
    plural: "services",
    singular: "service",
    kind: "Service",
    namespaced: true,
    shortNames: ["svc"],
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "clusterroles",
    singular: "clusterrole",
    kind: "ClusterRole",
    namespaced: false,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "clusterrolebindings",
    singular: "clusterrolebinding",
    kind: "ClusterRoleBinding",
    namespaced: false,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "roles",
    singular: "role",
    kind: "Role",
    namespaced: true,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "rolebindings",
    singular: "rolebinding",
    kind: "RoleBinding",
    namespaced: true,
  },
  {
    group: "apps",
    version: "v1",
    plural: "deployments",
    singular: "deployment",
    kind: "Deployment",
    namespaced: true,
    shortNames: ["deploy"],
  },
  {
    group: "apps",
    version: "v1",
    plural: "daemonsets",
    singular: "daemonset",
    kind: "DaemonSet",
    namespaced: true,
    shortNames: ["ds"],
  },
  {
    group: "apps",
    version: "v1",
    plural: "statefulsets",
    singular: "statefulset",
    kind: "StatefulSet",
    namespaced: true,
    shortNames: ["sts"],
  },
  {
    group: "apps",
    version: "v1",
    plural: "replicasets",
    singular: "replicaset",
    kind: "ReplicaSet",
    namespaced: true,
    shortNames: ["rs"],
  },
  {
    group: "aadpodidentity.k8s.io",
    version: "v1",
    plural: "azureidentities",
    singular: "azureidentity",
    kind: "AzureIdentity",
    namespaced: true,
  },
  {
    group: "aadpodidentity.k8s.io",
    version: "v1",
    plural: "azureidentitybindings",
    singular: "azureidentitybinding",
    kind: "AzureIdentityBinding",
    namespaced: true,
  },
  {
    group: "aadpodidentity.k8s.io",
    version: "v1",
    plural: "azureassignedidentities",
    singular: "azureassignedidentity",
    kind: "AzureAssignedIdentity",
    namespaced: true,
  },
  {
    group: "aadpodidentity.k8s.io",
    version: "v1",
    plural: "azurepodidentityexceptions",
    singular: "azurepodidentityexception",
    kind: "AzurePodIdentityException",
    namespaced: true,
  },
  {
    group: "secrets-store.csi.x-k8s.io",
    version: "v1",
    plural: "secretproviderclasses",
    singular: "secretproviderclass",
    kind: "SecretProviderClass",
    namespaced: true,
  },
  {
    group: "secrets-store.csi.x-k8s.io",
    version: "v1",
    plural: "secretproviderclasspodstatuses",
    singular: "secretproviderclasspodstatus",
    kind: "SecretProviderClassPodStatus",
    namespaced: true,
  },
  // authorization.k8s.io/v1 and authentication.k8s.io/v1: create-only review resources, answered
  // from RBAC (what `kubectl auth can-i` and `kubectl auth whoami` post).
  ...(
    [
      ["authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false],
      ["authorization.k8s.io", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false],
      ["authorization.k8s.io", "subjectaccessreviews", "SubjectAccessReview", false],
      ["authorization.k8s.io", "localsubjectaccessreviews", "LocalSubjectAccessReview", true],
      ["authentication.k8s.io", "selfsubjectreviews", "SelfSubjectReview", false],
    ] as const
  ).map(([group, plural, kind, namespaced]) => ({
    group,
    version: "v1",
    plural,
    singular: plural.slice(0, -1),
    kind,
    namespaced,
    verbs: ["create"],
  })),
];

/** API groups compiled into the Kubernetes API server; anything else is a custom resource. */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  "",
  "apps",
  "rbac.authorization.k8s.io",
  "authorization.k8s.io",
  "authentication.k8s.io",
  "batch",
  "policy",
]);

export function resourceKey(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const at = apiVersion.lastIndexOf("/");
  return at < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, at), version: apiVersion.slice(at + 1) };
}

function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith("y") && !/[aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

const byKindAndGroup = new Map(catalog.map((info) => [`${info.group}|${info.kind}`, info]));

/**
 * The resource an object is served under. Kinds outside the catalog (someone's own CRD in a tenant
 * file) get the plural Kubernetes would most likely give them and count as namespaced when the
 * object carries a namespace.
 */
export function resourceForObject(apiVersion: string, kind: string, hasNamespace: boolean): ResourceInfo {
  const { group, version } = splitApiVersion(apiVersion);
  const known = byKindAndGroup.get(`${group}|${kind}`);
  if (known) return { ...known, version };
  return {
    group,
    version,
    plural: pluralOf(kind),
    singular: kind.toLowerCase(),
    kind,
    namespaced: hasNamespace,
  };
}

export function catalogResources(): readonly ResourceInfo[] {
  return catalog;
}
