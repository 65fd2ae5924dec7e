import Link from "next/link";
import { KindTag } from "@/components/ui/badges";
import type { AssignmentView } from "@/lib/queries/cluster-detail";
import { principalHref } from "@/lib/queries/cluster-slug";

const INHERITED = new Set(["root", "managementGroup", "subscription", "resourceGroup"]);

/** Azure role assignments: who holds which role, and on which scope (inherited scopes marked). */
export function AssignmentList({
  assignments,
  showPrincipal = true,
  empty,
}: {
  assignments: AssignmentView[];
  showPrincipal?: boolean;
  empty: string;
}) {
  if (assignments.length === 0) return <p className="text-sm text-slate-600">{empty}</p>;
  return (
    <ul className="space-y-1.5">
      {assignments.map((assignment, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: server-rendered, never reordered; ARM ids as keys weigh in the RSC payload
        <li key={index} className="text-sm">
          {showPrincipal ? (
            <>
              <Link href={principalHref(assignment.principal.id)} className="font-medium link">
                {assignment.principal.displayName}
              </Link>{" "}
              <KindTag
                kind={
                  assignment.principal.deleted
                    ? `${assignment.principal.kind}, deleted`
                    : assignment.principal.kind
                }
              />{" "}
            </>
          ) : null}
          <span className={assignment.role.custom ? "font-medium" : ""}>{assignment.role.name}</span>
          {assignment.role.custom ? <span className="text-xs text-slate-600"> (custom)</span> : null}
          <span className="text-slate-600"> on {assignment.scopeLabel}</span>
          {INHERITED.has(assignment.scopeLevel) ? (
            <span className="ml-1 rounded bg-amber-50 px-1 text-xs text-amber-900">inherited</span>
          ) : null}
          {assignment.conditional ? (
            <span className="ml-1 rounded bg-slate-100 px-1 text-xs text-slate-700">conditional</span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** Assignments on a cluster's scope chain grouped by scope, the widest (most inherited) first. */
export function AssignmentsByScope({ assignments }: { assignments: AssignmentView[] }) {
  if (assignments.length === 0) {
    return <p className="text-sm text-slate-600">No role assignment on the cluster or any scope above it.</p>;
  }
  const groups = new Map<string, AssignmentView[]>();
  for (const assignment of assignments) {
    const list = groups.get(assignment.scope) ?? [];
    list.push(assignment);
    groups.set(assignment.scope, list);
  }
  return (
    <ul className="space-y-2">
      {[...groups.values()].map((list, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: as above
        <li key={index}>
          <div className="eyebrow">
            {list[0].scopeLabel}
            {INHERITED.has(list[0].scopeLevel) ? (
              <span className="ml-1 rounded bg-amber-50 px-1 normal-case tracking-normal text-amber-900">
                inherited
              </span>
            ) : null}
          </div>
          <ul className="mt-0.5 space-y-0.5">
            {list.map((assignment, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: as above
              <li key={index} className="text-sm">
                <Link href={principalHref(assignment.principal.id)} className="link">
                  {assignment.principal.displayName}
                </Link>
                {assignment.principal.deleted ? (
                  <span className="text-xs text-red-800"> (deleted)</span>
                ) : null}
                <span className="text-slate-700"> · {assignment.role.name}</span>
                {assignment.role.custom ? <span className="text-xs text-slate-600"> (custom)</span> : null}
                {assignment.conditional ? (
                  <span className="ml-1 rounded bg-slate-100 px-1 text-xs">conditional</span>
                ) : null}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
