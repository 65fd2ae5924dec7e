import { z } from "zod";

// The access engine's output. These shapes are printed as-is by `aks-atlas access --json` and
// stored as access.grant / access.escalation records, so they are a contract: change with care.

export const accessLevelSchema = z.enum(["cluster-admin", "admin", "write", "read", "credentials-only"]);
export type AccessLevel = z.infer<typeof accessLevelSchema>;

/** Higher is more. */
/** The levels an attack path can reach, strongest first. */
export const ATTACK_PATH_LEVELS = ["cluster-admin", "admin", "write", "read"] as const;
export type AttackPathLevel = (typeof ATTACK_PATH_LEVELS)[number];

export const ACCESS_LEVEL_RANK: Record<AccessLevel, number> = {
  "cluster-admin": 4,
  admin: 3,
  write: 2,
  read: 1,
  "credentials-only": 0,
};

export const accessRouteSchema = z.enum([
  "entra-admin-group",
  "azure-rbac",
  "kubernetes-rbac",
  "local-admin-credential",
  "user-credential",
]);
export type AccessRoute = z.infer<typeof accessRouteSchema>;

export const escalationTargetSchema = z.enum([
  "cluster-write",
  "run-command",
  "identity-operator",
  "bind",
  "escalate",
  "impersonate",
  "kube-system-pods",
  "kube-system-secrets",
  // Multi-hop attack paths (route `attack-path`): the level reached on the cluster.
  "cluster-admin",
  "admin",
  "write",
  "read",
]);
export type EscalationTarget = z.infer<typeof escalationTargetSchema>;

/**
 * How an escalation is reached: `azure-control-plane` = an ARM action on the cluster or its
 * identities (role assignments), `azure-rbac` = a Kubernetes data action through Azure RBAC for
 * Kubernetes, `kubernetes-rbac` = a Kubernetes RoleBinding or ClusterRoleBinding, `attack-path` = a
 * shortest path through the attack graph (identities, service accounts, role assignments).
 */
export const escalationRouteSchema = z.enum([
  "azure-control-plane",
  "azure-rbac",
  "kubernetes-rbac",
  /** a path of one or more hops across planes (lib/access/attack-paths.ts); `to` is the level reached */
  "attack-path",
]);
export type EscalationRoute = z.infer<typeof escalationRouteSchema>;

export const pathStepSchema = z.object({
  /** a model record kind (`principal`, `roleAssignment`, `k8s.roleBinding` ...) or `permission`, `clusterSetting`, `k8s.group` */
  kind: z.string(),
  /** the natural key of the object, or a readable id for permissions and settings */
  id: z.string(),
  label: z.string(),
  /** PIM eligibility steps (`roleEligibility`) only, when its role settings were read: activation needs approval */
  approvalRequired: z.boolean().optional(),
  /** PIM eligibility steps only: the longest an activation lasts (ISO 8601 duration, e.g. PT8H) */
  maximumDuration: z.string().optional(),
});
export type PathStep = z.infer<typeof pathStepSchema>;

export const grantSchema = z.object({
  level: accessLevelSchema,
  /** null = cluster-wide */
  namespace: z.string().nullable(),
  route: accessRouteSchema,
  /** true when an ABAC condition on a role assignment may narrow it */
  conditional: z.boolean(),
  /** true when the grant needs a PIM activation first (an eligible role assignment); absent = standing */
  eligible: z.boolean().optional(),
  /** ISO 8601 end of a time-bound assignment (or eligibility) the grant rests on; absent = permanent */
  expires: z.string().optional(),
  path: z.array(pathStepSchema),
});
export type Grant = z.infer<typeof grantSchema>;

export const escalationSchema = z.object({
  to: escalationTargetSchema,
  route: escalationRouteSchema,
  path: z.array(pathStepSchema),
  /** attack paths only: how many hops (edges) the path takes; a one-step escalation is 1 */
  hops: z.number().int().positive().optional(),
  /** attack paths only: true when a step depends on an ABAC condition or an expression we could not evaluate */
  conditional: z.boolean().optional(),
  /** attack paths only: the namespace of the level reached (admin/write/read), null = cluster-wide */
  namespace: z.string().nullable().optional(),
  /** true when a step needs a PIM activation (an eligible role or group membership); absent = standing */
  eligible: z.boolean().optional(),
  /**
   * attack paths only: true on the route listed beside a shortest path to cluster-admin that needs a PIM
   * activation or a condition, when a route needing neither (or one of them) exists; absent on the shortest
   */
  alternative: z.boolean().optional(),
});
export type Escalation = z.infer<typeof escalationSchema>;

export const accessPrincipalKindSchema = z.enum([
  "User",
  "Group",
  "ServicePrincipal",
  "ManagedIdentity",
  /** a Kubernetes user name that is no directory object (a certificate CN, an unknown name) */
  "KubernetesUser",
  /** a Kubernetes group that is no directory group (system:authenticated, system:masters ...) */
  "KubernetesGroup",
  "ServiceAccount",
]);
export type AccessPrincipalKind = z.infer<typeof accessPrincipalKindSchema>;

export const accessPrincipalSchema = z.object({
  /** directory object id; `k8s-user:<name>`, `k8s-group:<name>`, or `system:serviceaccount:<ns>:<name>` otherwise */
  id: z.string(),
  kind: accessPrincipalKindSchema,
  displayName: z.string(),
});
export type AccessPrincipal = z.infer<typeof accessPrincipalSchema>;

export const principalAccessSchema = z.object({
  principal: accessPrincipalSchema,
  grants: z.array(grantSchema),
  escalations: z.array(escalationSchema),
});
export type PrincipalAccess = z.infer<typeof principalAccessSchema>;

export const clusterAccessSchema = z.object({
  cluster: z.object({ id: z.string(), name: z.string() }),
  principals: z.array(principalAccessSchema),
});
export type ClusterAccess = z.infer<typeof clusterAccessSchema>;
