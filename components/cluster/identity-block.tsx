import Link from "next/link";
import { AssignmentList } from "@/components/cluster/assignment-list";
import type { IdentityView } from "@/lib/queries/cluster-detail";

/** A managed identity a cluster uses, with the Azure roles it holds (what it may touch). */
export function IdentityBlock({ view, detail }: { view: IdentityView; detail?: string }) {
  const name = view.identity?.name ?? (view.principalId ? "system-assigned identity" : null);
  if (!name)
    return <p className="text-sm text-slate-600">No managed identity{detail ? ` (${detail})` : ""}.</p>;
  return (
    <div className="space-y-1.5 text-sm">
      <div>
        {view.identity ? (
          <Link href={`/identities?q=${encodeURIComponent(view.identity.name)}`} className="font-medium link">
            {name}
          </Link>
        ) : (
          <span className="font-medium">{name}</span>
        )}
        {detail ? <span className="text-slate-600"> · {detail}</span> : null}
        {view.identity ? (
          <div className="break-all text-xs text-slate-600">client id {view.identity.clientId}</div>
        ) : null}
        {!view.identity && view.principalId ? (
          <div className="break-all text-xs text-slate-600">object id {view.principalId}</div>
        ) : null}
      </div>
      <AssignmentList assignments={view.assignments} showPrincipal={false} empty="Holds no Azure role." />
    </div>
  );
}
