"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { z } from "zod";
import { PathBlocks } from "@/components/access/path-blocks";
import { fetchParsed, useLoadOnOpen } from "@/components/ui/use-load-on-open";
import { principalAccessSchema } from "@/lib/access/types";
import { principalHref } from "@/lib/queries/cluster-slug";

// One principal in a cluster's access list. The summary (who, which levels, which routes) comes
// rendered from the server; the paths, which on a busy cluster would weigh megabytes for everyone,
// load when the disclosure opens (GET /api/clusters/:id/access?principal=).

const answerSchema = z.object({ principals: z.array(principalAccessSchema) });

export function PrincipalAccessDetails({
  clusterSlug,
  clusterName,
  principal,
  scanId,
  summary,
  summaryClassName = "hover:bg-slate-50",
  headingLevel = 3,
  linkToPrincipal = true,
}: {
  clusterSlug: string;
  clusterName: string;
  principal: { id: string; displayName: string };
  scanId: string;
  summary: ReactNode;
  /** the summary row's hover and text size (the can-become list's rows are red-tinted) */
  summaryClassName?: string;
  /** of the grants' and escalations' headings (4 inside the principal page's cluster blocks) */
  headingLevel?: 3 | 4;
  /** "Everything <principal> can do": not on the principal's own page */
  linkToPrincipal?: boolean;
}) {
  const { state, onToggle } = useLoadOnOpen(async () => {
    const query = new URLSearchParams({ principal: principal.id, scan: scanId });
    const answer = await fetchParsed(
      `/api/clusters/${encodeURIComponent(clusterSlug)}/access?${query}`,
      answerSchema,
    );
    return answer.principals.find((entry) => entry.principal.id === principal.id) ?? null;
  });

  return (
    <details className="group" onToggle={onToggle}>
      <summary
        className={`disclosure disclosure-marker flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 ${summaryClassName}`}
      >
        {summary}
      </summary>
      <div
        className="space-y-2 border-t border-slate-100 bg-slate-50/60 px-4 py-3"
        aria-busy={state.kind === "loading"}
      >
        {linkToPrincipal ? (
          <p className="text-sm">
            <Link href={principalHref(principal.id)} className="link">
              Everything {principal.displayName} can do
            </Link>
          </p>
        ) : null}
        {state.kind === "loading" ? (
          <p role="status" className="text-sm text-slate-600">
            Loading the paths…
          </p>
        ) : null}
        {state.kind === "error" ? (
          <p role="alert" className="text-sm text-red-800">
            The paths could not be loaded. Close and open again to retry.
          </p>
        ) : null}
        {state.kind === "loaded" && state.value ? (
          <PathBlocks
            grants={state.value.grants}
            escalations={state.value.escalations}
            headingLevel={headingLevel}
            who={principal.displayName}
            where={clusterName}
          />
        ) : null}
      </div>
    </details>
  );
}
