import Link from "next/link";
import { KindTag, SeverityBadge } from "@/components/ui/badges";
import { JsonLink } from "@/components/ui/json-link";
import { countEvents } from "@/lib/drift/compute-drift";
import { foldedSubjects } from "@/lib/drift/membership-events";
import { atLeast, SEVERITY_ORDER } from "@/lib/drift/severity";
import { categoryOf, type DriftCategory, type DriftEvent, type DriftReport } from "@/lib/drift/types";
import type { Severity } from "@/lib/findings/types";
import { FieldChanges } from "./field-changes";

// One scan's drift events, most severe first, filtered by severity (at or above) and category through the
// URL, so every view is a link. A long list is cut, with the count and the JSON API for the rest.

const SHOWN = 100;
/** changes listed inside one event; the JSON API has them all */
const FOLDED_SHOWN = 50;
const CATEGORY_LABEL: Record<DriftCategory, string> = {
  access: "Access",
  escalation: "Escalations",
  finding: "Findings",
  object: "Objects",
};

export type EventFilters = { severity: Severity; category: DriftCategory | null };

function FilterLinks({
  label,
  options,
  hrefFor,
}: {
  label: string;
  options: { key: string; text: string; count?: number; current: boolean }[];
  hrefFor: (key: string) => string;
}) {
  return (
    <nav aria-label={label} className="flex flex-wrap items-center gap-1.5 text-sm">
      <span className="mr-1 text-slate-600">{label}:</span>
      {options.map((option) => (
        <Link
          key={option.key}
          href={hrefFor(option.key)}
          aria-current={option.current ? "true" : undefined}
          className={`rounded border px-2 py-0.5 ${
            option.current
              ? "border-brand-600 bg-brand-50 font-medium text-brand-900"
              : "border-slate-200 text-slate-700 hover:border-brand-500"
          }`}
        >
          {option.text}
          {option.count !== undefined ? (
            <span className="ml-1 tabular-nums text-slate-600">{option.count}</span>
          ) : null}
        </Link>
      ))}
    </nav>
  );
}

/** The changes an event reports inside it (its group's members', or what a membership or ownership gave). */
function FoldedChanges({ event }: { event: DriftEvent }) {
  const { via, subjects } = foldedSubjects(event);
  if (subjects.length === 0) return null;
  const one = subjects.length === 1;
  const what =
    via === "members"
      ? one
        ? "member with the same change"
        : "members with the same change"
      : one
        ? "grant or escalation"
        : "grants and escalations";
  return (
    <details className="mt-2">
      <summary className="cursor-pointer text-xs text-slate-700">
        {subjects.length} {what} in this event
      </summary>
      <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs text-slate-700">
        {subjects.slice(0, FOLDED_SHOWN).map((subject) => (
          <li key={`${subject.kind} ${subject.key}`} className="break-words">
            {subject.label}
          </li>
        ))}
        {subjects.length > FOLDED_SHOWN ? (
          <li>and {subjects.length - FOLDED_SHOWN} more (the JSON API lists them all)</li>
        ) : null}
      </ul>
    </details>
  );
}

function EventItem({ event }: { event: DriftEvent }) {
  const [diffLink, ...evidence] = event.links;
  return (
    <li className="px-4 py-3">
      <div className="flex flex-wrap items-start gap-x-3 gap-y-1">
        <SeverityBadge severity={event.severity} />
        <div className="min-w-0 flex-1">
          <p className="break-words text-sm text-slate-900">{event.message}</p>
          <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600">
            <KindTag kind={event.kind} />
            {diffLink ? (
              <Link className="text-brand-700 underline" href={diffLink.href}>
                {diffLink.label}
              </Link>
            ) : null}
            {evidence.map((link) => (
              <Link key={link.href} className="text-brand-700 underline" href={link.href}>
                {link.label}
              </Link>
            ))}
          </div>
          <FoldedChanges event={event} />
          {event.changes.length > 0 ? (
            <details className="mt-2">
              <summary className="cursor-pointer text-xs text-slate-700">
                {event.changes.length} field change{event.changes.length === 1 ? "" : "s"}
              </summary>
              <div className="mt-2">
                <FieldChanges changes={event.changes} caption={`Field changes: ${event.subject.label}`} />
              </div>
            </details>
          ) : null}
        </div>
      </div>
    </li>
  );
}

export function DriftEvents({
  report,
  filters,
  hrefWith,
  apiHref,
}: {
  report: DriftReport;
  filters: EventFilters;
  /** the page's own URL with one filter changed */
  hrefWith: (change: Partial<Record<"severity" | "category", string | null>>) => string;
  apiHref: string;
}) {
  const counts = countEvents(report.events, report.suppressedStale);
  const shownEvents = report.events.filter(
    (event) =>
      atLeast(event.severity, filters.severity) &&
      (filters.category === null || categoryOf(event.kind) === filters.category),
  );
  return (
    <div className="space-y-3">
      <div className="space-y-2 px-4 pt-3">
        <FilterLinks
          label="Severity at least"
          options={[...SEVERITY_ORDER].reverse().map((severity) => ({
            key: severity,
            text: severity === "info" ? "any" : severity,
            count:
              severity === "info"
                ? counts.total
                : SEVERITY_ORDER.filter((s) => atLeast(s, severity)).reduce(
                    (n, s) => n + counts.bySeverity[s],
                    0,
                  ),
            current: filters.severity === severity,
          }))}
          hrefFor={(key) => hrefWith({ severity: key === "info" ? null : key })}
        />
        <FilterLinks
          label="Kind"
          options={[
            { key: "all", text: "All", current: filters.category === null },
            ...(Object.keys(CATEGORY_LABEL) as DriftCategory[]).map((category) => ({
              key: category,
              text: CATEGORY_LABEL[category],
              count: counts.byCategory[category],
              current: filters.category === category,
            })),
          ]}
          hrefFor={(key) => hrefWith({ category: key === "all" ? null : key })}
        />
        {report.suppressedStale > 0 ? (
          <p className="rounded border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {report.suppressedStale} record{report.suppressedStale === 1 ? "" : "s"} of sources scan #
            {report.to} could not read completely {report.suppressedStale === 1 ? "is" : "are"} not reported
            as removed: an unreachable cluster is not a deleted one.
          </p>
        ) : null}
      </div>
      {shownEvents.length === 0 ? (
        <p className="px-4 pb-4 text-sm text-slate-600">
          {report.events.length === 0
            ? `Nothing changed between scan #${report.from} and scan #${report.to}.`
            : "No change matches these filters."}
        </p>
      ) : (
        <>
          <ul aria-label="Drift events" className="divide-y divide-slate-100 border-t border-slate-200">
            {shownEvents.slice(0, SHOWN).map((event) => (
              <EventItem key={`${event.subject.kind} ${event.subject.key}`} event={event} />
            ))}
          </ul>
          {shownEvents.length > SHOWN ? (
            <p className="px-4 pb-4 text-sm text-slate-600">
              Showing the {SHOWN} most severe of {shownEvents.length} changes; narrow the filters, or read
              them all from{" "}
              <JsonLink className="text-brand-700 underline" href={apiHref}>
                the JSON API
              </JsonLink>
              .
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
