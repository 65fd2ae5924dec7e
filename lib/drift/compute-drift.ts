import type { Queryable } from "@/lib/db/queryable";
import { SEVERITY_ORDER } from "@/lib/drift/severity";
import { readChangedRecords } from "./changed-records";
import type { ClusterRef } from "./cluster-ref";
import { compareEvents, driftEvent, governanceIds } from "./events";
import { loadLabels } from "./labels";
import { foldMembershipEvents } from "./membership-events";
import { completeSourcesOf, type DriftRange } from "./scan-range";
import {
  categoryOf,
  type DriftCategory,
  type DriftCounts,
  type DriftEvent,
  type DriftReport,
  driftCategorySchema,
} from "./types";

function idsReferenced(data: unknown): { principalId?: string; roleGuid?: string } {
  if (typeof data !== "object" || data === null) return {};
  const record = data as Record<string, unknown>;
  return {
    principalId: typeof record.principalId === "string" ? record.principalId : undefined,
    roleGuid: typeof record.roleDefinitionId === "string" ? record.roleDefinitionId : undefined,
  };
}

/**
 * Every change between the two scans of `range` (for one cluster when `cluster` is given), as drift
 * events, most severe first. A range without `from` is the tenant's first kept scan: a baseline with no
 * events.
 */
export async function computeDrift(
  db: Queryable,
  range: DriftRange,
  options: { cluster?: ClusterRef | null } = {},
): Promise<DriftReport> {
  const cluster = options.cluster ?? null;
  const report = (events: DriftEvent[], suppressedStale: number): DriftReport => ({
    tenantId: range.tenantId,
    from: range.from?.id.toString() ?? null,
    to: range.to.id.toString(),
    cluster,
    events,
    suppressedStale,
  });
  if (!range.from) return report([], 0);

  const { changes, suppressedStale } = await readChangedRecords(db, {
    tenantId: range.tenantId,
    from: range.from.id,
    to: range.to.id,
    clusterId: cluster?.id ?? null,
    completeSources: completeSourcesOf(range.to),
  });

  const principalIds = new Set<string>();
  const roleGuids = new Set<string>();
  for (const change of changes) {
    if (change.kind === "groupMembership") principalIds.add(change.naturalKey);
    for (const id of governanceIds(change)) principalIds.add(id);
    if (change.kind === "roleEligibility") {
      for (const version of [change.before, change.after]) {
        const { roleGuid } = idsReferenced(version?.data);
        if (roleGuid) roleGuids.add(roleGuid);
      }
    }
    if (change.kind !== "roleAssignment") continue;
    for (const version of [change.before, change.after]) {
      const { principalId, roleGuid } = idsReferenced(version?.data);
      if (principalId) principalIds.add(principalId);
      if (roleGuid) roleGuids.add(roleGuid);
    }
  }
  const labels = await loadLabels(db, {
    tenantId: range.tenantId,
    from: range.from.id,
    to: range.to.id,
    principalIds,
    roleGuids,
  });
  const ctx = { from: range.from.id, to: range.to.id, labels };
  const events = foldMembershipEvents(
    changes,
    changes.map((change) => driftEvent(change, ctx)),
    ctx,
  ).sort(compareEvents);
  return report(events, suppressedStale);
}

export function emptyCounts(): DriftCounts {
  return {
    total: 0,
    bySeverity: Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as DriftCounts["bySeverity"],
    byCategory: Object.fromEntries(driftCategorySchema.options.map((c) => [c, 0])) as Record<
      DriftCategory,
      number
    >,
    byKind: {},
    suppressedStale: 0,
  };
}

/** Counts by severity, category and kind: what the timeline charts. */
export function countEvents(events: readonly DriftEvent[], suppressedStale = 0): DriftCounts {
  const counts = emptyCounts();
  counts.suppressedStale = suppressedStale;
  for (const event of events) {
    counts.total++;
    counts.bySeverity[event.severity]++;
    counts.byCategory[categoryOf(event.kind)]++;
    counts.byKind[event.kind] = (counts.byKind[event.kind] ?? 0) + 1;
  }
  return counts;
}
