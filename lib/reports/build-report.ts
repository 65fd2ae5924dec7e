import { z } from "zod";
import { pathKey } from "@/lib/access/path-key";
import {
  type AccessPrincipal,
  type AccessRoute,
  accessLevelSchema,
  accessPrincipalSchema,
  accessRouteSchema,
  type PathStep,
  pathStepSchema,
} from "@/lib/access/types";
import type { DriftReport } from "@/lib/drift/types";
import { FINDING_RULES } from "@/lib/findings/evaluate-findings";
import { findingKey } from "@/lib/findings/records";
import type { Finding, FindingStatus, Severity } from "@/lib/findings/types";
import type { Cluster } from "@/lib/model/azure";
import type { Principal } from "@/lib/model/directory";
import { clusterSource } from "@/lib/model/sources";
import type { Coverage } from "@/lib/model/tenant-model";
import { compareReports, emptyReportDrift, scanEventsForReport } from "@/lib/reports/drift";
import { frameworkControls, frameworkTitle } from "@/lib/reports/frameworks";
import {
  type ClusterAdmins,
  type FrameworkSummary,
  REPORT_MAX_PATHS,
  REPORT_SCHEMA_VERSION,
  type RemediationStep,
  type ReportCluster,
  type ReportContent,
  type ReportControl,
  type ReportDirectoryEntry,
  type ReportDrift,
  type ReportFinding,
  type ReportFramework,
  type StatusCounts,
} from "@/lib/reports/report-schema";
import { clusterInScope, describeScope, type ReportScope } from "@/lib/reports/scope";

// Builds a report's content from what one scan found. Pure: the store (report-store.ts) reads the
// scan's records and hands them over; the output is frozen as canonical JSON and never rebuilt.

/** An access.grant record's data (lib/access/records.ts), as far as a report needs it. */
export const reportGrantInputSchema = z.object({
  cluster: z.object({ id: z.string(), name: z.string() }),
  principal: accessPrincipalSchema,
  level: accessLevelSchema,
  namespace: z.string().nullable(),
  route: accessRouteSchema,
  /** needs a PIM activation first (absent = standing) */
  eligible: z.boolean().optional(),
  paths: z.array(z.array(pathStepSchema)),
});
export type ReportGrantInput = z.infer<typeof reportGrantInputSchema>;

export type BuildReportInput = {
  id: string;
  /** default: "AKS identity compliance report, <date>" */
  title?: string;
  createdAt: string;
  productVersion: string;
  tenant: { id: string; displayName: string };
  scan: {
    id: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    productVersion: string;
    coverage: Coverage;
  };
  scope: ReportScope;
  frameworks: readonly ReportFramework[];
  subscriptions: readonly { subscriptionId: string; displayName: string }[];
  clusters: readonly Cluster[];
  findings: readonly Finding[];
  grants: readonly ReportGrantInput[];
  principals: readonly Principal[];
  /** the latest earlier report of the same scope (its frozen content), for the drift section */
  previous: ReportContent | null;
  /** lib/drift's events between the previous report's scan and this scan (tenant-wide; scoped here) */
  scanDrift?: DriftReport | null;
};

const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
const STATUS_RANK: Record<FindingStatus, number> = { fail: 0, "not-assessed": 1, pass: 2 };
const RULE_ORDER = new Map(FINDING_RULES.map((rule, index) => [rule.id, index]));
const ruleOrder = (ruleId: string) => RULE_ORDER.get(ruleId) ?? FINDING_RULES.length;

const emptyCounts = (): StatusCounts => ({ pass: 0, fail: 0, notAssessed: 0 });
function countStatus(counts: StatusCounts, status: FindingStatus): void {
  if (status === "pass") counts.pass++;
  else if (status === "fail") counts.fail++;
  else counts.notAssessed++;
}

function compareFindings(a: ReportFinding, b: ReportFinding): number {
  return (
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    ruleOrder(a.ruleId) - ruleOrder(b.ruleId) ||
    a.cluster.name.localeCompare(b.cluster.name) ||
    a.key.localeCompare(b.key)
  );
}

/** The `max` most direct explanations: shortest first, then by their steps (deterministic). */
function shortestPaths(paths: readonly PathStep[][], max: number): PathStep[][] {
  return [...paths].sort((a, b) => a.length - b.length || pathKey(a).localeCompare(pathKey(b))).slice(0, max);
}

function toReportFinding(finding: Finding, frameworks: ReadonlySet<string>): ReportFinding | null {
  const controls = finding.controls
    .filter((c) => frameworks.has(c.framework))
    .map((c) => ({ framework: c.framework, id: c.id }));
  if (controls.length === 0) return null;
  return {
    key: findingKey(finding),
    ruleId: finding.ruleId,
    status: finding.status,
    severity: finding.severity,
    cluster: { id: finding.cluster.id, name: finding.cluster.name },
    title: finding.title,
    summary: finding.evidence.summary,
    objects: finding.evidence.objects,
    paths: shortestPaths(finding.evidence.paths ?? [], REPORT_MAX_PATHS.finding),
    pathCount: finding.evidence.paths?.length ?? 0,
    controls,
    remediation: finding.remediation,
  };
}

function buildControls(
  frameworks: readonly ReportFramework[],
  findings: readonly ReportFinding[],
): ReportControl[] {
  const controls: ReportControl[] = [];
  for (const framework of frameworks) {
    const catalogue = frameworkControls(framework);
    // A rule may carry a control the catalogue does not list yet; it still belongs in the table.
    for (const finding of findings) {
      for (const ref of finding.controls) {
        if (ref.framework === framework && !catalogue.some((c) => c.id === ref.id)) {
          catalogue.push({ framework, id: ref.id, title: ref.id });
        }
      }
    }
    for (const control of catalogue) {
      const behind = findings.filter((f) =>
        f.controls.some((c) => c.framework === framework && c.id === control.id),
      );
      const counts = emptyCounts();
      for (const finding of behind) countStatus(counts, finding.status);
      const status: FindingStatus = counts.fail > 0 ? "fail" : counts.pass > 0 ? "pass" : "not-assessed";
      controls.push({
        framework,
        id: control.id,
        title: control.title ?? control.id,
        status,
        counts,
        findingKeys: behind.map((f) => f.key),
      });
    }
  }
  return controls;
}

function summarizeFramework(
  framework: ReportFramework,
  controls: readonly ReportControl[],
  findings: readonly ReportFinding[],
): FrameworkSummary {
  const own = controls.filter((c) => c.framework === framework);
  const controlCounts = emptyCounts();
  for (const control of own) countStatus(controlCounts, control.status);
  const findingCounts = emptyCounts();
  for (const finding of findings) {
    if (finding.controls.some((c) => c.framework === framework)) countStatus(findingCounts, finding.status);
  }
  const assessed = controlCounts.pass + controlCounts.fail;
  return {
    framework,
    title: frameworkTitle(framework),
    score: assessed === 0 ? null : Math.round((controlCounts.pass / assessed) * 100),
    controls: { ...controlCounts, total: own.length },
    findings: findingCounts,
  };
}

function buildClusterAdmins(
  clusters: readonly ReportCluster[],
  grants: readonly ReportGrantInput[],
): ClusterAdmins[] {
  type Holders = Map<string, { principal: AccessPrincipal; routes: Map<AccessRoute, PathStep[][]> }>;
  const listed = (holders: Holders) =>
    [...holders.values()]
      .map(({ principal, routes }) => ({
        principal,
        routes: [...routes.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([route, paths]) => ({
            route,
            paths: shortestPaths(paths, REPORT_MAX_PATHS.holderRoute),
            pathCount: paths.length,
          })),
      }))
      .sort(
        (a, b) =>
          a.principal.displayName.localeCompare(b.principal.displayName) ||
          a.principal.id.localeCompare(b.principal.id),
      );
  return clusters.map((cluster) => {
    // Standing and eligible (PIM) holders apart: an auditor asks both who is and who can be cluster-admin.
    const standing: Holders = new Map();
    const eligible: Holders = new Map();
    for (const grant of grants) {
      if (grant.cluster.id !== cluster.id) continue;
      if (grant.level !== "cluster-admin" || grant.namespace !== null) continue;
      const holders = grant.eligible ? eligible : standing;
      const holder = holders.get(grant.principal.id) ?? { principal: grant.principal, routes: new Map() };
      holder.routes.set(grant.route, [...(holder.routes.get(grant.route) ?? []), ...grant.paths]);
      holders.set(grant.principal.id, holder);
    }
    // a principal who holds cluster-admin standing is a holder, whatever else it may activate
    for (const id of standing.keys()) eligible.delete(id);
    return {
      cluster: { id: cluster.id, name: cluster.name },
      kubernetesAssessed: cluster.kubernetesAssessed,
      holders: listed(standing),
      eligibleHolders: listed(eligible),
    };
  });
}

function buildRemediation(findings: readonly ReportFinding[]): RemediationStep[] {
  const steps = new Map<string, RemediationStep>();
  const addUnique = (list: string[], value: string | undefined) => {
    if (value && !list.includes(value)) list.push(value);
  };
  for (const finding of findings) {
    if (finding.status !== "fail") continue;
    const step = steps.get(finding.ruleId) ?? {
      ruleId: finding.ruleId,
      title: finding.title,
      severity: finding.severity,
      failing: 0,
      clusters: [],
      summaries: [],
      azCli: [],
      kubectl: [],
      terraform: [],
    };
    step.failing++;
    if (SEVERITY_RANK[finding.severity] > SEVERITY_RANK[step.severity]) step.severity = finding.severity;
    addUnique(step.clusters, finding.cluster.name);
    addUnique(step.summaries, finding.remediation.summary);
    addUnique(step.azCli, finding.remediation.azCli);
    addUnique(step.kubectl, finding.remediation.kubectl);
    addUnique(step.terraform, finding.remediation.terraform);
    steps.set(finding.ruleId, step);
  }
  return [...steps.values()].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      b.failing - a.failing ||
      ruleOrder(a.ruleId) - ruleOrder(b.ruleId),
  );
}

/** Every principal id the content names (subjects, evidence, paths, holders, drift). */
function namedPrincipalIds(content: Omit<ReportContent, "directory">): Set<string> {
  const ids = new Set<string>();
  const fromSteps = (paths: readonly PathStep[][]) => {
    for (const path of paths) for (const step of path) if (step.kind === "principal") ids.add(step.id);
  };
  for (const finding of content.findings) {
    for (const object of finding.objects) if (object.kind === "principal") ids.add(object.id);
    fromSteps(finding.paths);
  }
  for (const cluster of content.clusterAdmins) {
    for (const holder of [...cluster.holders, ...(cluster.eligibleHolders ?? [])]) {
      ids.add(holder.principal.id);
      for (const route of holder.routes) fromSteps(route.paths);
    }
  }
  for (const change of [...content.drift.clusterAdmins.gained, ...content.drift.clusterAdmins.lost]) {
    ids.add(change.principal.id);
  }
  return ids;
}

function distinctStrings(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string") into.add(value);
  else if (Array.isArray(value)) for (const item of value) distinctStrings(item, into);
  else if (value !== null && typeof value === "object")
    for (const member of Object.values(value)) distinctStrings(member, into);
  return into;
}

/**
 * The directory objects the content names, one entry per spelling: a principal renamed between the two
 * scans of a drift section appears under both names, so a redacted rendering replaces both.
 */
function buildDirectory(
  content: Omit<ReportContent, "directory">,
  principals: readonly Principal[],
  previous: ReportContent | null,
): ReportDirectoryEntry[] {
  const entries = new Map<string, ReportDirectoryEntry>();
  const add = (entry: ReportDirectoryEntry) =>
    entries.set(`${entry.id}|${entry.displayName}|${entry.userPrincipalName ?? ""}`, entry);
  const named = namedPrincipalIds(content);
  // Every distinct string of the content once: repeated ids and labels dominate a large report.
  const serialized = [...distinctStrings(content)].join("\n");
  for (const entry of previous?.directory ?? []) if (named.has(entry.id)) add(entry);
  for (const p of principals) {
    // Named by id, or mentioned in free text (a summary, a drift message) by name or user principal name.
    const mentioned =
      named.has(p.id) ||
      (p.kind === "User" &&
        (serialized.includes(p.id) ||
          serialized.includes(p.displayName) ||
          (p.userPrincipalName !== undefined && serialized.includes(p.userPrincipalName))));
    if (!mentioned) continue;
    add({
      id: p.id,
      kind: p.kind,
      displayName: p.displayName,
      ...(p.userPrincipalName ? { userPrincipalName: p.userPrincipalName } : {}),
    });
  }
  // Kubernetes users are no directory objects, but their names are often people's names: list them too.
  for (const cluster of content.clusterAdmins) {
    for (const { principal } of [...cluster.holders, ...(cluster.eligibleHolders ?? [])]) {
      if (principal.kind === "KubernetesUser")
        add({ id: principal.id, kind: principal.kind, displayName: principal.displayName });
    }
  }
  return [...entries.values()].sort(
    (a, b) =>
      a.kind.localeCompare(b.kind) || a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id),
  );
}

export function buildReportContent(input: BuildReportInput): ReportContent {
  const frameworks = [...new Set(input.frameworks)];
  const frameworkSet = new Set<string>(frameworks);
  const clusters: ReportCluster[] = input.clusters
    .filter((c) => clusterInScope(input.scope, c))
    .map((c) => ({
      id: c.id,
      name: c.name,
      subscriptionId: c.subscriptionId,
      resourceGroup: c.resourceGroup,
      kubernetesAssessed: input.scan.coverage[clusterSource(c.id)]?.status === "complete",
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const clusterIds = new Set(clusters.map((c) => c.id));

  const findings = input.findings
    .filter((f) => clusterIds.has(f.cluster.id))
    .map((f) => toReportFinding(f, frameworkSet))
    .filter((f): f is ReportFinding => f !== null)
    .sort(compareFindings);
  const controls = buildControls(frameworks, findings);
  const clusterAdmins = buildClusterAdmins(
    clusters,
    input.grants.filter((g) => clusterIds.has(g.cluster.id)),
  );

  const findingCounts = emptyCounts();
  const failingBySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const finding of findings) {
    countStatus(findingCounts, finding.status);
    if (finding.status === "fail") failingBySeverity[finding.severity]++;
  }
  const holders = new Set(clusterAdmins.flatMap((c) => c.holders.map((h) => h.principal.id)));
  const eligibleHolders = new Set(
    clusterAdmins
      .flatMap((c) => (c.eligibleHolders ?? []).map((h) => h.principal.id))
      .filter((id) => !holders.has(id)),
  );

  const subscriptionNames = new Map(
    input.subscriptions.map((s) => [s.subscriptionId.toLowerCase(), s.displayName]),
  );
  const clusterNames = new Map(input.clusters.map((c) => [c.id, c.name]));
  const incompleteSources = Object.entries(input.scan.coverage)
    .filter(([, entry]) => entry.status !== "complete")
    .map(([source, entry]) => ({
      source,
      label: sourceLabel(source, subscriptionNames, clusterNames),
      status: entry.status,
      reason: entry.reason ?? "",
    }))
    .filter(({ source }) => {
      // Only what matters to this scope: the directory, its subscriptions and its clusters.
      if (source.startsWith("cluster:")) return clusterIds.has(source.slice("cluster:".length));
      if (source.startsWith("sub:"))
        return clusters.some((c) => `sub:${c.subscriptionId.toLowerCase()}` === source);
      return true;
    })
    .sort((a, b) => a.source.localeCompare(b.source));

  const withoutDrift: Omit<ReportContent, "drift" | "directory"> = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    report: {
      id: input.id,
      title: input.title?.trim() || `AKS identity compliance report, ${input.createdAt.slice(0, 10)}`,
      createdAt: input.createdAt,
      productVersion: input.productVersion,
      redacted: false,
    },
    tenant: input.tenant,
    scan: {
      id: input.scan.id,
      status: input.scan.status,
      startedAt: input.scan.startedAt,
      finishedAt: input.scan.finishedAt,
      productVersion: input.scan.productVersion,
      incompleteSources,
    },
    scope: {
      description: describeScope(input.scope, input.tenant.displayName, subscriptionNames, clusterNames),
      subscriptionIds: input.scope.subscriptionIds,
      clusterIds: input.scope.clusterIds,
      clusters,
    },
    frameworks: frameworks.map((f) => summarizeFramework(f, controls, findings)),
    summary: {
      clusters: clusters.length,
      findings: findingCounts,
      failingBySeverity,
      clusterAdminHolders: holders.size,
      eligibleClusterAdminHolders: eligibleHolders.size,
    },
    controls,
    findings,
    clusterAdmins,
    remediation: buildRemediation(findings),
  };
  const draft: ReportContent = { ...withoutDrift, drift: emptyReportDrift(), directory: [] };
  const drift: ReportDrift = {
    ...compareReports(input.previous, draft),
    scanEvents:
      input.previous && input.scanDrift
        ? scanEventsForReport(input.scanDrift, input.scope, clusterIds)
        : null,
  };
  const withDrift = { ...withoutDrift, drift };
  return { ...withDrift, directory: buildDirectory(withDrift, input.principals, input.previous) };
}

/** "cluster aks-data", "subscription prod", "the directory": what a reader recognises. */
function sourceLabel(
  source: string,
  subscriptionNames: ReadonlyMap<string, string>,
  clusterNames: ReadonlyMap<string, string>,
): string {
  if (source === "directory") return "the directory";
  if (source.startsWith("cluster:")) {
    const id = source.slice("cluster:".length);
    return `cluster ${clusterNames.get(id) ?? id}`;
  }
  if (source.startsWith("sub:")) {
    const id = source.slice("sub:".length);
    return `subscription ${subscriptionNames.get(id) ?? id}`;
  }
  return source;
}
