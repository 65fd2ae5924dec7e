"use client";

import Link from "next/link";
import { EligibleBadge } from "@/components/access/path-steps";
import { ReachChips } from "@/components/access/reach-chip";
import { LevelBadge } from "@/components/ui/badges";
import { TableScroll } from "@/components/ui/table-scroll";
import type { AccessLevel } from "@/lib/access/types";

// The principal page's "Access by cluster" table: one row per cluster, strongest first. A client component
// given its rows as data, worked out by the page (principalClusterRows): as server-rendered elements, 25 rows
// were ~36 KB of the page's RSC payload — every cell's element, class name and the cluster's ARM id as the
// row's key — and the page's request costs about what it serialises.

export type PrincipalClusterRow = {
  name: string;
  href: string;
  strongestLevel: AccessLevel | null;
  /** "namespace default"; null when cluster-wide */
  strongestWhere: string | null;
  eligibleLevel: AccessLevel | null;
  eligibleWhere: string | null;
  /** why this cluster gives less than the role says ("local accounts disabled here"); null: nothing to say */
  differences: string | null;
  /** "can become cluster-admin (3 hops)" beside what is held (`reachChipsBeyond`) */
  chips: { text: string; conditional: boolean }[];
  /** "Azure RBAC, Kubernetes RBAC"; "" when none */
  routes: string;
  escalations: number;
  /** where this cluster's paths are on the page (its page of paths and anchor) */
  pathsHref: string;
};

export function PrincipalClusterTable({ rows, label }: { rows: PrincipalClusterRow[]; label: string }) {
  return (
    <TableScroll label={label}>
      <table className="w-full min-w-[36rem] text-left text-sm">
        <thead className="border-b border-slate-200 text-slate-700">
          <tr>
            <th scope="col" className="py-1.5 pr-3 font-medium">
              Cluster
            </th>
            <th scope="col" className="py-1.5 pr-3 font-medium">
              Access
            </th>
            <th scope="col" className="py-1.5 pr-3 font-medium">
              Can become
            </th>
            <th scope="col" className="py-1.5 pr-3 font-medium">
              Routes
            </th>
            <th scope="col" className="py-1.5 pr-3 text-right font-medium">
              Escalations
            </th>
            <th scope="col" className="py-1.5 font-medium">
              <span className="sr-only">Paths</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.href}>
              <th scope="row" className="py-1.5 pr-3 font-medium">
                <Link href={row.href} className="link">
                  {row.name}
                </Link>
              </th>
              <td className="py-1.5 pr-3">
                <span className="flex flex-wrap items-center gap-1">
                  {row.strongestLevel ? (
                    <LevelBadge level={row.strongestLevel} namespace={row.strongestWhere} />
                  ) : row.eligibleLevel ? (
                    "none standing,"
                  ) : (
                    "none"
                  )}
                  {row.eligibleLevel ? (
                    <>
                      <LevelBadge level={row.eligibleLevel} namespace={row.eligibleWhere} />
                      <EligibleBadge />
                    </>
                  ) : null}
                </span>
                {row.differences ? (
                  <a href="#differences-heading" className="mt-0.5 block text-xs text-slate-700 underline">
                    {row.differences}
                  </a>
                ) : null}
              </td>
              <td className="py-1.5 pr-3">
                <ReachChips chips={row.chips} empty={<span className="text-slate-600">–</span>} />
              </td>
              <td className="py-1.5 pr-3 text-slate-700">{row.routes || "–"}</td>
              <td className="py-1.5 pr-3 text-right tabular-nums">{row.escalations}</td>
              <td className="py-1.5">
                <Link href={row.pathsHref} className="link">
                  how<span className="sr-only"> on {row.name}</span>
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
