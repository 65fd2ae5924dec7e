import { SubHeading } from "@/components/cluster/fact";
import { IdentityBlock } from "@/components/cluster/identity-block";
import type { ClusterDetail } from "@/lib/queries/cluster-detail";

export function WorkerPlane({ detail }: { detail: ClusterDetail }) {
  const { kubelet, addons } = detail.workerPlane;
  return (
    <div>
      <p className="text-sm text-slate-600">
        Every pod on a node can reach these identities through the instance metadata endpoint unless blocked;
        what they may touch is what a node compromise reaches.
      </p>
      <SubHeading>Kubelet identity</SubHeading>
      <IdentityBlock view={kubelet} />
      <SubHeading>Add-on identities</SubHeading>
      {addons.length === 0 ? (
        <p className="text-sm text-slate-600">No add-on runs with its own identity.</p>
      ) : (
        <ul className="space-y-3">
          {addons.map((addon) => (
            <li key={addon.name}>
              <div className="mb-1 text-sm font-medium">
                {addon.name}
                {!addon.enabled ? <span className="font-normal text-slate-600"> (disabled)</span> : null}
              </div>
              <IdentityBlock view={addon} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
