import {
  ESCALATION_LABEL,
  ESCALATION_ROUTE_LABEL,
  ROUTE_EXPLANATION,
  ROUTE_LABEL,
} from "@/components/access/labels";
import { PathSteps } from "@/components/access/path-steps";
import { LevelBadge } from "@/components/ui/badges";
import type {
  AccessLevel,
  AccessRoute,
  EscalationRoute,
  EscalationTarget,
  PathStep,
} from "@/lib/access/types";

// One grant (level, route, the path that explains it) and one escalation (collapsed: what could be
// gained is the headline, the path is a click away), shared by the cluster and principal pages.

export function GrantBlock({
  grant,
  who,
  where,
  headingLevel = 3,
}: {
  grant: {
    level: AccessLevel;
    namespace: string | null;
    route: AccessRoute;
    conditional: boolean;
    path: PathStep[];
  };
  who: string;
  where: string;
  headingLevel?: 3 | 4;
}) {
  const Heading = headingLevel === 3 ? "h3" : "h4";
  return (
    <div className="rounded border border-slate-200 bg-white p-3">
      <Heading className="mb-1 flex flex-wrap items-center gap-2 text-sm font-medium">
        <LevelBadge level={grant.level} namespace={grant.namespace} />
        <span>via {ROUTE_LABEL[grant.route]}</span>
        {grant.conditional ? (
          <span className="rounded bg-amber-50 px-1.5 py-0.5 text-xs font-normal text-amber-900">
            conditional (an ABAC condition may narrow it)
          </span>
        ) : null}
      </Heading>
      <p className="mb-2 text-xs text-slate-600">{ROUTE_EXPLANATION[grant.route]}</p>
      <PathSteps path={grant.path} label={`How ${who} gets ${grant.level} on ${where}`} />
    </div>
  );
}

export function EscalationBlock({
  escalation,
  who,
  where,
}: {
  escalation: { to: EscalationTarget; route: EscalationRoute; path: PathStep[] };
  who: string;
  where: string;
}) {
  return (
    <details className="group rounded border border-red-200 bg-white">
      <summary className="cursor-pointer list-none px-3 py-2 text-sm hover:bg-red-50/50 focus-visible:outline-2 focus-visible:outline-brand-600 [&::-webkit-details-marker]:hidden">
        <span
          aria-hidden="true"
          className="mr-2 inline-block text-slate-500 transition-transform group-open:rotate-90"
        >
          ▸
        </span>
        <span className="font-medium">Escalation:</span> {ESCALATION_LABEL[escalation.to]}{" "}
        <span className="text-slate-600">({ESCALATION_ROUTE_LABEL[escalation.route]})</span>
      </summary>
      <div className="border-t border-red-100 px-3 py-2">
        <PathSteps path={escalation.path} label={`How ${who} could escalate on ${where}`} />
      </div>
    </details>
  );
}
