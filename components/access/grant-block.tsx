import { reachOf } from "@/components/access/can-become";
import { ConditionalBadge, EligibleBadge, PathSteps } from "@/components/access/path-steps";
import { LevelBadge } from "@/components/ui/badges";
import {
  CONDITIONAL_EXPLANATION,
  ELIGIBLE_EXPLANATION,
  ESCALATION_LABEL,
  ESCALATION_ROUTE_LABEL,
  escalationHeadline,
  ROUTE_EXPLANATION,
  ROUTE_LABEL,
} from "@/lib/access/labels";
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
    eligible?: boolean;
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
        {grant.eligible ? <EligibleBadge /> : null}
        {grant.conditional ? <ConditionalBadge what="grant" /> : null}
      </Heading>
      <p className="mb-2 text-xs text-slate-600">
        {ROUTE_EXPLANATION[grant.route]}
        {grant.eligible ? `; ${ELIGIBLE_EXPLANATION}` : ""}
        {grant.conditional ? `; ${CONDITIONAL_EXPLANATION.grant}` : ""}
      </p>
      <PathSteps path={grant.path} label={`How ${who} gets ${grant.level} on ${where}`} />
    </div>
  );
}

type EscalationView = {
  to: EscalationTarget;
  route: EscalationRoute;
  path: PathStep[];
  hops?: number;
  conditional?: boolean;
  namespace?: string | null;
  eligible?: boolean;
  /** the route listed beside a shorter path to cluster-admin that needs an activation or a condition */
  alternative?: boolean;
};

/**
 * An attack path: the level it reaches is the headline, the steps are shown (not collapsed) because
 * they are the proof, each hop one move an attacker makes.
 */
export function ReachBlock({
  escalation,
  who,
  where,
  headingLevel = 3,
}: {
  escalation: EscalationView;
  who: string;
  where: string;
  headingLevel?: 3 | 4;
}) {
  const Heading = headingLevel === 3 ? "h3" : "h4";
  const reach = reachOf(escalation);
  const text = escalationHeadline(escalation);
  return (
    <div className="rounded border border-red-200 bg-white p-3">
      <Heading className="mb-1 flex flex-wrap items-center gap-2 text-sm font-medium">
        <span className="rounded border border-dashed border-red-400 bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-900">
          can become
        </span>
        <span>{text.charAt(0).toUpperCase() + text.slice(1)}</span>
        {escalation.eligible ? <EligibleBadge /> : null}
        {reach?.conditional ? <ConditionalBadge what="path" /> : null}
      </Heading>
      <p className="mb-2 text-xs text-slate-600">
        Not held today: an attack path across planes, each step one move {who} can make.
      </p>
      <PathSteps path={escalation.path} label={`How ${who} could reach ${escalation.to} on ${where}`} />
    </div>
  );
}

export function EscalationBlock({
  escalation,
  who,
  where,
  headingLevel = 3,
}: {
  escalation: EscalationView;
  who: string;
  where: string;
  headingLevel?: 3 | 4;
}) {
  if (escalation.route === "attack-path")
    return <ReachBlock escalation={escalation} who={who} where={where} headingLevel={headingLevel} />;
  return (
    <details className="group rounded border border-red-200 bg-white">
      <summary className="disclosure disclosure-marker px-3 py-2 text-sm hover:bg-red-50/50 [&::before]:mr-2">
        <span className="font-medium">Escalation:</span> {ESCALATION_LABEL[escalation.to]}{" "}
        <span className="text-slate-600">({ESCALATION_ROUTE_LABEL[escalation.route]})</span>
        {escalation.eligible ? <EligibleBadge /> : null}
      </summary>
      <div className="border-t border-red-100 px-3 py-2">
        <PathSteps path={escalation.path} label={`How ${who} could escalate on ${where}`} />
      </div>
    </details>
  );
}
