"use client";

import Link from "next/link";
import { Fragment } from "react";
import {
  type CardFinding,
  FindingCard,
  type FindingHeadline,
  FindingSummary,
} from "@/components/findings/finding-card";
import { FindingOnDemand } from "@/components/findings/finding-on-demand";
import { FindingStatusBadge } from "@/components/ui/badges";

// The cluster page's findings: the first failing ones with their bodies in place, the cards whose evidence
// loads when opened, and the passing and not-assessed findings a line each. Client components given them as
// data, as the access list is (components/access/access-list.tsx says why: as server-rendered elements, each
// card past the payload row's first ~3,200 characters was streamed as a segment of its own).

/** A failing finding with its body in place: the finding cut to what its card shows (cardFinding). */
export type FindingInPlace = CardFinding & {
  /** the findings page at this finding's rule (where its paths are, when they are not in place) */
  ruleHref: string;
  /** findings of the same rule not listed after this one */
  moreOfRule: number;
};

export function FindingsInPlace({ cards }: { cards: readonly FindingInPlace[] }) {
  return cards.map((card, index) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: a list in a fixed order that never reorders
    <Fragment key={index}>
      <FindingCard
        finding={card.finding}
        showCluster={false}
        pathsElsewhere={card.pathsInPlace ? undefined : card.ruleHref}
        objectCount={card.objectCount}
        pathCount={card.pathCount}
      />
      <MoreOfRule count={card.moreOfRule} failing={card.finding.status === "fail"} href={card.ruleHref} />
    </Fragment>
  ));
}

/** A card whose body loads when opened: what its summary shows, and where its evidence is. */
export type FindingOnDemandLine = {
  headline: FindingHeadline;
  ruleId: string;
  /** what the finding is about (lib/findings/records.ts, findingSubject) */
  subject: string;
  /** the findings page at this finding's rule */
  ruleHref: string;
  /** findings of the same rule not listed after this one */
  moreOfRule: number;
};

export function MoreOfRule({ count, failing, href }: { count: number; failing: boolean; href: string }) {
  return count > 0 ? (
    <p className="pl-3 text-sm">
      <Link className="link" href={href}>
        {count} more {failing ? "failing " : ""}
        {count === 1 ? "finding" : "findings"} of this rule
      </Link>{" "}
      on the findings page.
    </p>
  ) : null;
}

export function FindingsOnDemand({
  lines,
  clusterSlug,
  scanId,
}: {
  lines: readonly FindingOnDemandLine[];
  clusterSlug: string;
  scanId: string;
}) {
  return lines.map((line, index) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: a list in a fixed order that never reorders
    <Fragment key={index}>
      <FindingOnDemand
        summary={<FindingSummary finding={line.headline} showCluster={false} />}
        clusterSlug={clusterSlug}
        scanId={scanId}
        ruleId={line.ruleId}
        subject={line.subject}
        findingsHref={line.ruleHref}
      />
      <MoreOfRule count={line.moreOfRule} failing={line.headline.status === "fail"} href={line.ruleHref} />
    </Fragment>
  ));
}

/** A passing or not-assessed finding, one line: its title links to its rule's findings on the findings page. */
export type FindingLine = {
  status: FindingHeadline["status"];
  title: string;
  summary: string;
  ruleHref: string;
  moreOfRule: number;
};

export function FindingLines({ lines }: { lines: readonly FindingLine[] }) {
  return (
    <ul className="mt-2 space-y-2 text-sm">
      {lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a list in a fixed order that never reorders
        <li key={index} className="flex flex-wrap items-baseline gap-x-2">
          <FindingStatusBadge status={line.status} />
          <Link className="link" href={line.ruleHref}>
            {line.title}
          </Link>
          <span className="text-slate-700 wrap-anywhere">
            {line.summary}
            {line.moreOfRule > 0 ? ` (and ${line.moreOfRule} more of this rule)` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
