/**
 * Kubernetes wire shapes, as `kubectl get -o json` prints them: objects, RBAC roles and bindings.
 * Pure: no I/O.
 */
import { z } from "zod";
import { stringMapSchema } from "@/lib/model/wire/common";

// ---------------------------------------------------------------------------------------------
// Kubernetes objects, as `kubectl get -o json` prints them

export const kubernetesObjectSchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    creationTimestamp: z.string().optional(),
    labels: stringMapSchema.optional(),
    annotations: stringMapSchema.optional(),
  }),
});

export const policyRuleSchema = z.looseObject({
  apiGroups: z.array(z.string()).optional(),
  resources: z.array(z.string()).optional(),
  resourceNames: z.array(z.string()).optional(),
  nonResourceURLs: z.array(z.string()).optional(),
  verbs: z.array(z.string()),
});

export const kubernetesRoleSchema = kubernetesObjectSchema.extend({
  kind: z.enum(["Role", "ClusterRole"]),
  rules: z.array(policyRuleSchema).nullable().optional(),
  aggregationRule: z
    .looseObject({
      clusterRoleSelectors: z
        .array(
          z.looseObject({
            matchLabels: stringMapSchema.optional(),
            matchExpressions: z.array(z.looseObject({})).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

export const rbacSubjectSchema = z.looseObject({
  kind: z.enum(["User", "Group", "ServiceAccount"]),
  name: z.string().min(1),
  namespace: z.string().optional(),
  apiGroup: z.string().optional(),
});

export const kubernetesRoleBindingSchema = kubernetesObjectSchema.extend({
  kind: z.enum(["RoleBinding", "ClusterRoleBinding"]),
  roleRef: z.looseObject({
    apiGroup: z.string(),
    kind: z.enum(["Role", "ClusterRole"]),
    name: z.string().min(1),
  }),
  subjects: z.array(rbacSubjectSchema).nullable().optional(),
});

const kindSpecificSchemas: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ["Role", kubernetesRoleSchema],
  ["ClusterRole", kubernetesRoleSchema],
  ["RoleBinding", kubernetesRoleBindingSchema],
  ["ClusterRoleBinding", kubernetesRoleBindingSchema],
]);

/** Kinds that kubectl always prints with (or without) metadata.namespace. Other kinds are not checked. */
export const NAMESPACED_KINDS: ReadonlySet<string> = new Set([
  "Role",
  "RoleBinding",
  "ServiceAccount",
  "Pod",
  "Deployment",
  "Secret",
  "ConfigMap",
  "AzureIdentity",
  "AzureIdentityBinding",
  "AzurePodIdentityException",
  "SecretProviderClass",
]);
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  "ClusterRole",
  "ClusterRoleBinding",
  "Namespace",
  "Node",
]);

export const clusterObjectSchema = kubernetesObjectSchema.superRefine((object, ctx) => {
  const specific = kindSpecificSchemas.get(object.kind);
  if (specific) {
    const result = specific.safeParse(object);
    if (!result.success) {
      for (const issue of result.error.issues) {
        ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
      }
    }
  }
  if (NAMESPACED_KINDS.has(object.kind) && object.metadata.namespace === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `a ${object.kind} is namespaced: metadata.namespace is required`,
      path: ["metadata", "namespace"],
    });
  }
  if (CLUSTER_SCOPED_KINDS.has(object.kind) && object.metadata.namespace !== undefined) {
    ctx.addIssue({
      code: "custom",
      message: `a ${object.kind} is cluster-scoped: remove metadata.namespace`,
      path: ["metadata", "namespace"],
    });
  }
});

export type KubernetesObject = z.infer<typeof kubernetesObjectSchema>;
export type KubernetesRole = z.infer<typeof kubernetesRoleSchema>;
export type KubernetesRoleBinding = z.infer<typeof kubernetesRoleBindingSchema>;
export type PolicyRule = z.infer<typeof policyRuleSchema>;
export type RbacSubject = z.infer<typeof rbacSubjectSchema>;
