import { z } from "zod";

// The Kubernetes side of the model, per cluster. Only what identity and access analysis needs is
// kept, so an unrelated change (a pod restart count, a managedFields entry) never shows up as drift.
// Every object carries the lower-cased ARM id of its cluster.

const labels = z.record(z.string(), z.string());

export const policyRuleSchema = z.object({
  verbs: z.array(z.string()),
  apiGroups: z.array(z.string()),
  resources: z.array(z.string()),
  resourceNames: z.array(z.string()),
  nonResourceURLs: z.array(z.string()),
});
export type PolicyRule = z.infer<typeof policyRuleSchema>;

export const labelSelectorSchema = z.object({
  matchLabels: labels,
  matchExpressions: z.array(
    z.object({
      key: z.string(),
      /** In, NotIn, Exists or DoesNotExist; anything else makes the selector match nothing (lib/model/cluster-role-aggregation.ts) */
      operator: z.string(),
      values: z.array(z.string()),
    }),
  ),
});
export type LabelSelector = z.infer<typeof labelSelectorSchema>;

export const roleRefSchema = z.object({
  kind: z.enum(["ClusterRole", "Role"]),
  name: z.string(),
});
export type RoleRef = z.infer<typeof roleRefSchema>;

export const subjectSchema = z.object({
  kind: z.enum(["User", "Group", "ServiceAccount"]),
  name: z.string(),
  /** only for ServiceAccount subjects */
  namespace: z.string().nullable(),
});
export type Subject = z.infer<typeof subjectSchema>;

export const clusterRoleSchema = z.object({
  clusterId: z.string(),
  name: z.string(),
  labels,
  rules: z.array(policyRuleSchema),
  /** when set, the effective rules are the union of the ClusterRoles its selectors match */
  aggregationRule: z.object({ clusterRoleSelectors: z.array(labelSelectorSchema) }).nullable(),
});
export type ClusterRole = z.infer<typeof clusterRoleSchema>;

export const roleSchema = z.object({
  clusterId: z.string(),
  namespace: z.string(),
  name: z.string(),
  labels,
  rules: z.array(policyRuleSchema),
});
export type Role = z.infer<typeof roleSchema>;

export const clusterRoleBindingSchema = z.object({
  clusterId: z.string(),
  name: z.string(),
  labels,
  roleRef: roleRefSchema,
  subjects: z.array(subjectSchema),
});
export type ClusterRoleBinding = z.infer<typeof clusterRoleBindingSchema>;

export const roleBindingSchema = z.object({
  clusterId: z.string(),
  namespace: z.string(),
  name: z.string(),
  labels,
  roleRef: roleRefSchema,
  subjects: z.array(subjectSchema),
});
export type RoleBinding = z.infer<typeof roleBindingSchema>;

export const namespaceSchema = z.object({
  clusterId: z.string(),
  name: z.string(),
  labels,
});
export type Namespace = z.infer<typeof namespaceSchema>;

export const serviceAccountSchema = z.object({
  clusterId: z.string(),
  namespace: z.string(),
  name: z.string(),
  /** only the `azure.workload.identity/*` annotations */
  annotations: labels,
  /** only the `azure.workload.identity/*` labels */
  labels,
  workloadIdentity: z.object({
    /** lower-cased `azure.workload.identity/client-id` annotation */
    clientId: z.string().nullable(),
    tenantId: z.string().nullable(),
    /** `azure.workload.identity/use: "true"` on the account (older setups; current webhooks read the pod label) */
    useLabel: z.boolean(),
  }),
  automountServiceAccountToken: z.boolean().nullable(),
});
export type ServiceAccount = z.infer<typeof serviceAccountSchema>;

export const podSchema = z.object({
  clusterId: z.string(),
  namespace: z.string(),
  name: z.string(),
  serviceAccountName: z.string(),
  /** the pod's labels minus rollout hashes: AAD Pod Identity exceptions select pods by arbitrary labels */
  labels,
  /** `azure.workload.identity/use: "true"` */
  workloadIdentityUse: z.boolean(),
  /** the `aadpodidbinding` label: selects an AzureIdentityBinding */
  aadPodIdBinding: z.string().nullable(),
  /** names of the SecretProviderClasses its CSI secret-store volumes mount */
  secretProviderClasses: z.array(z.string()),
  automountServiceAccountToken: z.boolean().nullable(),
  /** `spec.hostNetwork: true` (set only then): the pod shares its node's network, IMDS included */
  hostNetwork: z.boolean().optional(),
});
export type Pod = z.infer<typeof podSchema>;

export const azureIdentitySchema = z.object({
  clusterId: z.string(),
  namespace: z.string(),
  name: z.string(),
  /** 0 = user-assigned managed identity, 1 = service principal (aad-pod-identity types.go) */
  type: z.number().nullable(),
  /** lower-cased ARM id of the user-assigned identity */
  resourceId: z.string().nullable(),
  clientId: z.string().nullable(),
  tenantId: z.string().nullable(),
  /**
   * annotated `aadpodidentity.k8s.io/Behavior: namespaced`: matched to pods of its own namespace only
   * (azure.github.io/aad-pod-identity/docs/configure/match_pods_in_namespace/); absent in older records
   */
  namespaced: z.boolean().optional(),
});
export type AzureIdentity = z.infer<typeof azureIdentitySchema>;

export const azureIdentityBindingSchema = z.object({
  clusterId: z.string(),
  namespace: z.string(),
  name: z.string(),
  /** name of the AzureIdentity it binds */
  azureIdentity: z.string(),
  /** matched against the pods' `aadpodidbinding` label */
  selector: z.string(),
});
export type AzureIdentityBinding = z.infer<typeof azureIdentityBindingSchema>;

export const azurePodIdentityExceptionSchema = z.object({
  clusterId: z.string(),
  namespace: z.string(),
  name: z.string(),
  /** pods with all these labels bypass NMI and reach IMDS directly */
  podLabels: labels,
});
export type AzurePodIdentityException = z.infer<typeof azurePodIdentityExceptionSchema>;

export const secretProviderIdentitySchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("pod-identity") }),
  /** the kubelet or an addon identity; null id = the VM's system-assigned identity */
  z.object({ mode: z.literal("vm-managed-identity"), userAssignedIdentityId: z.string().nullable() }),
  z.object({ mode: z.literal("workload-identity"), clientId: z.string() }),
  /** no identity parameter: a service principal secret referenced by nodePublishSecretRef */
  z.object({ mode: z.literal("service-principal") }),
]);
export type SecretProviderIdentity = z.infer<typeof secretProviderIdentitySchema>;

export const secretProviderClassSchema = z.object({
  clusterId: z.string(),
  namespace: z.string(),
  name: z.string(),
  provider: z.string(),
  keyvaultName: z.string().nullable(),
  tenantId: z.string().nullable(),
  identity: secretProviderIdentitySchema,
});
export type SecretProviderClass = z.infer<typeof secretProviderClassSchema>;

/** Everything read from one cluster's Kubernetes API. */
export const clusterKubernetesSchema = z.object({
  clusterRoles: z.array(clusterRoleSchema),
  clusterRoleBindings: z.array(clusterRoleBindingSchema),
  roles: z.array(roleSchema),
  roleBindings: z.array(roleBindingSchema),
  namespaces: z.array(namespaceSchema),
  serviceAccounts: z.array(serviceAccountSchema),
  pods: z.array(podSchema),
  azureIdentities: z.array(azureIdentitySchema),
  azureIdentityBindings: z.array(azureIdentityBindingSchema),
  azurePodIdentityExceptions: z.array(azurePodIdentityExceptionSchema),
  secretProviderClasses: z.array(secretProviderClassSchema),
});
export type ClusterKubernetes = z.infer<typeof clusterKubernetesSchema>;

export function emptyClusterKubernetes(): ClusterKubernetes {
  return {
    clusterRoles: [],
    clusterRoleBindings: [],
    roles: [],
    roleBindings: [],
    namespaces: [],
    serviceAccounts: [],
    pods: [],
    azureIdentities: [],
    azureIdentityBindings: [],
    azurePodIdentityExceptions: [],
    secretProviderClasses: [],
  };
}
