import Link from "next/link";
import { AssignmentsByScope } from "@/components/cluster/assignment-list";
import { Fact, SubHeading } from "@/components/cluster/fact";
import { IdentityBlock } from "@/components/cluster/identity-block";
import { KindTag, PostureFlag } from "@/components/ui/badges";
import type { ClusterDetail } from "@/lib/queries/cluster-detail";
import { principalHref } from "@/lib/queries/cluster-slug";

const ENTRA_TEXT = { managed: "managed", legacy: "legacy (deprecated)", none: "not integrated" } as const;

export function ControlPlane({ detail }: { detail: ClusterDetail }) {
  const plane = detail.controlPlane;
  return (
    <div>
      <dl className="divide-y divide-slate-100">
        <Fact label="Entra ID integration">
          <PostureFlag
            value={plane.entraMode === "managed"}
            good
            yes={ENTRA_TEXT.managed}
            no={ENTRA_TEXT[plane.entraMode]}
          />
        </Fact>
        <Fact label="Kubernetes authorization">
          {plane.azureRbac
            ? "Azure RBAC for Kubernetes"
            : plane.kubernetesRbac
              ? "Kubernetes RBAC only"
              : "no RBAC"}
        </Fact>
        <Fact label="Local accounts">
          <PostureFlag value={plane.localAccountsDisabled} good yes="disabled" no="enabled" />
        </Fact>
        <Fact label="Run command">
          <PostureFlag value={plane.runCommandDisabled} good yes="disabled" no="enabled" />
        </Fact>
      </dl>
      {!plane.localAccountsDisabled ? (
        <p className="mt-2 rounded border border-red-200 bg-red-50 p-2 text-sm text-red-900">
          With local accounts enabled, anyone allowed <code>listClusterAdminCredential</code> (Owner,
          Contributor, AKS Cluster Admin, any role with <code>*</code>, on the cluster or above) gets a{" "}
          <code>system:masters</code> kubeconfig: cluster-admin outside Entra ID and Kubernetes RBAC.
        </p>
      ) : null}

      <SubHeading>Admin groups</SubHeading>
      {plane.adminGroups.length === 0 ? (
        <p className="text-sm text-slate-600">No Entra group is listed as cluster admin.</p>
      ) : (
        <ul className="space-y-2">
          {plane.adminGroups.map((group) => (
            <li key={group.id} className="text-sm">
              <Link href={principalHref(group.id)} className="font-medium link">
                {group.displayName}
              </Link>
              {!group.found ? (
                <span className="ml-1 text-xs text-red-800">(not found in the directory)</span>
              ) : null}
              <span className="text-slate-600"> → cluster-admin</span>
              {group.members.length > 0 ? (
                <ul className="mt-1 flex flex-wrap gap-1.5 pl-3">
                  {group.members.map((member) => (
                    <li key={member.id}>
                      <Link href={principalHref(member.id)} className="link">
                        {member.displayName}
                      </Link>{" "}
                      <KindTag kind={member.kind} />
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="text-slate-600"> (no members)</span>
              )}
            </li>
          ))}
        </ul>
      )}

      <SubHeading>Control-plane identity</SubHeading>
      <IdentityBlock view={plane.identity} detail={detail.cluster.controlPlaneIdentity.type} />

      <SubHeading>Azure roles on this cluster</SubHeading>
      <AssignmentsByScope assignments={plane.roleAssignments} />
    </div>
  );
}
