/**
 * What every AKS cluster's Kubernetes API holds before anyone applies anything: the namespaces,
 * the upstream bootstrap RBAC (ClusterRoles and ClusterRoleBindings as kube-apiserver creates
 * them, rules from Kubernetes' bootstrappolicy), default service accounts, and the bindings AKS
 * manages (aks-cluster-admin-binding-aad / aks-cluster-admin-binding). Objects are shaped as
 * `kubectl get -o json` prints them; uid, resourceVersion and creationTimestamp are derived from
 * the cluster id so the same cluster always yields byte-identical objects.
 */
import { createHash } from "node:crypto";
import { aggregatedClusterRoleRules, type LabelSelectorLike } from "@/lib/model/cluster-role-aggregation";
import type { WireResource } from "@/lib/model/wire/azure";
import type { KubernetesObject, PolicyRule, RbacSubject } from "@/lib/model/wire/kubernetes";
import type { TenantClusterData } from "@/lib/model/wire/tenant-file";

export const AKS_ADMIN_BINDING_AAD = "aks-cluster-admin-binding-aad";
export const AKS_ADMIN_BINDING_LOCAL = "aks-cluster-admin-binding";
/** The user name AKS binds in aks-cluster-admin-binding on clusters without managed Entra integration. */
export const AKS_LOCAL_ADMIN_USER = "clusterAdmin";
export const DEFAULT_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;

const RBAC_API = "rbac.authorization.k8s.io";
const RBAC_VERSION = `${RBAC_API}/v1`;
/** A fixed, plausible creation time; real clusters differ, determinism matters more here. */
const CREATED_AT = "2024-01-15T08:00:00Z";

const BOOTSTRAP_LABELS = { "kubernetes.io/bootstrapping": "rbac-defaults" };
const BOOTSTRAP_ANNOTATIONS = { "rbac.authorization.kubernetes.io/autoupdate": "true" };
const AKS_MANAGED_LABELS = {
  "addonmanager.kubernetes.io/mode": "Reconcile",
  "kubernetes.io/cluster-service": "true",
};

const AGGREGATE_TO_ADMIN = "rbac.authorization.k8s.io/aggregate-to-admin";
const AGGREGATE_TO_EDIT = "rbac.authorization.k8s.io/aggregate-to-edit";
const AGGREGATE_TO_VIEW = "rbac.authorization.k8s.io/aggregate-to-view";

// ---------------------------------------------------------------------------------------------
// Rule shorthands

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];
const READ_WRITE = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const EVENT_WRITE = ["create", "patch", "update"];

function rule(
  apiGroups: string[],
  resources: string[],
  verbs: string[],
  resourceNames?: string[],
): PolicyRule {
  return resourceNames ? { apiGroups, resourceNames, resources, verbs } : { apiGroups, resources, verbs };
}

function nonResourceRule(nonResourceURLs: string[], verbs: string[]): PolicyRule {
  return { nonResourceURLs, verbs };
}

// ---------------------------------------------------------------------------------------------
// Upstream bootstrap ClusterRoles (Kubernetes 1.31/1.32 bootstrappolicy)

interface ClusterRoleSpec {
  name: string;
  rules: PolicyRule[];
  extraLabels?: Record<string, string>;
  aggregateFrom?: string;
}

const CLUSTER_ROLE_SPECS: ClusterRoleSpec[] = [
  { name: "admin", rules: [], extraLabels: {}, aggregateFrom: AGGREGATE_TO_ADMIN },
  {
    name: "cluster-admin",
    rules: [rule(["*"], ["*"], ["*"]), nonResourceRule(["*"], ["*"])],
  },
  {
    name: "edit",
    rules: [],
    extraLabels: { [AGGREGATE_TO_ADMIN]: "true" },
    aggregateFrom: AGGREGATE_TO_EDIT,
  },
  { name: "view", rules: [], extraLabels: { [AGGREGATE_TO_EDIT]: "true" }, aggregateFrom: AGGREGATE_TO_VIEW },
  {
    name: "system:aggregate-to-admin",
    extraLabels: { [AGGREGATE_TO_ADMIN]: "true" },
    rules: [
      rule(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
      rule([RBAC_API], ["rolebindings", "roles"], READ_WRITE),
    ],
  },
  {
    name: "system:aggregate-to-edit",
    extraLabels: { [AGGREGATE_TO_EDIT]: "true" },
    rules: [
      rule(
        [""],
        ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"],
        READ,
      ),
      rule([""], ["serviceaccounts"], ["impersonate"]),
      rule([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], WRITE),
      rule([""], ["pods/eviction"], ["create"]),
      rule(
        [""],
        [
          "configmaps",
          "persistentvolumeclaims",
          "replicationcontrollers",
          "replicationcontrollers/scale",
          "secrets",
          "serviceaccounts",
          "services",
          "services/proxy",
        ],
        WRITE,
      ),
      rule([""], ["serviceaccounts/token"], ["create"]),
      rule(["", "events.k8s.io"], ["events"], WRITE),
      rule(
        ["apps"],
        [
          "daemonsets",
          "deployments",
          "deployments/rollback",
          "deployments/scale",
          "replicasets",
          "replicasets/scale",
          "statefulsets",
          "statefulsets/scale",
        ],
        WRITE,
      ),
      rule(["autoscaling"], ["horizontalpodautoscalers"], WRITE),
      rule(["batch"], ["cronjobs", "jobs"], WRITE),
      rule(
        ["extensions"],
        [
          "daemonsets",
          "deployments",
          "deployments/rollback",
          "deployments/scale",
          "ingresses",
          "networkpolicies",
          "replicasets",
          "replicasets/scale",
          "replicationcontrollers/scale",
        ],
        WRITE,
      ),
      rule(["policy"], ["poddisruptionbudgets"], WRITE),
      rule(["networking.k8s.io"], ["ingresses", "networkpolicies"], WRITE),
      rule(["coordination.k8s.io"], ["leases"], READ_WRITE),
      rule(["resource.k8s.io"], ["resourceclaims", "resourceclaimtemplates"], WRITE),
    ],
  },
  {
    name: "system:aggregate-to-view",
    extraLabels: { [AGGREGATE_TO_VIEW]: "true" },
    rules: [
      rule(
        [""],
        [
          "configmaps",
          "endpoints",
          "persistentvolumeclaims",
          "persistentvolumeclaims/status",
          "pods",
          "replicationcontrollers",
          "replicationcontrollers/scale",
          "serviceaccounts",
          "services",
          "services/status",
        ],
        READ,
      ),
      rule(
        [""],
        [
          "bindings",
          "limitranges",
          "namespaces/status",
          "pods/log",
          "pods/status",
          "replicationcontrollers/status",
          "resourcequotas",
          "resourcequotas/status",
        ],
        READ,
      ),
      rule([""], ["namespaces"], READ),
      rule(["", "events.k8s.io"], ["events"], READ),
      rule(["discovery.k8s.io"], ["endpointslices"], READ),
      rule(
        ["apps"],
        [
          "controllerrevisions",
          "daemonsets",
          "daemonsets/status",
          "deployments",
          "deployments/scale",
          "deployments/status",
          "replicasets",
          "replicasets/scale",
          "replicasets/status",
          "statefulsets",
          "statefulsets/scale",
          "statefulsets/status",
        ],
        READ,
      ),
      rule(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
      rule(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
      rule(
        ["extensions"],
        [
          "daemonsets",
          "daemonsets/status",
          "deployments",
          "deployments/scale",
          "deployments/status",
          "ingresses",
          "ingresses/status",
          "networkpolicies",
          "replicasets",
          "replicasets/scale",
          "replicasets/status",
          "replicationcontrollers/scale",
        ],
        READ,
      ),
      rule(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
      rule(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], READ),
      rule(["resource.k8s.io"], ["resourceclaims", "resourceclaims/status", "resourceclaimtemplates"], READ),
    ],
  },
  {
    name: "system:auth-delegator",
    rules: [
      rule(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
      rule(["authorization.k8s.io"], ["subjectaccessreviews"], ["create"]),
    ],
  },
  {
    name: "system:basic-user",
    rules: [
      rule(["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], ["create"]),
      rule(["authentication.k8s.io"], ["selfsubjectreviews"], ["create"]),
    ],
  },
  {
    name: "system:discovery",
    rules: [
      nonResourceRule(
        [
          "/api",
          "/api/*",
          "/apis",
          "/apis/*",
          "/healthz",
          "/livez",
          "/openapi",
          "/openapi/*",
          "/readyz",
          "/version",
          "/version/",
        ],
        ["get"],
      ),
    ],
  },
  {
    name: "system:public-info-viewer",
    rules: [nonResourceRule(["/healthz", "/livez", "/readyz", "/version", "/version/"], ["get"])],
  },
  {
    name: "system:monitoring",
    rules: [
      nonResourceRule(
        ["/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/slis", "/readyz", "/readyz/*"],
        ["get"],
      ),
      rule([""], ["nodes/metrics"], ["get"]),
    ],
  },
  {
    name: "system:service-account-issuer-discovery",
    rules: [
      nonResourceRule(
        [
          "/.well-known/openid-configuration",
          "/.well-known/openid-configuration/",
          "/openid/v1/jwks",
          "/openid/v1/jwks/",
        ],
        ["get"],
      ),
    ],
  },
  {
    name: "system:kube-controller-manager",
    rules: [
      rule(["", "events.k8s.io"], ["events"], EVENT_WRITE),
      rule(["coordination.k8s.io"], ["leases"], ["create"]),
      rule(["coordination.k8s.io"], ["leases"], ["get", "update"], ["kube-controller-manager"]),
      rule([""], ["secrets", "serviceaccounts"], ["create"]),
      rule([""], ["secrets"], ["delete"]),
      rule([""], ["configmaps", "namespaces", "secrets", "serviceaccounts"], ["get"]),
      rule([""], ["secrets", "serviceaccounts"], ["update"]),
      rule(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
      rule(["authorization.k8s.io"], ["subjectaccessreviews"], ["create"]),
      rule(["*"], ["*"], ["list", "watch"]),
      rule([""], ["serviceaccounts/token"], ["create"]),
    ],
  },
  {
    name: "system:kube-scheduler",
    rules: [
      rule(["", "events.k8s.io"], ["events"], EVENT_WRITE),
      rule(["coordination.k8s.io"], ["leases"], ["create"]),
      rule(["coordination.k8s.io"], ["leases"], ["get", "list", "update", "watch"], ["kube-scheduler"]),
      rule([""], ["nodes"], READ),
      rule([""], ["pods"], ["delete", "get", "list", "watch"]),
      rule([""], ["bindings", "pods/binding"], ["create"]),
      rule([""], ["pods/status"], ["patch", "update"]),
      rule([""], ["replicationcontrollers", "services"], READ),
      rule(["apps", "extensions"], ["replicasets"], READ),
      rule(["apps"], ["statefulsets"], READ),
      rule(["policy"], ["poddisruptionbudgets"], READ),
      rule([""], ["persistentvolumeclaims", "persistentvolumes"], READ),
      rule(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
      rule(["authorization.k8s.io"], ["subjectaccessreviews"], ["create"]),
      rule(["storage.k8s.io"], ["csinodes"], READ),
      rule([""], ["namespaces"], READ),
      rule(["storage.k8s.io"], ["csidrivers"], READ),
      rule(["storage.k8s.io"], ["csistoragecapacities"], READ),
    ],
  },
  {
    name: "system:volume-scheduler",
    rules: [
      rule([""], ["persistentvolumes"], ["get", "list", "patch", "update", "watch"]),
      rule(["storage.k8s.io"], ["storageclasses"], READ),
      rule([""], ["persistentvolumeclaims"], ["get", "list", "patch", "update", "watch"]),
    ],
  },
  {
    name: "system:kube-dns",
    rules: [rule([""], ["endpoints", "services"], ["list", "watch"])],
  },
  {
    name: "system:node",
    rules: [
      rule(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
      rule(["authorization.k8s.io"], ["localsubjectaccessreviews", "subjectaccessreviews"], ["create"]),
      rule([""], ["services"], READ),
      rule([""], ["nodes"], ["create", "get", "list", "watch"]),
      rule([""], ["nodes/status"], ["patch", "update"]),
      rule([""], ["nodes"], ["patch", "update"]),
      rule(["", "events.k8s.io"], ["events"], EVENT_WRITE),
      rule([""], ["pods"], READ),
      rule([""], ["pods"], ["create", "delete"]),
      rule([""], ["pods/status"], ["patch", "update"]),
      rule([""], ["pods/eviction"], ["create"]),
      rule([""], ["configmaps", "secrets"], READ),
      rule([""], ["persistentvolumeclaims", "persistentvolumes"], ["get"]),
      rule([""], ["endpoints"], ["get"]),
      rule(["certificates.k8s.io"], ["certificatesigningrequests"], ["create", "get", "list", "watch"]),
      rule(["coordination.k8s.io"], ["leases"], ["create", "delete", "get", "patch", "update"]),
      rule(["storage.k8s.io"], ["volumeattachments"], ["get"]),
      rule([""], ["serviceaccounts/token"], ["create"]),
      rule([""], ["persistentvolumeclaims/status"], ["get", "patch", "update"]),
      rule(["storage.k8s.io"], ["csidrivers"], READ),
      rule(["storage.k8s.io"], ["csinodes"], ["create", "delete", "get", "patch", "update"]),
      rule(["node.k8s.io"], ["runtimeclasses"], READ),
      rule([""], ["serviceaccounts"], ["get"]),
    ],
  },
  {
    name: "system:node-bootstrapper",
    rules: [
      rule(["certificates.k8s.io"], ["certificatesigningrequests"], ["create", "get", "list", "watch"]),
    ],
  },
  {
    name: "system:node-proxier",
    rules: [
      rule([""], ["endpoints", "services"], ["list", "watch"]),
      rule([""], ["nodes"], READ),
      rule(["", "events.k8s.io"], ["events"], EVENT_WRITE),
      rule(["discovery.k8s.io"], ["endpointslices"], ["list", "watch"]),
    ],
  },
  {
    name: "system:kubelet-api-admin",
    rules: [
      rule([""], ["nodes"], READ),
      rule([""], ["nodes"], ["proxy"]),
      rule([""], ["nodes/log", "nodes/metrics", "nodes/proxy", "nodes/stats"], ["*"]),
      rule([""], ["nodes/configz", "nodes/healthz", "nodes/pods"], ["*"]),
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Upstream bootstrap ClusterRoleBindings

const group = (name: string): RbacSubject => ({ apiGroup: RBAC_API, kind: "Group", name });
const user = (name: string): RbacSubject => ({ apiGroup: RBAC_API, kind: "User", name });
const serviceAccount = (namespace: string, name: string): RbacSubject => ({
  kind: "ServiceAccount",
  name,
  namespace,
});

const CLUSTER_ROLE_BINDING_SPECS: { name: string; role: string; subjects: RbacSubject[] | null }[] = [
  { name: "cluster-admin", role: "cluster-admin", subjects: [group("system:masters")] },
  { name: "system:basic-user", role: "system:basic-user", subjects: [group("system:authenticated")] },
  { name: "system:discovery", role: "system:discovery", subjects: [group("system:authenticated")] },
  {
    name: "system:public-info-viewer",
    role: "system:public-info-viewer",
    subjects: [group("system:authenticated"), group("system:unauthenticated")],
  },
  { name: "system:monitoring", role: "system:monitoring", subjects: [group("system:monitoring")] },
  {
    name: "system:service-account-issuer-discovery",
    role: "system:service-account-issuer-discovery",
    subjects: [group("system:serviceaccounts")],
  },
  {
    name: "system:kube-controller-manager",
    role: "system:kube-controller-manager",
    subjects: [user("system:kube-controller-manager")],
  },
  { name: "system:kube-scheduler", role: "system:kube-scheduler", subjects: [user("system:kube-scheduler")] },
  {
    name: "system:volume-scheduler",
    role: "system:volume-scheduler",
    subjects: [user("system:kube-scheduler")],
  },
  { name: "system:kube-dns", role: "system:kube-dns", subjects: [serviceAccount("kube-system", "kube-dns")] },
  { name: "system:node-proxier", role: "system:node-proxier", subjects: [user("system:kube-proxy")] },
  // Upstream keeps this binding with no subjects: nodes are authorized by the Node authorizer.
  { name: "system:node", role: "system:node", subjects: null },
];

// ---------------------------------------------------------------------------------------------
// Service accounts in kube-system, by what brings them

const KUBE_SYSTEM_SERVICE_ACCOUNTS = ["coredns", "konnectivity-agent", "kube-proxy", "metrics-server"];
/** Add-on keys (lower-cased) → the service accounts the add-on installs in kube-system. */
const ADDON_SERVICE_ACCOUNTS: Record<string, string[]> = {
  azurepolicy: ["azure-policy", "azure-policy-webhook-account"],
  azurekeyvaultsecretsprovider: ["csi-secrets-store-provider-azure", "secrets-store-csi-driver"],
};
const WORKLOAD_IDENTITY_SERVICE_ACCOUNTS = ["azure-wi-webhook-admin"];

// ---------------------------------------------------------------------------------------------
// Object construction

interface ObjectFactory {
  make(
    apiVersion: string,
    kind: string,
    metadata: {
      name: string;
      namespace?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    },
    body: Record<string, unknown>,
  ): KubernetesObject;
}

function objectFactory(clusterId: string): ObjectFactory {
  let resourceVersion = 100;
  const clusterKey = clusterId.toLowerCase();
  return {
    make(apiVersion, kind, { name, namespace, labels, annotations }, body) {
      resourceVersion += 1;
      const metadata: KubernetesObject["metadata"] = {
        ...(annotations ? { annotations } : {}),
        creationTimestamp: CREATED_AT,
        ...(labels ? { labels } : {}),
        name,
        ...(namespace ? { namespace } : {}),
        resourceVersion: String(resourceVersion),
        uid: deterministicUid(`${clusterKey}|${kind}|${namespace ?? ""}|${name}`),
      };
      // kubectl prints object keys in sorted order; so do we.
      const object: Record<string, unknown> = { apiVersion, kind, metadata, ...body };
      return Object.fromEntries(
        Object.keys(object)
          .sort()
          .map((key) => [key, object[key]]),
      ) as KubernetesObject;
    },
  };
}

/** A UUID-shaped id derived from a string (SHA-1, version nibble 5) so objects are stable across runs. */
export function deterministicUid(seed: string): string {
  const hex = createHash("sha1").update(seed).digest("hex");
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function clusterProperties(cluster: WireResource): Record<string, unknown> {
  return cluster.properties ?? {};
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The cluster's managed Entra admin groups, or undefined when Entra integration is not managed. */
export function managedAdminGroups(cluster: WireResource): string[] | undefined {
  const aadProfile = asRecord(clusterProperties(cluster).aadProfile);
  if (aadProfile?.managed !== true) return undefined;
  const groups = aadProfile.adminGroupObjectIDs;
  return Array.isArray(groups) ? groups.filter((value): value is string => typeof value === "string") : [];
}

function enabledAddons(cluster: WireResource): string[] {
  const addons = asRecord(clusterProperties(cluster).addonProfiles) ?? {};
  return Object.entries(addons)
    .filter(([, profile]) => asRecord(profile)?.enabled === true)
    .map(([name]) => name.toLowerCase());
}

function workloadIdentityEnabled(cluster: WireResource): boolean {
  const securityProfile = asRecord(clusterProperties(cluster).securityProfile);
  return asRecord(securityProfile?.workloadIdentity)?.enabled === true;
}

/** Everything a fresh AKS cluster with this configuration holds, in a stable order. */
export function defaultKubernetesObjects(cluster: WireResource): KubernetesObject[] {
  const factory = objectFactory(cluster.id);
  const objects: KubernetesObject[] = [];

  for (const namespace of DEFAULT_NAMESPACES) {
    objects.push(
      factory.make(
        "v1",
        "Namespace",
        { name: namespace, labels: { "kubernetes.io/metadata.name": namespace } },
        { spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } },
      ),
    );
  }

  for (const spec of CLUSTER_ROLE_SPECS) {
    const body: Record<string, unknown> = { rules: spec.rules };
    if (spec.aggregateFrom) {
      body.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [spec.aggregateFrom]: "true" } }] };
    }
    objects.push(
      factory.make(
        RBAC_VERSION,
        "ClusterRole",
        {
          name: spec.name,
          annotations: BOOTSTRAP_ANNOTATIONS,
          labels: { ...BOOTSTRAP_LABELS, ...spec.extraLabels },
        },
        body,
      ),
    );
  }

  for (const spec of CLUSTER_ROLE_BINDING_SPECS) {
    objects.push(
      factory.make(
        RBAC_VERSION,
        "ClusterRoleBinding",
        { name: spec.name, annotations: BOOTSTRAP_ANNOTATIONS, labels: BOOTSTRAP_LABELS },
        {
          roleRef: { apiGroup: RBAC_API, kind: "ClusterRole", name: spec.role },
          ...(spec.subjects ? { subjects: spec.subjects } : {}),
        },
      ),
    );
  }

  objects.push(aksAdminBinding(cluster, factory));

  const serviceAccounts: [string, string][] = DEFAULT_NAMESPACES.map((namespace) => [namespace, "default"]);
  const kubeSystemAccounts = [
    ...KUBE_SYSTEM_SERVICE_ACCOUNTS,
    ...enabledAddons(cluster).flatMap((addon) => ADDON_SERVICE_ACCOUNTS[addon] ?? []),
    ...(workloadIdentityEnabled(cluster) ? WORKLOAD_IDENTITY_SERVICE_ACCOUNTS : []),
  ].sort();
  for (const name of kubeSystemAccounts) serviceAccounts.push(["kube-system", name]);
  for (const [namespace, name] of serviceAccounts) {
    objects.push(factory.make("v1", "ServiceAccount", { name, namespace }, {}));
  }

  return aggregateClusterRoles(objects);
}

function aksAdminBinding(cluster: WireResource, factory: ObjectFactory): KubernetesObject {
  const adminGroups = managedAdminGroups(cluster);
  const roleRef = { apiGroup: RBAC_API, kind: "ClusterRole", name: "cluster-admin" };
  if (adminGroups === undefined) {
    return factory.make(
      RBAC_VERSION,
      "ClusterRoleBinding",
      { name: AKS_ADMIN_BINDING_LOCAL, labels: AKS_MANAGED_LABELS },
      { roleRef, subjects: [user(AKS_LOCAL_ADMIN_USER)] },
    );
  }
  return factory.make(
    RBAC_VERSION,
    "ClusterRoleBinding",
    { name: AKS_ADMIN_BINDING_AAD, labels: AKS_MANAGED_LABELS },
    { roleRef, ...(adminGroups.length > 0 ? { subjects: adminGroups.map(group) } : {}) },
  );
}

// ---------------------------------------------------------------------------------------------
// ClusterRole aggregation, as the clusterrole-aggregation controller does it

function selectorsOf(role: KubernetesObject): LabelSelectorLike[] | null {
  const aggregationRule = asRecord((role as Record<string, unknown>).aggregationRule);
  if (!aggregationRule) return null;
  // An aggregationRule without clusterRoleSelectors aggregates nothing, as the controller does.
  const selectors = aggregationRule.clusterRoleSelectors;
  return Array.isArray(selectors) ? (selectors as LabelSelectorLike[]) : [];
}

function rulesOf(role: KubernetesObject): PolicyRule[] {
  const rules = (role as Record<string, unknown>).rules;
  return Array.isArray(rules) ? (rules as PolicyRule[]) : [];
}

/**
 * Fills `rules` of every ClusterRole with an aggregationRule, as the clusterrole-aggregation
 * controller does (lib/model/cluster-role-aggregation.ts, shared with the access engine). Returns
 * new objects for the roles it changed; other objects are returned as they are.
 */
export function aggregateClusterRoles(objects: KubernetesObject[]): KubernetesObject[] {
  const clusterRoles = objects.filter((object) => object.kind === "ClusterRole");
  if (!clusterRoles.some((role) => selectorsOf(role) !== null)) return [...objects];
  const rules = aggregatedClusterRoleRules(
    clusterRoles.map((role) => ({
      name: role.metadata.name,
      labels: role.metadata.labels ?? {},
      selectors: selectorsOf(role),
      rules: rulesOf(role),
    })),
  );
  return objects.map((object) => {
    if (object.kind !== "ClusterRole" || selectorsOf(object) === null) return object;
    const aggregated = rules.get(object.metadata.name) ?? [];
    return JSON.stringify(aggregated) === JSON.stringify(rulesOf(object))
      ? object
      : { ...object, rules: aggregated };
  });
}

// ---------------------------------------------------------------------------------------------
// What a cluster's API serves: defaults, overridden and extended by the file's objects

/** Natural key of a Kubernetes object: <lower-cased cluster id>|<Kind>|<namespace or "">|<name>. */
export function kubernetesObjectKey(clusterId: string, object: KubernetesObject): string {
  return `${clusterId.toLowerCase()}|${object.kind}|${object.metadata.namespace ?? ""}|${object.metadata.name}`;
}

/**
 * The objects the cluster's Kubernetes API holds: the defaults (when includeDefaults), with any
 * file object of the same kind/namespace/name replacing its default, then aggregation recomputed
 * so a file ClusterRole labelled aggregate-to-admin shows up in `admin` as it would in a cluster.
 */
export function effectiveKubernetesObjects(
  cluster: WireResource,
  data: TenantClusterData | undefined,
): KubernetesObject[] {
  const includeDefaults = data?.includeDefaults ?? true;
  const fileObjects = data?.objects ?? [];
  const byKey = new Map<string, KubernetesObject>();
  if (includeDefaults) {
    for (const object of defaultKubernetesObjects(cluster))
      byKey.set(kubernetesObjectKey(cluster.id, object), object);
  }
  for (const object of fileObjects) byKey.set(kubernetesObjectKey(cluster.id, object), object);
  return aggregateClusterRoles([...byKey.values()]);
}
