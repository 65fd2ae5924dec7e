import Link from "next/link";
import { EligibleBadge } from "@/components/access/path-steps";
import { ReachChip } from "@/components/access/reach-chip";
import { KindTag } from "@/components/ui/badges";
import { plural } from "@/components/ui/format";
import { Section } from "@/components/ui/layout";
import { TableScroll } from "@/components/ui/table-scroll";
import { ELIGIBLE_EXPLANATION, hopsText, ROUTE_LABEL } from "@/lib/access/labels";
import { accessRouteSchema } from "@/lib/access/types";
import { principalHref } from "@/lib/queries/cluster-slug";
import type { WhoCanBeClusterAdmin } from "@/lib/queries/who-can-be-cluster-admin";

// "Who can be cluster-admin": the overview names people, not only counts (issue 16 #10). Each principal
// once, with how: standing (and by which routes), eligible through PIM, and can become (fewest hops).

function routeWords(routes: readonly string[]): string {
  return routes
    .map((route) => {
      const parsed = accessRouteSchema.safeParse(route);
      return parsed.success ? ROUTE_LABEL[parsed.data] : route;
    })
    .join(", ");
}

/** "3 clusters, shortest 1 hop" */
function becomeText(candidate: { canBecome: number; fewestHops: number | null }): string {
  const hops = candidate.fewestHops === null ? "" : `, shortest ${hopsText(candidate.fewestHops)}`;
  return `${plural(candidate.canBecome, "cluster")}${hops}`;
}

export function WhoCanBeClusterAdminSection({
  who,
  clusterTotal,
  listHref,
}: {
  who: WhoCanBeClusterAdmin;
  clusterTotal: number;
  /** the full list of holders (the headline card's link) */
  listHref: string;
}) {
  return (
    <Section
      id="who"
      title="Who can be cluster-admin"
      description={
        who.total === 0
          ? undefined
          : `${plural(who.standing, "principal")} hold it, ${who.eligibleOnly} more only through PIM${who.eligible > who.eligibleOnly ? ` (${who.eligible} eligible in all)` : ""}, ${who.canBecome} can make themselves cluster-admin (${who.onlyCanBecome} of them hold it nowhere). Widest reach first.`
      }
    >
      {who.total === 0 ? (
        <p className="text-sm text-slate-600">Nobody can be cluster-admin in this scan.</p>
      ) : (
        <>
          {/* a phone: one stacked entry per principal, so "can become" is never off-screen */}
          <ul className="divide-y divide-slate-100 sm:hidden">
            {who.top.map((candidate) => (
              <li key={candidate.id} className="space-y-0.5 py-2 text-sm">
                <p className="flex flex-wrap items-center gap-1.5 font-medium">
                  <Link className="link" href={principalHref(candidate.id)}>
                    {candidate.displayName}
                  </Link>
                  <KindTag kind={candidate.kind} />
                  <span className="ml-auto text-xs font-normal text-slate-600">
                    {candidate.clusters} of {clusterTotal} clusters
                  </span>
                </p>
                {candidate.standing > 0 ? (
                  <p>
                    Is cluster-admin on {plural(candidate.standing, "cluster")}{" "}
                    <span className="text-xs text-slate-600">via {routeWords(candidate.routes)}</span>
                  </p>
                ) : null}
                {candidate.eligible > 0 ? (
                  <p>
                    Eligible on {plural(candidate.eligible, "cluster")} <EligibleBadge />
                  </p>
                ) : null}
                {candidate.canBecome > 0 ? (
                  <p>
                    <ReachChip text={`can become it on ${becomeText(candidate)}`} />
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
          <div className="hidden sm:block">
            <TableScroll label="Principals who can be cluster-admin">
              <table className="w-full min-w-[40rem] text-left text-sm">
                <thead className="border-b border-slate-200 text-slate-700">
                  <tr>
                    <th scope="col" className="py-1.5 pr-3 font-medium">
                      Principal
                    </th>
                    <th scope="col" className="py-1.5 pr-3 font-medium">
                      Is cluster-admin
                    </th>
                    <th scope="col" className="py-1.5 pr-3 font-medium">
                      Eligible (PIM)
                    </th>
                    <th scope="col" className="py-1.5 pr-3 font-medium">
                      Can become
                    </th>
                    <th scope="col" className="py-1.5 text-right font-medium">
                      Clusters reached
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {who.top.map((candidate) => (
                    <tr key={candidate.id}>
                      <th scope="row" className="py-1.5 pr-3 font-medium">
                        <span className="flex flex-wrap items-center gap-1.5">
                          <Link className="link" href={principalHref(candidate.id)}>
                            {candidate.displayName}
                          </Link>
                          <KindTag kind={candidate.kind} />
                        </span>
                      </th>
                      <td className="py-1.5 pr-3">
                        {candidate.standing > 0 ? (
                          <>
                            on {plural(candidate.standing, "cluster")}
                            <span className="block text-xs text-slate-600">
                              via {routeWords(candidate.routes)}
                            </span>
                          </>
                        ) : (
                          <span className="text-slate-600">nowhere</span>
                        )}
                      </td>
                      <td className="py-1.5 pr-3" title={ELIGIBLE_EXPLANATION}>
                        {candidate.eligible > 0 ? (
                          <span className="inline-flex flex-wrap items-center gap-1">
                            on {plural(candidate.eligible, "cluster")} <EligibleBadge />
                          </span>
                        ) : (
                          <span className="text-slate-600">–</span>
                        )}
                      </td>
                      <td className="py-1.5 pr-3">
                        {candidate.canBecome > 0 ? (
                          <ReachChip text={`on ${becomeText(candidate)}`} />
                        ) : (
                          <span className="text-slate-600">–</span>
                        )}
                      </td>
                      <td className="py-1.5 text-right tabular-nums">
                        {candidate.clusters} of {clusterTotal}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </div>
          <p className="mt-2 text-sm">
            {who.top.length < who.total ? `${who.top.length} of ${who.total} shown. ` : null}
            <Link className="link" href={listHref}>
              Every principal with cluster-admin
            </Link>
          </p>
        </>
      )}
    </Section>
  );
}
