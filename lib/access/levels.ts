import type { AccessLevel, EscalationTarget } from "@/lib/access/types";

// From "what can this rule set do" to a level and escalations. Both Kubernetes RBAC rules and Azure
// RBAC data actions are asked the same questions (probes), so one definition of each level serves
// both routes. The definitions are documented in docs/access-model.md.

/** Can the subject do `verb` on `resource` (`pods`, `pods/exec`) of `apiGroup` ("" = core)? */
export type Can = (verb: string, apiGroup: string, resource: string) => boolean;

type Probe = readonly [verb: string, apiGroup: string, resource: string];

const RBAC = "rbac.authorization.k8s.io";

/** Resources whose create/update makes a subject a writer: workloads and what they consume. */
const WORKLOAD_RESOURCES: readonly (readonly [string, string])[] = [
  ["", "pods"],
  ["", "replicationcontrollers"],
  ["", "services"],
  ["", "configmaps"],
  ["", "secrets"],
  ["", "persistentvolumeclaims"],
  ["apps", "deployments"],
  ["apps", "statefulsets"],
  ["apps", "daemonsets"],
  ["apps", "replicasets"],
  ["batch", "jobs"],
  ["batch", "cronjobs"],
  ["networking.k8s.io", "ingresses"],
];

const READ_PROBES: readonly Probe[] = [...WORKLOAD_RESOURCES, ["", "namespaces"] as const].flatMap(
  ([group, resource]) => [["get", group, resource] as const, ["list", group, resource] as const],
);

const WRITE_PROBES: readonly Probe[] = WORKLOAD_RESOURCES.flatMap(([group, resource]) => [
  ["create", group, resource] as const,
  ["update", group, resource] as const,
  ["patch", group, resource] as const,
]);

/** Full control of a namespace, RBAC included (what ClusterRole `admin` gives). */
const ADMIN_PROBES: readonly Probe[] = [
  ["create", RBAC, "rolebindings"],
  ["create", RBAC, "roles"],
  ["delete", RBAC, "rolebindings"],
  ["create", "", "pods"],
  ["delete", "", "pods"],
  ["create", "", "pods/exec"],
  ["create", "apps", "deployments"],
  ["get", "", "secrets"],
  ["create", "", "secrets"],
];

/** Everything, everywhere: cluster-scoped objects, RBAC, and a custom resource nobody listed. */
const CLUSTER_ADMIN_PROBES: readonly Probe[] = [
  ...ADMIN_PROBES,
  ["create", "", "namespaces"],
  ["delete", "", "namespaces"],
  ["update", "", "nodes"],
  ["update", "", "resourcequotas"],
  ["create", RBAC, "clusterroles"],
  ["create", RBAC, "clusterrolebindings"],
  ["bind", RBAC, "clusterroles"],
  ["escalate", RBAC, "clusterroles"],
  ["impersonate", "", "users"],
  ["impersonate", "", "groups"],
  ["create", "aks-atlas-probe.example", "widgets"],
  ["delete", "aks-atlas-probe.example", "widgets"],
];

/** Escalation probes; `namespaced` ones also count when granted inside one namespace. */
const ESCALATION_PROBES: Record<
  "bind" | "escalate" | "impersonate",
  readonly { probe: Probe; namespaced: boolean }[]
> = {
  bind: [
    // A RoleBinding may name a ClusterRole: creating it checks `bind` on clusterroles in the binding's own
    // namespace (pkg/registry/rbac/escalation_check.go BindingAuthorized), so a RoleBinding's grant counts.
    { probe: ["bind", RBAC, "clusterroles"], namespaced: true },
    { probe: ["bind", RBAC, "roles"], namespaced: true },
  ],
  escalate: [
    { probe: ["escalate", RBAC, "clusterroles"], namespaced: false },
    { probe: ["escalate", RBAC, "roles"], namespaced: true },
  ],
  impersonate: [
    { probe: ["impersonate", "", "users"], namespaced: false },
    { probe: ["impersonate", "", "groups"], namespaced: false },
    { probe: ["impersonate", "", "serviceaccounts"], namespaced: true },
  ],
};

export type KubernetesLevel = Exclude<AccessLevel, "credentials-only">;

export type ScopeFacts = {
  level: KubernetesLevel | null;
  /** bind / escalate / impersonate, with the probe that showed it */
  escalations: { to: EscalationTarget; evidence: string }[];
  /** could create pods / read secrets in the namespaces this applies to (kube-system escalations) */
  createsPods: boolean;
  readsSecrets: boolean;
};

const all = (can: Can, probes: readonly Probe[]) =>
  probes.every(([verb, group, resource]) => can(verb, group, resource));
const any = (can: Can, probes: readonly Probe[]) =>
  probes.some(([verb, group, resource]) => can(verb, group, resource));

/**
 * Could these rules be part of admin or cluster-admin held through several bindings together (levels that
 * need every one of their probes)? Rules that allow none of those probes add nothing to a combination.
 */
export function partOfAStrongLevel(can: Can): boolean {
  return any(can, CLUSTER_ADMIN_PROBES);
}

function describeProbe([verb, group, resource]: Probe): string {
  return `${verb} ${resource}${group === "" ? "" : `.${group}`}`;
}

/**
 * What a rule set amounts to when granted cluster-wide (`cluster`) or inside one namespace
 * (`namespace`: a RoleBinding or an Azure assignment at `<cluster>/namespaces/<ns>`).
 * Namespace grants cannot reach cluster-scoped resources, so they top out at `admin`.
 */
export function scopeFacts(can: Can, scope: "cluster" | "namespace"): ScopeFacts {
  let level: KubernetesLevel | null = null;
  if (scope === "cluster" && all(can, CLUSTER_ADMIN_PROBES)) level = "cluster-admin";
  else if (all(can, ADMIN_PROBES)) level = "admin";
  else if (any(can, WRITE_PROBES)) level = "write";
  else if (any(can, READ_PROBES)) level = "read";

  const escalations: ScopeFacts["escalations"] = [];
  for (const [to, probes] of Object.entries(ESCALATION_PROBES) as [
    keyof typeof ESCALATION_PROBES,
    typeof ESCALATION_PROBES.bind,
  ][]) {
    const hit = probes.find(
      ({ probe, namespaced }) => (scope === "cluster" || namespaced) && can(probe[0], probe[1], probe[2]),
    );
    if (hit) escalations.push({ to, evidence: describeProbe(hit.probe) });
  }
  return {
    level,
    escalations,
    createsPods: can("create", "", "pods"),
    // list and watch return the secrets' contents too (kubernetes.io rbac-good-practices, "Listing Secrets")
    readsSecrets: can("get", "", "secrets") || can("list", "", "secrets") || can("watch", "", "secrets"),
  };
}
