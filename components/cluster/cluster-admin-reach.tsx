"use client";

import Link from "next/link";
import {
  type BecomeClusterAdmin,
  OPEN_PATHS,
  type Reach,
  reachChipText,
} from "@/components/access/can-become";
import { PathSteps } from "@/components/access/path-steps";
import { PrincipalAccessDetails } from "@/components/access/principal-access-details";
import { ReachChip } from "@/components/access/reach-chip";
import { KindTag } from "@/components/ui/badges";
import { Section } from "@/components/ui/layout";
import { hopsText, ROUTE_LABEL } from "@/lib/access/labels";
import type { AccessPrincipal, AccessRoute, PathStep } from "@/lib/access/types";
import { principalHref } from "@/lib/queries/cluster-slug";

// "Is cluster-admin" beside "Can become cluster-admin": a cluster where nobody holds cluster-admin
// but three principals can make themselves it in one hop is not clean, and must not look it.
// A client component given data, as the access list is (components/access/access-list.tsx says why).

export type Holder = { principal: AccessPrincipal; routes: AccessRoute[] };
export type Becomer = {
  principal: AccessPrincipal;
  become: BecomeClusterAdmin;
  /**
   * the shortest path (null: not stored with the scan); undefined: not read with the page, the disclosure
   * loads the principal's paths on this cluster when opened
   */
  path?: readonly PathStep[] | null;
  /**
   * the route listed beside the shortest when that one needs a PIM activation or a condition, and its path
   * (read like `path`)
   */
  beside?: { reach: Reach; path?: readonly PathStep[] | null };
};

function PrincipalName({ principal }: { principal: AccessPrincipal }) {
  return (
    <>
      <Link href={principalHref(principal.id)} className="font-medium link">
        {principal.displayName}
      </Link>
      <KindTag kind={principal.kind} />
    </>
  );
}

/** A becomer's line: name, kind and how many hops to cluster-admin (no link: it heads a disclosure). */
function BecomerHeading({ becomer }: { becomer: Becomer }) {
  return (
    <>
      <span className="font-medium">{becomer.principal.displayName}</span>
      <KindTag kind={becomer.principal.kind} />
      <ReachChip
        text={reachChipText({
          level: "cluster-admin",
          hops: becomer.become.hops,
          namespace: null,
          conditional: becomer.become.conditional,
        })}
        conditional={becomer.become.conditional}
      />
      {becomer.beside ? (
        <ReachChip
          text={reachChipText(becomer.beside.reach)}
          conditional={becomer.beside.reach.conditional}
        />
      ) : null}
    </>
  );
}

export function ClusterAdminReach({
  clusterName,
  clusterSlug,
  scanId,
  holders,
  holdersTotal,
  becomers,
  becomersTotal,
}: {
  clusterName: string;
  /** to load a becomer's paths on open (GET /api/clusters/:slug/access?principal=&scan=) */
  clusterSlug: string;
  scanId: string;
  holders: Holder[];
  holdersTotal: number;
  becomers: Becomer[];
  becomersTotal: number;
}) {
  const more = (shown: number, total: number) =>
    total > shown ? (
      <p className="mt-2 text-sm text-slate-600">
        {total - shown} more in{" "}
        {/* the whole list: its first page may not reach them (holders first, 25 shown) */}
        <Link className="link" href={`/clusters/${clusterSlug}?access=all#access-heading`}>
          the access list
        </Link>
        .
      </p>
    ) : null;
  return (
    <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-2">
      <Section
        id="is-cluster-admin"
        title="Is cluster-admin"
        description={`${holdersTotal} ${holdersTotal === 1 ? "principal holds" : "principals hold"} cluster-admin on ${clusterName} today.`}
      >
        {holders.length === 0 ? (
          <p className="text-sm text-slate-600">Nobody holds cluster-admin in this scan.</p>
        ) : (
          <ul className="space-y-1.5 text-sm">
            {holders.map((holder) => (
              <li key={holder.principal.id} className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <PrincipalName principal={holder.principal} />
                <span className="text-xs text-slate-600">
                  {holder.routes.map((route) => ROUTE_LABEL[route]).join(", ")}
                </span>
              </li>
            ))}
          </ul>
        )}
        {more(holders.length, holdersTotal)}
      </Section>
      <Section
        id="can-become-cluster-admin"
        title="Can become cluster-admin"
        description={
          becomersTotal === 0
            ? "Nobody else can make themselves cluster-admin within the hops searched."
            : `${becomersTotal} ${becomersTotal === 1 ? "principal does" : "principals do"} not hold cluster-admin but can make ${becomersTotal === 1 ? "itself" : "themselves"} it, fewest hops first.`
        }
      >
        {becomers.length === 0 ? (
          <p className="text-sm text-slate-600">No attack path to cluster-admin in this scan.</p>
        ) : (
          <ul className="space-y-2">
            {becomers.map((becomer, index) => (
              <li key={becomer.principal.id} className="rounded border border-red-200">
                {becomer.path === undefined ? (
                  <PrincipalAccessDetails
                    clusterSlug={clusterSlug}
                    clusterName={clusterName}
                    principal={becomer.principal}
                    scanId={scanId}
                    summaryClassName="text-sm hover:bg-red-50/50"
                    summary={<BecomerHeading becomer={becomer} />}
                  />
                ) : (
                  <details open={index < OPEN_PATHS} className="group">
                    <summary className="disclosure disclosure-marker flex flex-wrap items-center gap-x-2 gap-y-1 px-3 py-2 text-sm hover:bg-red-50/50">
                      {/* No link inside a summary: a control inside a control is unreachable to
                        assistive technology (axe nested-interactive); the link opens the details. */}
                      <BecomerHeading becomer={becomer} />
                    </summary>
                    <div className="border-t border-red-100 px-3 py-2">
                      <p className="mb-2 text-sm">
                        <Link href={principalHref(becomer.principal.id)} className="link">
                          Everything {becomer.principal.displayName} can do
                        </Link>
                      </p>
                      {becomer.path ? (
                        <PathSteps
                          path={becomer.path}
                          label={`How ${becomer.principal.displayName} could become cluster-admin on ${clusterName}`}
                        />
                      ) : (
                        <p className="text-sm text-slate-600">The path was not stored with this scan.</p>
                      )}
                      {becomer.beside?.path ? (
                        <>
                          <p className="mt-3 mb-2 text-sm">
                            Without the activation or condition that path needs
                            {becomer.beside.reach.hops === null
                              ? ""
                              : `, in ${hopsText(becomer.beside.reach.hops)}`}
                            :
                          </p>
                          <PathSteps
                            path={becomer.beside.path}
                            label={`How ${becomer.principal.displayName} could become cluster-admin on ${clusterName} without an activation or condition`}
                          />
                        </>
                      ) : null}
                    </div>
                  </details>
                )}
              </li>
            ))}
          </ul>
        )}
        {more(becomers.length, becomersTotal)}
      </Section>
    </div>
  );
}
