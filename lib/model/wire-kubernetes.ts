import { normalizeArmId, normalizeGuid } from "@/lib/model/ids";
import {
  type AzureIdentity,
  type AzureIdentityBinding,
  type AzurePodIdentityException,
  type ClusterKubernetes,
  type ClusterRole,
  type ClusterRoleBinding,
  emptyClusterKubernetes,
  type LabelSelector,
  type Namespace,
  type Pod,
  type PolicyRule,
  type Role,
  type RoleBinding,
  type RoleRef,
  type SecretProviderClass,
  type SecretProviderIdentity,
  type ServiceAccount,
  type Subject,
} from "@/lib/model/kubernetes";
import {
  asArray,
  asBoolean,
  asLowerString,
  asNumber,
  asString,
  asStringArray,
  asStringMap,
  field,
  isWireObject,
  path,
} from "@/lib/model/wire-reader";

// Kubernetes objects as `kubectl get -o json` prints them (or as @kubernetes/client-node returns
// them after ObjectSerializer.serialize) → model. Unknown kinds are skipped, not errors: a tenant
// file or an import may hold anything.

export type KubernetesModelObject =
  | { kind: "k8s.clusterRole"; object: ClusterRole }
  | { kind: "k8s.clusterRoleBinding"; object: ClusterRoleBinding }
  | { kind: "k8s.role"; object: Role }
  | { kind: "k8s.roleBinding"; object: RoleBinding }
  | { kind: "k8s.namespace"; object: Namespace }
  | { kind: "k8s.serviceAccount"; object: ServiceAccount }
  | { kind: "k8s.pod"; object: Pod }
  | { kind: "k8s.azureIdentity"; object: AzureIdentity }
  | { kind: "k8s.azureIdentityBinding"; object: AzureIdentityBinding }
  | { kind: "k8s.azurePodIdentityException"; object: AzurePodIdentityException }
  | { kind: "k8s.secretProviderClass"; object: SecretProviderClass };

const WORKLOAD_IDENTITY_PREFIX = "azure.workload.identity/";
const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";
/** Labels that change on every rollout and say nothing about identity. */
const VOLATILE_POD_LABELS = new Set([
  "pod-template-hash",
  "controller-revision-hash",
  "pod-template-generation",
]);

function policyRuleFromWire(value: unknown): PolicyRule {
  return {
    verbs: asStringArray(field(value, "verbs")),
    apiGroups: asStringArray(field(value, "apiGroups")),
    resources: asStringArray(field(value, "resources")),
    resourceNames: asStringArray(field(value, "resourceNames")),
    nonResourceURLs: asStringArray(field(value, "nonResourceURLs")),
  };
}

function labelSelectorFromWire(value: unknown): LabelSelector {
  return {
    matchLabels: asStringMap(field(value, "matchLabels")),
    // Every requirement is kept, an unknown operator too: it makes the selector invalid, and an
    // invalid selector matches nothing (lib/model/cluster-role-aggregation.ts), as in Kubernetes.
    // Dropping it would widen the selector instead.
    matchExpressions: asArray(field(value, "matchExpressions")).map((expression) => ({
      key: asString(field(expression, "key")) ?? "",
      operator: asString(field(expression, "operator")) ?? "",
      values: asStringArray(field(expression, "values")),
    })),
  };
}

function roleRefFromWire(value: unknown): RoleRef {
  return {
    kind: asString(field(value, "kind")) === "Role" ? "Role" : "ClusterRole",
    name: asString(field(value, "name")) ?? "",
  };
}

function subjectsFromWire(value: unknown): Subject[] {
  return asArray(value).flatMap((subject): Subject[] => {
    const kind = asString(field(subject, "kind"));
    const name = asString(field(subject, "name"));
    if (name === null || (kind !== "User" && kind !== "Group" && kind !== "ServiceAccount")) return [];
    return [
      { kind, name, namespace: kind === "ServiceAccount" ? asString(field(subject, "namespace")) : null },
    ];
  });
}

function withPrefix(map: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter(([key]) => key.startsWith(prefix)));
}

/** The `parameters` of a SecretProviderClass, with keys lower-cased (casing varies: tenantId / tenantID). */
function lowerKeyed(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key.toLowerCase(), value]));
}

function secretProviderIdentity(parameters: Record<string, string>): SecretProviderIdentity {
  if (asBoolean(parameters.usepodidentity) === true) return { mode: "pod-identity" };
  if (asBoolean(parameters.usevmmanagedidentity) === true) {
    return {
      mode: "vm-managed-identity",
      userAssignedIdentityId: asLowerString(parameters.userassignedidentityid),
    };
  }
  const clientId = asLowerString(parameters.clientid);
  if (clientId !== null) return { mode: "workload-identity", clientId };
  return { mode: "service-principal" };
}

/** One Kubernetes object → its model form, or null for kinds the model does not keep. */
export function kubernetesObjectToModel(clusterIdInput: string, wire: unknown): KubernetesModelObject | null {
  const clusterId = normalizeArmId(clusterIdInput);
  const kind = asString(field(wire, "kind"));
  const metadata = field(wire, "metadata");
  const name = asString(field(metadata, "name"));
  if (kind === null || name === null) return null;
  const namespace = asString(field(metadata, "namespace")) ?? "default";
  const labels = asStringMap(field(metadata, "labels"));
  const spec = field(wire, "spec");

  switch (kind) {
    case "ClusterRole": {
      const aggregation = field(wire, "aggregationRule");
      return {
        kind: "k8s.clusterRole",
        object: {
          clusterId,
          name,
          labels,
          rules: asArray(field(wire, "rules")).map(policyRuleFromWire),
          aggregationRule: isWireObject(aggregation)
            ? {
                clusterRoleSelectors: asArray(field(aggregation, "clusterRoleSelectors")).map(
                  labelSelectorFromWire,
                ),
              }
            : null,
        },
      };
    }
    case "Role":
      return {
        kind: "k8s.role",
        object: {
          clusterId,
          namespace,
          name,
          labels,
          rules: asArray(field(wire, "rules")).map(policyRuleFromWire),
        },
      };
    case "ClusterRoleBinding":
      return {
        kind: "k8s.clusterRoleBinding",
        object: {
          clusterId,
          name,
          labels,
          roleRef: roleRefFromWire(field(wire, "roleRef")),
          subjects: subjectsFromWire(field(wire, "subjects")),
        },
      };
    case "RoleBinding":
      return {
        kind: "k8s.roleBinding",
        object: {
          clusterId,
          namespace,
          name,
          labels,
          roleRef: roleRefFromWire(field(wire, "roleRef")),
          // A ServiceAccount subject without a namespace means the binding's own namespace.
          subjects: subjectsFromWire(field(wire, "subjects")).map((subject) =>
            subject.kind === "ServiceAccount" && subject.namespace === null
              ? { ...subject, namespace }
              : subject,
          ),
        },
      };
    case "Namespace":
      return { kind: "k8s.namespace", object: { clusterId, name, labels } };
    case "ServiceAccount": {
      const annotations = withPrefix(asStringMap(field(metadata, "annotations")), WORKLOAD_IDENTITY_PREFIX);
      const identityLabels = withPrefix(labels, WORKLOAD_IDENTITY_PREFIX);
      return {
        kind: "k8s.serviceAccount",
        object: {
          clusterId,
          namespace,
          name,
          annotations,
          labels: identityLabels,
          workloadIdentity: {
            clientId: asLowerString(annotations[`${WORKLOAD_IDENTITY_PREFIX}client-id`]),
            tenantId: asLowerString(annotations[`${WORKLOAD_IDENTITY_PREFIX}tenant-id`]),
            useLabel: asBoolean(identityLabels[`${WORKLOAD_IDENTITY_PREFIX}use`]) === true,
          },
          automountServiceAccountToken: asBoolean(field(wire, "automountServiceAccountToken")),
        },
      };
    }
    case "Pod": {
      const secretProviderClasses = asArray(field(spec, "volumes")).flatMap((volume) => {
        const csi = field(volume, "csi");
        if (asString(field(csi, "driver")) !== SECRETS_STORE_DRIVER) return [];
        const className = asString(path(csi, "volumeAttributes", "secretProviderClass"));
        return className === null ? [] : [className];
      });
      return {
        kind: "k8s.pod",
        object: {
          clusterId,
          namespace,
          name,
          serviceAccountName:
            asString(field(spec, "serviceAccountName")) ??
            asString(field(spec, "serviceAccount")) ??
            "default",
          labels: Object.fromEntries(Object.entries(labels).filter(([key]) => !VOLATILE_POD_LABELS.has(key))),
          workloadIdentityUse: asBoolean(labels[`${WORKLOAD_IDENTITY_PREFIX}use`]) === true,
          aadPodIdBinding: asString(labels.aadpodidbinding),
          secretProviderClasses: [...new Set(secretProviderClasses)].sort(),
          automountServiceAccountToken: asBoolean(field(spec, "automountServiceAccountToken")),
          ...(asBoolean(field(spec, "hostNetwork")) === true ? { hostNetwork: true } : {}),
        },
      };
    }
    // AAD Pod Identity spec keys are spelled resourceID / resourceid / ResourceID in the wild;
    // field() matches them case-insensitively.
    case "AzureIdentity": {
      const resourceId = asString(field(spec, "resourceID"));
      const clientId = asString(field(spec, "clientID"));
      return {
        kind: "k8s.azureIdentity",
        object: {
          clusterId,
          namespace,
          name,
          type: asNumber(field(spec, "type")),
          resourceId: resourceId === null ? null : normalizeArmId(resourceId),
          clientId: clientId === null ? null : normalizeGuid(clientId),
          tenantId: asLowerString(field(spec, "tenantID")),
          ...(asStringMap(field(metadata, "annotations"))["aadpodidentity.k8s.io/Behavior"] === "namespaced"
            ? { namespaced: true }
            : {}),
        },
      };
    }
    case "AzureIdentityBinding":
      return {
        kind: "k8s.azureIdentityBinding",
        object: {
          clusterId,
          namespace,
          name,
          azureIdentity: asString(field(spec, "azureIdentity")) ?? "",
          selector: asString(field(spec, "selector")) ?? "",
        },
      };
    case "AzurePodIdentityException":
      return {
        kind: "k8s.azurePodIdentityException",
        object: { clusterId, namespace, name, podLabels: asStringMap(field(spec, "podLabels")) },
      };
    case "SecretProviderClass": {
      const parameters = lowerKeyed(asStringMap(field(spec, "parameters")));
      return {
        kind: "k8s.secretProviderClass",
        object: {
          clusterId,
          namespace,
          name,
          provider: asString(field(spec, "provider")) ?? "",
          keyvaultName: asString(parameters.keyvaultname),
          tenantId: asLowerString(parameters.tenantid),
          identity: secretProviderIdentity(parameters),
        },
      };
    }
    default:
      return null;
  }
}

/** Flattens `List` objects (what `kubectl get ... -o json` prints for many objects). */
export function flattenKubernetesLists(objects: readonly unknown[]): unknown[] {
  return objects.flatMap((object) => {
    const kind = asString(field(object, "kind"));
    const items = field(object, "items");
    return kind?.endsWith("List") && Array.isArray(items) ? flattenKubernetesLists(items) : [object];
  });
}

const FIELD_OF_KIND = {
  "k8s.clusterRole": "clusterRoles",
  "k8s.clusterRoleBinding": "clusterRoleBindings",
  "k8s.role": "roles",
  "k8s.roleBinding": "roleBindings",
  "k8s.namespace": "namespaces",
  "k8s.serviceAccount": "serviceAccounts",
  "k8s.pod": "pods",
  "k8s.azureIdentity": "azureIdentities",
  "k8s.azureIdentityBinding": "azureIdentityBindings",
  "k8s.azurePodIdentityException": "azurePodIdentityExceptions",
  "k8s.secretProviderClass": "secretProviderClasses",
} as const satisfies Record<KubernetesModelObject["kind"], keyof ClusterKubernetes>;

/**
 * A cluster's inventory from raw Kubernetes objects (lists are flattened). When the same object
 * appears twice (same kind, namespace and name), the later one wins, as a re-applied manifest would.
 */
export function clusterKubernetesFromObjects(
  clusterId: string,
  objects: readonly unknown[],
): ClusterKubernetes {
  const latest = new Map<string, KubernetesModelObject>();
  for (const wire of flattenKubernetesLists(objects)) {
    const converted = kubernetesObjectToModel(clusterId, wire);
    if (converted === null) continue;
    const namespace = "namespace" in converted.object ? converted.object.namespace : "";
    latest.set(`${converted.kind}|${namespace}|${converted.object.name}`, converted);
  }
  const inventory = emptyClusterKubernetes();
  for (const converted of latest.values()) {
    (inventory[FIELD_OF_KIND[converted.kind]] as unknown[]).push(converted.object);
  }
  return inventory;
}
