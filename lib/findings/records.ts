import type { Finding } from "@/lib/findings/types";
import type { SnapshotRecordInput } from "@/lib/model/records";
import { ANALYSIS_SOURCE } from "@/lib/model/sources";

/** What a finding is about: its first evidence object, or "cluster" for cluster-level findings. */
export function findingSubject(finding: Finding): string {
  const first = finding.evidence.objects[0];
  return !first || first.kind === "cluster" ? "cluster" : first.id;
}

export function findingKey(finding: Finding): string {
  return `${finding.ruleId}|${finding.cluster.id}|${findingSubject(finding)}`;
}

/** Findings as `finding` records; natural key `<ruleId>|<clusterId>|<subject>`. */
export function findingsToRecords(findings: readonly Finding[]): SnapshotRecordInput[] {
  const records = new Map<string, SnapshotRecordInput>();
  for (const finding of findings) {
    const naturalKey = findingKey(finding);
    records.set(naturalKey, {
      kind: "finding",
      naturalKey,
      source: ANALYSIS_SOURCE,
      clusterId: finding.cluster.id,
      data: finding,
    });
  }
  return [...records.values()];
}
