import "server-only";
import { pool } from "@/lib/db/pool";
import type { DriftQuery } from "./drift-query";
import { driftEvent } from "./events";
import { loadLabels } from "./labels";
import { type ObjectDiff, objectDiff } from "./object-history";
import { resolveDriftRange } from "./scan-range";

// The use cases of one object's drift: GET /api/drift/object (its versions and field-level difference)
// and /drift/object, which also names the object and its change in the drift list's own words.

export type ObjectDriftInput = Pick<DriftQuery, "tenant" | "from" | "to"> & { kind: string; key: string };

/** GET /api/drift/object: the object's versions and its difference between the two scans. */
export async function getObjectDrift(input: ObjectDriftInput): Promise<ObjectDiff> {
  const range = await resolveDriftRange(pool(), { tenantId: input.tenant, from: input.from, to: input.to });
  return objectDiff(pool(), range, input.kind, input.key);
}

/** The object's readable name and, when it changed, the drift event's sentence — the same words as the list. */
async function describeObject(diff: ObjectDiff): Promise<{ label: string; message: string | null }> {
  const latest = diff.after ?? diff.before ?? diff.history[diff.history.length - 1];
  const data =
    typeof latest?.data === "object" && latest.data !== null ? (latest.data as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === "string" ? [value] : []);
  const labels = await loadLabels(pool(), {
    tenantId: diff.tenantId,
    from: BigInt(diff.from ?? diff.to),
    to: BigInt(diff.to),
    principalIds: [...text(data.principalId), ...(diff.kind === "groupMembership" ? [diff.key] : [])],
    roleGuids: text(data.roleDefinitionId),
  });
  const version = (v: ObjectDiff["before"]) =>
    v
      ? { source: v.source, clusterId: v.clusterId, data: v.data, validFromScan: BigInt(v.validFromScan) }
      : null;
  const changed = diff.from !== null && diff.before?.contentHash !== diff.after?.contentHash;
  const event = driftEvent(
    {
      kind: diff.kind,
      naturalKey: diff.key,
      before: changed ? version(diff.before) : version(latest ?? null),
      after: changed ? version(diff.after) : version(latest ?? null),
    },
    { from: BigInt(diff.from ?? diff.to), to: BigInt(diff.to), labels },
  );
  return { label: event.subject.label, message: changed ? event.message : null };
}

/** /drift/object: the difference, the object's name and the sentence that describes its change. */
export async function getObjectDriftPage(
  input: ObjectDriftInput,
): Promise<{ diff: ObjectDiff; label: string; message: string | null }> {
  const diff = await getObjectDrift(input);
  return { diff, ...(await describeObject(diff)) };
}
