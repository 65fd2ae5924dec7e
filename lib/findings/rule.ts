import type { AccessIndex } from "@/lib/access/access-index";
import type { ClusterAccess, Escalation, PathStep } from "@/lib/access/types";
import type {
  ControlRef,
  EvidenceObject,
  Finding,
  FindingResult,
  FindingStatus,
  Severity,
} from "@/lib/findings/types";
import type { Cluster } from "@/lib/model/azure";
import type { ClusterKubernetes } from "@/lib/model/kubernetes";
import { clusterSource, DIRECTORY_SOURCE, subscriptionSource } from "@/lib/model/sources";
import type { CoverageStatus, TenantModel } from "@/lib/model/tenant-model";

export type FindingContext = {
  model: TenantModel;
  index: AccessIndex;
  /** the clusters to judge: all of the model's, or one batch of them while a scan streams its analysis */
  clusters: readonly Cluster[];
  /** access by cluster id, for every cluster in `clusters` */
  access: ReadonlyMap<string, ClusterAccess>;
  /**
   * Every path by which a principal reaches any cluster of the tenant (credentials-only grants left
   * out), for rules whose evidence spans clusters. Only rules marked `crossCluster` may call it.
   */
  accessPathsOf(principalId: string): PathStep[][];
};

export type FindingRule = {
  id: string;
  title: string;
  severity: Severity;
  controls: readonly ControlRef[];
  /**
   * Set when the rule calls `ctx.accessPathsOf`, naming the principals it asks about. While a scan
   * streams its analysis batch by batch, such a rule runs once at the end, when every cluster's access
   * has been seen, and only these principals' paths are kept until then.
   */
  crossCluster?: { principals(model: TenantModel): Iterable<string> };
  evaluate(ctx: FindingContext): FindingResult[];
};

export function coverageOf(model: TenantModel, source: string): CoverageStatus {
  return model.coverage[source]?.status ?? "not-read";
}

/** Was the cluster's ARM configuration read in this scan (not carried forward from an older one)? */
export function clusterConfigurationRead(model: TenantModel, cluster: Cluster): boolean {
  return coverageOf(model, subscriptionSource(cluster.subscriptionId)) !== "not-read";
}

/** The cluster's Kubernetes inventory, only when it was read completely. */
export function completeKubernetes(model: TenantModel, cluster: Cluster): ClusterKubernetes | null {
  const inventory = model.kubernetes[cluster.id];
  return inventory && coverageOf(model, clusterSource(cluster.id)) === "complete" ? inventory : null;
}

/** Whatever Kubernetes inventory there is (a partial read can still prove a failure). */
export function anyKubernetes(model: TenantModel, cluster: Cluster): ClusterKubernetes | null {
  return model.kubernetes[cluster.id] ?? null;
}

/** Every assignment that can reach the cluster was read: its subscription and the tenant-level scopes. */
export function clusterAssignmentsComplete(model: TenantModel, cluster: Cluster): boolean {
  return (
    coverageOf(model, subscriptionSource(cluster.subscriptionId)) === "complete" &&
    coverageOf(model, DIRECTORY_SOURCE) === "complete"
  );
}

/** Every assignment in the tenant was read (identities may hold roles anywhere). */
export function allAssignmentsComplete(model: TenantModel): boolean {
  return (
    coverageOf(model, DIRECTORY_SOURCE) === "complete" &&
    model.subscriptions.every((s) => coverageOf(model, subscriptionSource(s.subscriptionId)) === "complete")
  );
}

export function clusterObject(cluster: Cluster): EvidenceObject {
  return { kind: "cluster", id: cluster.id, label: cluster.name };
}

export type FindingInput = {
  status: FindingStatus;
  summary: string;
  objects?: EvidenceObject[];
  paths?: PathStep[][];
  /** subjects counted but not listed (rules whose list is capped at EVIDENCE_LIMIT) */
  unlisted?: number;
  severity?: Severity;
  remediation?: Finding["remediation"];
};

/**
 * Subjects a finding lists at most. On a large tenant one subject can be reached by thousands, each with
 * its path (a cluster's run-command holders at bench/scan's 20 clusters: 590 KB per finding, most of the
 * findings' share of the table); a capped finding counts them all (summary, `evidence.unlisted`), and who
 * holds what, and how, is on each cluster's access list and each principal's page.
 */
export const EVIDENCE_LIMIT = 100;

/**
 * The escalation a finding shows for its principal: fewest hops first, then an unconditional path before a
 * conditional one of the same length (a condition on a role assignment may close it); undefined when none.
 */
export function shortestEscalation(escalations: readonly Escalation[]): Escalation | undefined {
  let best: Escalation | undefined;
  for (const escalation of escalations) {
    if (
      !best ||
      (escalation.hops ?? 1) < (best.hops ?? 1) ||
      ((escalation.hops ?? 1) === (best.hops ?? 1) && best.conditional && !escalation.conditional)
    )
      best = escalation;
  }
  return best;
}

/** The first EVIDENCE_LIMIT subjects, and how many are left unlisted (undefined when none). */
export function listedSubjects<T>(subjects: readonly T[]): { listed: T[]; unlisted: number | undefined } {
  const listed = subjects.slice(0, EVIDENCE_LIMIT);
  return { listed, unlisted: subjects.length > listed.length ? subjects.length - listed.length : undefined };
}

/** Builds findings of one rule; `objects[0]` is the subject (the cluster when none is given). */
export function findingFor(
  rule: FindingRule,
  cluster: Cluster,
  remediation: Finding["remediation"],
  input: FindingInput,
): Finding {
  const finding: Finding = {
    ruleId: rule.id,
    status: input.status,
    severity: input.severity ?? rule.severity,
    cluster: { id: cluster.id, name: cluster.name },
    title: rule.title,
    evidence: { summary: input.summary, objects: input.objects ?? [clusterObject(cluster)] },
    controls: [...rule.controls],
    remediation: input.remediation ?? remediation,
  };
  if (input.paths && input.paths.length > 0) finding.evidence.paths = input.paths;
  if (input.unlisted) finding.evidence.unlisted = input.unlisted;
  return finding;
}

export function notRead(what: string): string {
  return `Not assessed: this scan did not completely read ${what}.`;
}

export function azTarget(cluster: Cluster): string {
  return `--resource-group ${cluster.resourceGroup} --name ${cluster.name}`;
}

type Remediation = Finding["remediation"];

/**
 * Runs a rule over the context's clusters. Every rule judges a cluster from its ARM configuration first, so
 * a cluster whose configuration was not read in this scan gets one "not assessed" finding instead.
 */
export function findingsPerCluster(
  rule: FindingRule,
  ctx: FindingContext,
  remediationFor: (cluster: Cluster) => Remediation,
  assess: (cluster: Cluster, remediation: Remediation) => Finding[],
): Finding[] {
  const { model } = ctx;
  return ctx.clusters.flatMap((cluster) => {
    const remediation = remediationFor(cluster);
    if (!clusterConfigurationRead(model, cluster)) {
      return [
        findingFor(rule, cluster, remediation, {
          status: "not-assessed",
          summary: notRead("the cluster's configuration"),
        }),
      ];
    }
    return assess(cluster, remediation);
  });
}

/** Rules that judge one setting: exactly one finding per cluster. */
export function oneFindingPerCluster(
  rule: FindingRule,
  ctx: FindingContext,
  remediationFor: (cluster: Cluster) => Remediation,
  assess: (cluster: Cluster) => FindingInput,
): Finding[] {
  return findingsPerCluster(rule, ctx, remediationFor, (cluster, remediation) => [
    findingFor(rule, cluster, remediation, assess(cluster)),
  ]);
}

/**
 * The failures a rule found on a cluster or, when there are none, one verdict: "not assessed" when
 * `unread` names what was not completely read (absence of failures proves nothing then), else a pass.
 */
export function failuresOrVerdict(
  rule: FindingRule,
  cluster: Cluster,
  remediation: Remediation,
  failures: Finding[],
  verdict: { unread: string | null; pass: string },
): Finding[] {
  if (failures.length > 0) return failures;
  return [
    verdict.unread === null
      ? findingFor(rule, cluster, remediation, { status: "pass", summary: verdict.pass })
      : findingFor(rule, cluster, remediation, { status: "not-assessed", summary: notRead(verdict.unread) }),
  ];
}
