import { actionMatches } from "@/lib/access/wildcard";
import { type DenyAssignment, EVERYONE_PRINCIPAL_ID } from "@/lib/model/azure";
import { normalizeArmId } from "@/lib/model/ids";

// Deny assignments take actions away before any grant or edge is built: an action a deny assignment
// blocks is not granted, whatever role grants it (learn.microsoft.com azure/role-based-access-control/
// deny-assignments and overview: "deny assignments take precedence over role assignments").
// A deny assignment applies to a principal named in `principals` — directly, through a group it is
// a transitive member of, or as "everyone" (the zero GUID) — unless `excludePrincipals` names it the
// same way; at its scope and every scope below it, or at its scope only with
// `doNotApplyToChildScopes`. Within a permission block an action is denied when some `actions`
// (`dataActions`) pattern matches it and no `notActions` (`notDataActions`) pattern does.

type PreparedDeny = {
  deny: DenyAssignment;
  everyone: boolean;
  principals: Set<string>;
  excluded: Set<string>;
};

export type DenyIndex = {
  /** prepared deny assignments by lower-cased scope */
  byScope: Map<string, PreparedDeny[]>;
};

/**
 * Denied permission blocks. `clusterScopeOnly`: the block comes from a deny assignment with
 * `doNotApplyToChildScopes` on the AKS cluster itself, so it does not reach the
 * `<cluster>/namespaces/<ns>` scope at which the authorization webhook checks namespaced requests
 * (kubeguard/guard authz/providers/azure/rbac/checkaccessreqhelper.go getScope).
 */
export type DeniedPermissions = (DenyAssignment["permissions"][number] & { clusterScopeOnly?: true })[];

const MANAGED_CLUSTER = /\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+$/;

function expand(ids: readonly string[], membersOfGroup: ReadonlyMap<string, readonly string[]>): Set<string> {
  const result = new Set<string>();
  for (const id of ids) {
    result.add(id);
    for (const member of membersOfGroup.get(id) ?? []) result.add(member);
  }
  return result;
}

export function buildDenyIndex(
  denyAssignments: readonly DenyAssignment[],
  membersOfGroup: ReadonlyMap<string, readonly string[]>,
): DenyIndex {
  const byScope = new Map<string, PreparedDeny[]>();
  for (const deny of denyAssignments) {
    const principalIds = deny.principals.map((principal) => principal.id);
    const prepared: PreparedDeny = {
      deny,
      everyone: principalIds.includes(EVERYONE_PRINCIPAL_ID),
      principals: expand(principalIds, membersOfGroup),
      excluded: expand(
        deny.excludePrincipals.map((principal) => principal.id),
        membersOfGroup,
      ),
    };
    const scope = normalizeArmId(deny.scope);
    const list = byScope.get(scope);
    if (list) list.push(prepared);
    else byScope.set(scope, [prepared]);
  }
  return { byScope };
}

/**
 * The permission blocks denied to `principalId` on `target`, whose scope chain (root first, the
 * target last) is `chain`; null when none applies.
 */
export function deniedPermissions(
  index: DenyIndex,
  chain: readonly string[],
  principalId: string,
): DeniedPermissions | null {
  if (index.byScope.size === 0) return null;
  const target = chain[chain.length - 1];
  let denied: DeniedPermissions | null = null;
  for (const scope of chain) {
    for (const prepared of index.byScope.get(scope) ?? []) {
      if (prepared.deny.doNotApplyToChildScopes && scope !== target) continue;
      if (!prepared.everyone && !prepared.principals.has(principalId)) continue;
      if (prepared.excluded.has(principalId)) continue;
      const blocks =
        prepared.deny.doNotApplyToChildScopes && MANAGED_CLUSTER.test(scope)
          ? prepared.deny.permissions.map((block) => ({ ...block, clusterScopeOnly: true as const }))
          : prepared.deny.permissions;
      denied = [...(denied ?? []), ...blocks];
    }
  }
  return denied;
}

/**
 * Kubernetes resources that live outside namespaces: requests for them are checked at the cluster
 * scope itself (kubernetes.io/docs/reference/kubectl/ `kubectl api-resources --namespaced=false`;
 * users, groups and userextras are impersonated without a namespace). Any other resource — custom
 * resources included, which may be either — is taken as namespaced, so that a cluster-only deny
 * never hides what a grant gives inside the namespaces.
 */
const CLUSTER_SCOPED_RESOURCES = new Set([
  "namespaces",
  "nodes",
  "persistentvolumes",
  "componentstatuses",
  "clusterroles",
  "clusterrolebindings",
  "customresourcedefinitions",
  "apiservices",
  "mutatingwebhookconfigurations",
  "validatingwebhookconfigurations",
  "validatingadmissionpolicies",
  "validatingadmissionpolicybindings",
  "certificatesigningrequests",
  "storageclasses",
  "csidrivers",
  "csinodes",
  "volumeattachments",
  "priorityclasses",
  "runtimeclasses",
  "ingressclasses",
  "podsecuritypolicies",
  "flowschemas",
  "prioritylevelconfigurations",
  "tokenreviews",
  "subjectaccessreviews",
  "selfsubjectaccessreviews",
  "selfsubjectrulesreviews",
  "users",
  "groups",
  "userextras",
]);

const AKS_DATA_PREFIX = "microsoft.containerservice/managedclusters/";

/** Is the AKS data action one on a namespaced Kubernetes resource (checked below the cluster scope)? */
function isNamespacedDataAction(action: string): boolean {
  const lower = action.toLowerCase();
  if (!lower.startsWith(AKS_DATA_PREFIX)) return false;
  const segments = lower.slice(AKS_DATA_PREFIX.length).split("/");
  // drop the verb: read | write | delete, or <verb>/action
  if (segments.at(-1) === "action") segments.splice(-2, 2);
  else segments.pop();
  if (segments.at(-1) === "exec" && segments.at(-2) === "pods") segments.pop();
  const resource = segments.at(-1);
  return resource !== undefined && !CLUSTER_SCOPED_RESOURCES.has(resource);
}

/** True when one of the denied blocks covers `action` on its plane. */
export function isDenied(denied: DeniedPermissions, plane: "control" | "data", action: string): boolean {
  const namespaced =
    plane === "data" && denied.some((block) => block.clusterScopeOnly) && isNamespacedDataAction(action);
  return denied.some((block) => {
    if (namespaced && block.clusterScopeOnly) return false;
    const patterns = plane === "control" ? block.actions : block.dataActions;
    const exceptions = plane === "control" ? block.notActions : block.notDataActions;
    return (
      patterns.some((pattern) => actionMatches(pattern, action)) &&
      !exceptions.some((pattern) => actionMatches(pattern, action))
    );
  });
}

/**
 * True when a deny assignment takes the control-plane `action` on the resource whose scope chain
 * (root first) is `chain` from `principalId`: the attack-path edges and the identity-operator
 * escalation ask this for each principal an assignment reaches, so a denied action builds no edge.
 */
export function deniesAction(
  index: DenyIndex,
  chain: readonly string[],
  principalId: string,
  action: string,
): boolean {
  const denied = deniedPermissions(index, chain, principalId);
  return denied !== null && isDenied(denied, "control", action);
}
