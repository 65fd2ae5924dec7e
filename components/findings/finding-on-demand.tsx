"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { z } from "zod";
import {
  FINDING_BODY_CLASS,
  FINDING_CARD_CLASS,
  FINDING_SUMMARY_CLASS,
  FindingBody,
} from "@/components/findings/finding-card";
import { fetchParsed, useLoadOnOpen } from "@/components/ui/use-load-on-open";
import { findingSchema } from "@/lib/findings/types";

// A finding's card whose evidence, remediation and controls load when it is opened
// (GET /api/clusters/:id/findings?rule=&subject=&scan=). The summary comes rendered from the server. A busy
// cluster's page listed 38 findings, each body a few kilobytes twice over (HTML and RSC payload) and most of
// the page; the first few keep their bodies in place (the page without them would say less than before).

const answerSchema = z.object({ findings: z.array(findingSchema) });

export function FindingOnDemand({
  summary,
  clusterSlug,
  scanId,
  ruleId,
  subject,
  findingsHref,
}: {
  summary: ReactNode;
  clusterSlug: string;
  scanId: string;
  ruleId: string;
  /** what the finding is about (lib/findings/records.ts, findingSubject) */
  subject: string;
  /** the findings page filtered to this cluster and rule: every finding there, each with its body */
  findingsHref: string;
}) {
  const { state, onToggle } = useLoadOnOpen(async () => {
    const query = new URLSearchParams({ rule: ruleId, subject, scan: scanId });
    const answer = await fetchParsed(
      `/api/clusters/${encodeURIComponent(clusterSlug)}/findings?${query}`,
      answerSchema,
    );
    return answer.findings[0] ?? null;
  });

  return (
    <details className={FINDING_CARD_CLASS} onToggle={onToggle}>
      <summary className={FINDING_SUMMARY_CLASS}>{summary}</summary>
      {state.kind === "loaded" && state.value ? (
        <FindingBody finding={state.value} showCluster={false} />
      ) : (
        <div className={FINDING_BODY_CLASS} aria-busy={state.kind === "loading"}>
          {state.kind === "loading" ? (
            <p role="status" className="text-slate-600">
              Loading the evidence…
            </p>
          ) : state.kind === "error" ? (
            <p role="alert" className="text-red-800">
              The evidence could not be loaded. Close and open again to retry, or see{" "}
              <Link className="link" href={findingsHref}>
                this rule's findings on the findings page
              </Link>
              .
            </p>
          ) : state.kind === "loaded" ? (
            <p className="text-slate-600">
              This finding was not found in its scan:{" "}
              <Link className="link" href={findingsHref}>
                this rule's findings on the findings page
              </Link>
              .
            </p>
          ) : (
            // before it is opened, and without JavaScript: where the evidence is
            <p className="text-slate-600">
              Evidence and remediation:{" "}
              <Link className="link" href={findingsHref}>
                this rule's findings on the findings page
              </Link>
              .
            </p>
          )}
        </div>
      )}
    </details>
  );
}
