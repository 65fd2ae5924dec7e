import type { AccessRoute, EscalationRoute, EscalationTarget } from "@/lib/access/types";

// Every wording of access routes and escalations, in one place: the pages, the HTML report and the
// drift messages take theirs from here.

export const ROUTE_LABEL: Record<AccessRoute, string> = {
  "entra-admin-group": "Entra admin group",
  "azure-rbac": "Azure RBAC for Kubernetes",
  "kubernetes-rbac": "Kubernetes RBAC",
  "local-admin-credential": "local admin credential",
  "user-credential": "user credential",
};

export const ROUTE_EXPLANATION: Record<AccessRoute, string> = {
  "entra-admin-group": "member of a group listed in aadProfile.adminGroupObjectIDs, bound to cluster-admin",
  "azure-rbac": "Kubernetes data actions granted by an Azure role assignment",
  // (on a cluster with enableRBAC false the path itself says no binding was needed: its setting step)
  "kubernetes-rbac": "a RoleBinding or ClusterRoleBinding inside the cluster",
  "local-admin-credential":
    "can fetch the system:masters kubeconfig (listClusterAdminCredential) while local accounts are enabled",
  "user-credential": "can fetch a user kubeconfig; what it may do is decided by the cluster",
};

export const ESCALATION_LABEL: Record<EscalationTarget, string> = {
  "cluster-write": "can change the cluster (re-enable local accounts, change admin groups)",
  "run-command": "can run commands on the cluster (run command)",
  "identity-operator": "can act as the kubelet or an add-on identity",
  bind: "can bind roles it does not hold",
  escalate: "can escalate roles",
  impersonate: "can impersonate users, groups or service accounts",
  "kube-system-pods": "can create pods in kube-system",
  "kube-system-secrets": "can read secrets in kube-system",
  // attack paths (route attack-path): the level reached
  "cluster-admin": "can become cluster-admin",
  admin: "can become a namespace admin",
  write: "can gain write access",
  read: "can gain read access",
};

/** An escalation as the verb of a sentence, for drift messages ("Penny can now {action} on aks-2"). */
export const ESCALATION_ACTION: Record<EscalationTarget, string> = {
  "cluster-write": "change the cluster (managedClusters/write)",
  "run-command": "run commands on the cluster (runCommand)",
  "identity-operator": "act as the cluster's identities",
  bind: "bind any role (bind)",
  escalate: "grant any permission (escalate)",
  impersonate: "impersonate other users (impersonate)",
  "kube-system-pods": "create pods in kube-system",
  "kube-system-secrets": "read secrets in kube-system",
  // attack paths: the level reached
  "cluster-admin": "become cluster-admin",
  admin: "become a namespace admin",
  write: "gain write access",
  read: "gain read access",
};

export const ESCALATION_ROUTE_LABEL: Record<EscalationRoute, string> = {
  "azure-control-plane": "Azure control plane",
  "azure-rbac": "Azure RBAC for Kubernetes",
  "kubernetes-rbac": "Kubernetes RBAC",
  "attack-path": "attack path",
};

/** `1 hop`, `3 hops`. */
export function hopsText(hops: number): string {
  return `${hops} ${hops === 1 ? "hop" : "hops"}`;
}

/**
 * What an escalation could gain, in words: a one-step escalation by its label, an attack path by the
 * level it reaches ("can become a namespace admin in default in 2 hops").
 */
export function escalationHeadline(escalation: {
  to: EscalationTarget;
  route: EscalationRoute;
  hops?: number;
  namespace?: string | null;
  alternative?: boolean;
}): string {
  const label = ESCALATION_LABEL[escalation.to];
  if (escalation.route !== "attack-path") return label;
  const where = escalation.namespace ? ` in ${escalation.namespace}` : "";
  const hops = escalation.hops ? ` in ${hopsText(escalation.hops)}` : "";
  return `${label}${where}${hops}${escalation.alternative ? `, ${BESIDE_SHORTEST}` : ""}`;
}

/**
 * What the route listed beside a shorter path to cluster-admin saves (lib/access/attack-paths.ts,
 * ALTERNATIVE_LEVEL): the shorter one needs a PIM activation or a condition, this one does not.
 */
export const BESIDE_SHORTEST = "without the shorter route's activation or condition";

/** The badge of access that needs a PIM activation first (a grant, an attack path, one step of a path). */
export const ELIGIBLE_BADGE = "eligible (PIM)";
export const ELIGIBLE_EXPLANATION =
  "not held today: a PIM eligible assignment or group membership gives it once activated";
/** The badge of access an ABAC condition (or an expression not evaluated) may narrow or stop. */
export const CONDITIONAL_BADGE = "conditional";
export const CONDITIONAL_EXPLANATION = {
  grant: "an ABAC condition on a role assignment may narrow it",
  path: "depends on an ABAC condition or an expression not evaluated",
} as const;

/** The standing / eligible / any filter of the principals and cluster access lists (HOLDING_FILTERS in lib/queries/stored-records.ts). */
export const HOLDING_LABEL = {
  any: "Any",
  standing: "Standing",
  eligible: "Eligible (PIM)",
} as const;
export const HOLDING_EXPLANATION = {
  any: "standing access and access that needs a PIM activation",
  standing: "access held now, without any activation",
  eligible: "access only a PIM activation would give",
} as const;

/** Does this step carry an ABAC condition (lib/access/paths.ts labels conditioned assignments so)? */
export function isConditionalStep(step: { kind: string; label: string }): boolean {
  return (
    (step.kind === "roleAssignment" || step.kind === "roleEligibility") &&
    step.label.endsWith("(with a condition)")
  );
}
