import type { PrincipalAccess } from "@/lib/access/types";
import { CONTROLS } from "@/lib/findings/controls";
import {
  completeKubernetes,
  type FindingRule,
  failuresOrVerdict,
  findingFor,
  findingsPerCluster,
} from "@/lib/findings/rule";
import type { Finding, Severity } from "@/lib/findings/types";

/** A directory group at least this large is "broad": cluster-admin for it is cluster-admin for a crowd. */
export const BROAD_GROUP_MEMBERS = 25;

const ANONYMOUS_OR_EVERYONE = new Set([
  "k8s-group:system:authenticated",
  "k8s-group:system:unauthenticated",
  "k8s-user:system:anonymous",
]);

export const clusterAdminBroadSubject: FindingRule = {
  id: "cluster-admin-broad-subject",
  title: "cluster-admin is granted to a broad subject",
  severity: "critical",
  controls: [CONTROLS.cisAksClusterAdmin, CONTROLS.cisK8sClusterAdmin, CONTROLS.policyClusterAdminRole],
  evaluate(ctx) {
    const { model, index, access } = ctx;
    // On an Entra-integrated cluster `system:authenticated` is every account of the tenant (resolveSubject):
    // how many the scan knows is the size of the crowd.
    const accounts = index.membersOfGroup.get(index.entraSignInGroup.id)?.length ?? 0;
    const broadness = (
      entry: PrincipalAccess,
      signsIn: boolean,
    ): { severity: Severity; why: string } | null => {
      const { id, kind } = entry.principal;
      if (id === "k8s-group:system:authenticated" && signsIn)
        return {
          severity: "critical",
          why: `every account of the tenant that signs in with Entra ID — every user, guest, service principal and managed identity (${accounts} known to the scan) — besides certificates and service accounts`,
        };
      if (ANONYMOUS_OR_EVERYONE.has(id))
        return { severity: "critical", why: "every caller that can authenticate (or none at all)" };
      if (id.startsWith("k8s-group:system:serviceaccounts"))
        return { severity: "critical", why: "every service account it covers" };
      if (kind === "ServiceAccount")
        return {
          severity: "high",
          why: "a service account: any pod running as it, or anyone who can read its token",
        };
      if (kind === "Group") {
        const members = index.membersOfGroup.get(id)?.length ?? 0;
        if (members >= BROAD_GROUP_MEMBERS) return { severity: "high", why: `a group of ${members} members` };
      }
      return null;
    };
    return findingsPerCluster(
      this,
      ctx,
      () => ({
        summary:
          "Bind cluster-admin only to the AKS admin group; give everyone else namespace-scoped roles (admin, edit, view).",
        kubectl:
          "kubectl get clusterrolebindings -o wide | grep cluster-admin\nkubectl delete clusterrolebinding <binding>",
      }),
      (cluster, remediation) => {
        const findings: Finding[] = [];
        const principals = access.get(cluster.id)?.principals ?? [];
        const signsIn = principals.some((entry) => entry.principal.id === index.entraSignInGroup.id);
        for (const entry of principals) {
          const grants = entry.grants.filter(
            (grant) =>
              grant.level === "cluster-admin" &&
              (grant.route === "kubernetes-rbac" || grant.route === "azure-rbac") &&
              grant.path[1]?.kind !== "groupMembership",
          );
          if (grants.length === 0) continue;
          const broad = broadness(entry, signsIn);
          if (!broad) continue;
          findings.push(
            findingFor(this, cluster, remediation, {
              status: "fail",
              severity: broad.severity,
              summary: `${entry.principal.displayName} holds cluster-admin: that is ${broad.why}.`,
              objects: [
                {
                  kind: "principal",
                  id: entry.principal.id,
                  label: `${entry.principal.displayName} (${entry.principal.kind})`,
                },
              ],
              paths: grants.map((grant) => grant.path),
            }),
          );
        }
        return failuresOrVerdict(this, cluster, remediation, findings, {
          unread: completeKubernetes(model, cluster) ? null : "the cluster's Kubernetes API",
          pass: "cluster-admin is held by no broad group, special group or service account.",
        });
      },
    );
  },
};
