import Link from "next/link";
import { EscalationBlock, GrantBlock } from "@/components/access/grant-block";
import { ROUTE_LABEL } from "@/components/access/labels";
import { KindTag, LevelBadge } from "@/components/ui/badges";
import { principalHref } from "@/lib/queries/cluster-slug";
import type { ClusterAccessPrincipal } from "@/lib/queries/get-cluster-access";
import { pathKey } from "@/lib/queries/stored-records";

// Every principal with access to a cluster, one disclosure each (native <details>: keyboard and
// screen-reader friendly without script). Expanding a principal shows each grant's path step by step.

function distinctLevels(entry: ClusterAccessPrincipal) {
  const seen = new Set<string>();
  return entry.grants.filter((grant) => {
    const key = `${grant.level}|${grant.namespace ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function AccessList({
  principals,
  clusterName,
}: {
  principals: ClusterAccessPrincipal[];
  clusterName: string;
}) {
  return (
    <ul className="divide-y divide-slate-100 rounded border border-slate-200">
      {principals.map((entry) => {
        const routes = [...new Set(entry.grants.map((grant) => ROUTE_LABEL[grant.route]))];
        return (
          <li key={entry.principal.id}>
            <details className="group">
              <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-600 [&::-webkit-details-marker]:hidden">
                <span aria-hidden="true" className="text-slate-500 transition-transform group-open:rotate-90">
                  ▸
                </span>
                <span className="font-medium">{entry.principal.displayName}</span>
                <KindTag kind={entry.principal.kind} />
                <span className="flex flex-wrap gap-1">
                  {distinctLevels(entry).map((grant) => (
                    <LevelBadge
                      key={`${grant.level}|${grant.namespace}`}
                      level={grant.level}
                      namespace={grant.namespace}
                    />
                  ))}
                  {entry.grants.length === 0 ? (
                    <span className="text-xs text-slate-600">no current access</span>
                  ) : null}
                </span>
                <span className="text-xs text-slate-600">{routes.join(", ")}</span>
                {entry.escalations.length > 0 ? (
                  <span className="rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-900">
                    {entry.escalations.length} escalation{entry.escalations.length === 1 ? "" : "s"}
                  </span>
                ) : null}
              </summary>
              <div className="space-y-2 border-t border-slate-100 bg-slate-50/60 px-4 py-3">
                <p className="text-sm">
                  <Link href={principalHref(entry.principal.id)} className="text-brand-700 underline">
                    Everything {entry.principal.displayName} can do
                  </Link>
                </p>
                {entry.grants.map((grant) => (
                  <GrantBlock
                    key={`${grant.level}|${grant.namespace}|${grant.route}|${pathKey(grant.path)}`}
                    grant={grant}
                    who={entry.principal.displayName}
                    where={clusterName}
                  />
                ))}
                {entry.escalations.map((escalation) => (
                  <EscalationBlock
                    key={`${escalation.to}|${escalation.route}|${pathKey(escalation.path)}`}
                    escalation={escalation}
                    who={entry.principal.displayName}
                    where={clusterName}
                  />
                ))}
              </div>
            </details>
          </li>
        );
      })}
    </ul>
  );
}
