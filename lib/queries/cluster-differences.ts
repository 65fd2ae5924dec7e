import { AKS_ACTIONS, roleAllows } from "@/lib/access/azure-permissions";
import type { RoleDefinition } from "@/lib/model/azure";

// Why the same Azure role gives a principal different access on different clusters (issue 16 #7):
// "aks-3: local accounts disabled, so Contributor gives credentials only — but she can re-enable them".
// The access engine's paths say what a principal HAS; these notes say why a role it holds gives less on
// one cluster than its name suggests. Pure: the principal page reads the inputs (get-cluster-differences.ts).
//
// The cluster settings that decide it (Microsoft docs):
// - disableLocalAccounts: listClusterAdminCredential is refused, and the user credential is an Entra
//   kubeconfig that carries no rights of its own
//   (learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad).
// - Azure RBAC for Kubernetes (aadProfile.managed + enableAzureRBAC): only then do data actions of
//   Microsoft.ContainerService/managedClusters/* authorize requests inside the cluster
//   (learn.microsoft.com/azure/aks/manage-azure-rbac).

export type DifferenceCluster = {
  id: string;
  name: string;
  subscriptionId: string;
  localAccountsDisabled: boolean;
  entraMode: "managed" | "legacy" | "none";
  azureRbac: boolean;
};

export type DifferenceAssignment = {
  scope: string;
  role: RoleDefinition;
  /** the group it is held through, or null when held directly */
  via: string | null;
};

export type DifferenceReason = "local-accounts-disabled" | "azure-rbac-off";

export type ClusterDifference = {
  reason: DifferenceReason;
  role: string;
  scope: string;
  via: string | null;
  /** what the role gives there instead: credentials only, or nothing inside the cluster */
  gives: "credentials-only" | "nothing";
  /** the principal can change the cluster (managedClusters/write) and so undo the setting */
  canUndo: boolean;
  clusters: { id: string; name: string }[];
};

/** Every Kubernetes data action starts with this (lower-cased: Azure compares actions without case). */
const KUBERNETES_DATA_ACTIONS = "microsoft.containerservice/managedclusters/";

type ScopeCluster = Pick<DifferenceCluster, "id" | "subscriptionId">;

/**
 * `scopeCovers` for one scope, parsed once: a principal page judges each of its assignments against every
 * cluster (60 × 500 on a 500-cluster tenant), and parsing the scope per pair was most of its 130 ms.
 */
function scopeMatcher(
  scope: string,
  subscriptionsOfGroup: (group: string) => ReadonlySet<string>,
): (cluster: ScopeCluster) => boolean {
  const s = scope.toLowerCase().replace(/\/+$/, "");
  if (s === "") return () => true;
  const group = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)$/.exec(s);
  if (group) {
    const subscriptions = subscriptionsOfGroup(group[1]);
    return (cluster) => subscriptions.has(cluster.subscriptionId.toLowerCase());
  }
  return (cluster) => {
    const id = cluster.id.toLowerCase();
    return id === s || id.startsWith(`${s}/`);
  };
}

/** Whether `scope` (lower-cased) covers the cluster: the root, its management groups, subscription, group, itself. */
export function scopeCovers(
  scope: string,
  cluster: ScopeCluster,
  subscriptionsOfGroup: (group: string) => ReadonlySet<string>,
): boolean {
  return scopeMatcher(scope, subscriptionsOfGroup)(cluster);
}

/**
 * Whether a role's data actions reach inside clusters. A pattern's `*` may stand anywhere (Azure's syntax,
 * lib/access/wildcard.ts): one whose literal head is under the Kubernetes prefix, or a prefix of it followed by
 * a wildcard (`*`, `*\/read`, `Microsoft.ContainerService/*`), can match a Kubernetes data action. A block
 * whose notDataActions take away the whole prefix (`Microsoft.ContainerService/*`) gives none.
 */
function grantsKubernetesData(role: RoleDefinition): boolean {
  const reaches = (pattern: string) => {
    const lower = pattern.toLowerCase();
    const head = lower.split("*")[0];
    return (
      head.startsWith(KUBERNETES_DATA_ACTIONS) ||
      (lower.includes("*") && KUBERNETES_DATA_ACTIONS.startsWith(head))
    );
  };
  const removesAll = (pattern: string) => {
    const lower = pattern.toLowerCase();
    return lower.indexOf("*") === lower.length - 1 && KUBERNETES_DATA_ACTIONS.startsWith(lower.slice(0, -1));
  };
  return role.permissions.some(
    (block) => block.dataActions.some(reaches) && !block.notDataActions.some(removesAll),
  );
}

/**
 * One note per (reason, role, scope, group, can undo), naming every cluster it applies to. A cluster-scoped
 * namespace assignment (`…/namespaces/x`) covers no other cluster and is judged like the cluster's own.
 */
export function clusterDifferences(
  clusters: readonly DifferenceCluster[],
  assignments: readonly DifferenceAssignment[],
  subscriptionsOfGroup: (group: string) => ReadonlySet<string> = () => new Set(),
): ClusterDifference[] {
  const notes = new Map<string, ClusterDifference>();
  // each assignment's scope and what its role allows, worked out once, not once per cluster
  const judged = assignments.map((assignment) => {
    const namespaceOf = /^(.*)\/namespaces\/[^/]+$/.exec(assignment.scope.toLowerCase());
    const namespaceCluster = namespaceOf ? namespaceOf[1] : null;
    const covers = namespaceCluster === null ? scopeMatcher(assignment.scope, subscriptionsOfGroup) : null;
    return {
      assignment,
      covers: (cluster: DifferenceCluster) =>
        covers ? covers(cluster) : namespaceCluster === cluster.id.toLowerCase(),
      writesCluster: roleAllows(assignment.role, "control", AKS_ACTIONS.writeCluster),
      listsAdminCredential: roleAllows(assignment.role, "control", AKS_ACTIONS.listAdminCredential),
      listsUserCredential: roleAllows(assignment.role, "control", AKS_ACTIONS.listUserCredential),
      kubernetesData: grantsKubernetesData(assignment.role),
    };
  });
  for (const cluster of clusters) {
    const held = judged.filter((entry) => entry.covers(cluster));
    if (held.length === 0) continue;
    const canUndo = held.some((entry) => entry.writesCluster);
    for (const { assignment, listsAdminCredential, listsUserCredential, kubernetesData } of held) {
      const reasons: { reason: DifferenceReason; gives: ClusterDifference["gives"] }[] = [];
      if (cluster.localAccountsDisabled && listsAdminCredential) {
        reasons.push({
          reason: "local-accounts-disabled",
          gives: listsUserCredential ? "credentials-only" : "nothing",
        });
      }
      if (!(cluster.entraMode === "managed" && cluster.azureRbac) && kubernetesData) {
        reasons.push({ reason: "azure-rbac-off", gives: "nothing" });
      }
      for (const { reason, gives } of reasons) {
        // Re-enabling Azure RBAC needs the same managedClusters/write as re-enabling local accounts.
        const key = [
          reason,
          assignment.role.guid,
          assignment.scope,
          assignment.via ?? "",
          gives,
          canUndo,
        ].join("|");
        const note = notes.get(key) ?? {
          reason,
          role: assignment.role.roleName,
          scope: assignment.scope,
          via: assignment.via,
          gives,
          canUndo,
          clusters: [],
        };
        note.clusters.push({ id: cluster.id, name: cluster.name });
        notes.set(key, note);
      }
    }
  }
  return [...notes.values()]
    .map((note) => ({ ...note, clusters: note.clusters.sort((a, b) => a.name.localeCompare(b.name)) }))
    .sort(
      (a, b) =>
        a.clusters[0].name.localeCompare(b.clusters[0].name) ||
        a.reason.localeCompare(b.reason) ||
        a.role.localeCompare(b.role),
    );
}

/** The note in words, without the cluster names (the page puts them first). */
export function differenceSentence(note: ClusterDifference, who: string, where: string): string {
  const through = note.via ? ` through ${note.via}` : "";
  const role = `${note.role} (on ${where}${through})`;
  if (note.reason === "local-accounts-disabled") {
    const gives =
      note.gives === "credentials-only"
        ? `gives credentials only — a kubeconfig with no rights of its own, not cluster-admin`
        : "gives no kubeconfig at all";
    const undo = note.canUndo
      ? ` — but ${who} can re-enable them (managedClusters/write), and so become cluster-admin`
      : "";
    return `local accounts are disabled, so ${role} ${gives}${undo}.`;
  }
  const undo = note.canUndo ? ` — but ${who} can turn it on (managedClusters/write)` : "";
  return `Azure RBAC for Kubernetes is off, so ${role} grants nothing inside the cluster${undo}.`;
}
