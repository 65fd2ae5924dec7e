"use client";

import Link from "next/link";
import { reachChipsBeyond } from "@/components/access/can-become";
import { EligibleBadge } from "@/components/access/path-steps";
import { PrincipalAccessDetails } from "@/components/access/principal-access-details";
import { ReachChip } from "@/components/access/reach-chip";
import { KindTag, LevelBadge } from "@/components/ui/badges";
import { ROUTE_LABEL } from "@/lib/access/labels";
import type { AccessSummaryEntry } from "@/lib/queries/get-cluster-access-summary";

// Every principal with access to a cluster, one disclosure each (native <details>: keyboard and
// screen-reader friendly). The summary says who, how much and by which route; expanding a principal
// shows each grant's path step by step.
//
// A client component, given the rows as data: rendered on the server, the rows travelled as elements, and
// React's RSC encoder defers every element past the first ~3,200 characters of a payload row to a row of
// its own (`deferTask`, react-server-dom), which server rendering then waits for as a segment streamed
// apart — one per access row on a busy cluster (6,048 of them with "Show all"). As data they are one row.
// The "25 of 6,048 shown" line below the list is drawn here too, from `more`: as the page's own element
// after the list's row it was the last segment a busy cluster page streamed apart.

function distinctLevels(entry: AccessSummaryEntry) {
  const seen = new Set<string>();
  return entry.grants.filter((grant) => {
    const key = `${grant.level}|${grant.namespace ?? ""}|${grant.eligible}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function AccessList({
  principals,
  clusterName,
  clusterSlug,
  scanId,
  more,
}: {
  principals: AccessSummaryEntry[];
  clusterName: string;
  clusterSlug: string;
  scanId: string;
  /** the list is cut: how many there are in all, and the page that lists them all */
  more?: { total: number; href: string };
}) {
  return (
    <>
      <AccessRows
        principals={principals}
        clusterName={clusterName}
        clusterSlug={clusterSlug}
        scanId={scanId}
      />
      {more && more.total > principals.length ? (
        <p className="mt-3 text-sm">
          {principals.length.toLocaleString("en-GB")} of {more.total.toLocaleString("en-GB")} shown.{" "}
          <Link className="link" href={more.href}>
            Show all {more.total.toLocaleString("en-GB")}
          </Link>
        </p>
      ) : null}
    </>
  );
}

function AccessRows({
  principals,
  clusterName,
  clusterSlug,
  scanId,
}: {
  principals: AccessSummaryEntry[];
  clusterName: string;
  clusterSlug: string;
  scanId: string;
}) {
  return (
    <ul className="divide-y divide-slate-100 rounded border border-slate-200">
      {principals.map((entry) => {
        const routes = [...new Set(entry.grants.map((grant) => ROUTE_LABEL[grant.route]))];
        // what it can become beyond what it holds; cluster-write alone (scans before attack paths) as one hop
        const chips = reachChipsBeyond(entry);
        const oneStep = entry.escalations - entry.reaches.length;
        return (
          <li key={entry.principal.id}>
            <PrincipalAccessDetails
              clusterSlug={clusterSlug}
              clusterName={clusterName}
              principal={entry.principal}
              scanId={scanId}
              summary={
                <>
                  <span className="font-medium">{entry.principal.displayName}</span>
                  <KindTag kind={entry.principal.kind} />
                  <span className="flex flex-wrap gap-1">
                    {distinctLevels(entry).map((grant) => {
                      const key = `${grant.level}|${grant.namespace}|${grant.eligible}`;
                      // a wrapper only to keep "eligible" beside its level: a busy cluster page lists hundreds of levels
                      return grant.eligible ? (
                        <span key={key} className="inline-flex items-center">
                          <LevelBadge level={grant.level} namespace={grant.namespace} />
                          <EligibleBadge />
                        </span>
                      ) : (
                        <LevelBadge key={key} level={grant.level} namespace={grant.namespace} />
                      );
                    })}
                    {entry.grants.length === 0 ? (
                      <span className="text-xs text-slate-600">no current access</span>
                    ) : null}
                  </span>
                  <span className="text-xs text-slate-600">{routes.join(", ")}</span>
                  {chips.map((chip) => (
                    <ReachChip
                      key={`${chip.text}|${chip.conditional}`}
                      text={chip.text}
                      conditional={chip.conditional}
                    />
                  ))}
                  {oneStep > 0 ? (
                    <span className="rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-900">
                      {oneStep} one-step escalation{oneStep === 1 ? "" : "s"}
                    </span>
                  ) : null}
                </>
              }
            />
          </li>
        );
      })}
    </ul>
  );
}
