import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import type { Severity } from "@/lib/findings/types";
import { clusterSource } from "@/lib/model/sources";
import { coverageSchema } from "@/lib/model/tenant-model";
import { standingClusterAdminHolders } from "@/lib/queries/cluster-admin-holders";
import {
  filterPrincipals,
  type PrincipalListParams,
  principalSummaries,
} from "@/lib/queries/list-principals";
import { keptAcrossRestarts } from "@/lib/queries/scan-aggregates";
import { memoByScan } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";
import { SEVERITIES, SEVERITY_RANK } from "@/lib/queries/stored-records";

// The overview: is this tenant in good shape, and what needs attention now? Four aggregate
// queries over the scan's state; every "needs attention" item links to the evidence behind it.

/**
 * The lists the overview's headline cards link to, with the filters that make them: each card's number is
 * the length of its list (e2e/story.spec.ts and lib/queries/overview-cards.int.test.ts check it).
 */
export const CLUSTER_ADMIN_LIST: { href: string; params: PrincipalListParams } = {
  href: "/principals?level=cluster-admin",
  params: { level: "cluster-admin", page: 1 },
};
export const FAILING_FINDINGS_HREF = "/findings";
export const CLUSTERS_HREF = "/clusters";

export type AttentionItem = {
  id: string;
  severity: Severity;
  count: number;
  text: string;
  href: string;
};

type RuleCount = { ruleId: string; title: string; severity: string; failing: bigint; clusters: bigint };

/** How a failing rule reads as one line; rules not listed use their title. */
const RULE_SENTENCES: Record<string, { text: (n: number) => string; href?: string }> = {
  "local-accounts-enabled": {
    text: (n) => `${n} ${n === 1 ? "cluster still allows" : "clusters still allow"} local accounts`,
    href: "/clusters?localAccounts=enabled",
  },
  "cluster-admin-broad-subject": {
    text: (n) => `${n} ${n === 1 ? "binding gives" : "bindings give"} cluster-admin to a broad subject`,
  },
  "entra-integration-missing": {
    text: (n) => `${n} ${n === 1 ? "cluster lacks" : "clusters lack"} managed Entra ID integration`,
  },
  "run-command-enabled": { text: (n) => `${n} ${n === 1 ? "cluster allows" : "clusters allow"} run command` },
  "kubelet-identity-overprivileged": {
    text: (n) => `${n} kubelet ${n === 1 ? "identity holds" : "identities hold"} broad Azure roles`,
  },
  "pod-identity-in-use": {
    text: (n) => `${n} ${n === 1 ? "cluster still uses" : "clusters still use"} deprecated AAD Pod Identity`,
  },
  "federated-credential-orphaned": {
    text: (n) => `${n} federated ${n === 1 ? "credential trusts" : "credentials trust"} nothing that exists`,
  },
  "secrets-read-broad": { text: (n) => `${n} ${n === 1 ? "role reads" : "roles read"} secrets cluster-wide` },
  "workload-identity-disabled": {
    text: (n) => `${n} ${n === 1 ? "cluster has" : "clusters have"} workload identity off`,
  },
};

const overviewOf = memoByScan<Overview>("overview");

/** The overview as of a scan (computed once per scan: its state never changes). */
export function getOverview(scope: ScanScope): Promise<Overview> {
  return overviewOf(`${scope.tenantId}:${scope.scanId}`, () => readOverview(scope));
}

async function readOverview(scope: ScanScope) {
  const db = prisma();
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;
  const [clusterRows, admins, ruleRows, tenantRow, principals] = await Promise.all([
    db.$queryRaw<
      {
        total: bigint;
        localAccounts: bigint;
        entraManaged: bigint;
        azureRbac: bigint;
        workloadIdentity: bigint;
        ids: string[];
        names: string[];
      }[]
    >(Prisma.sql`
      SELECT count(*) AS total,
             count(*) FILTER (WHERE (data->>'localAccountsDisabled')::boolean IS NOT TRUE) AS "localAccounts",
             count(*) FILTER (WHERE data->'entra'->>'mode' = 'managed') AS "entraManaged",
             count(*) FILTER (WHERE (data->'entra'->>'azureRbac')::boolean) AS "azureRbac",
             count(*) FILTER (WHERE (data->>'workloadIdentityEnabled')::boolean) AS "workloadIdentity",
             coalesce(array_agg(natural_key), '{}') AS ids,
             coalesce(array_agg(data->>'name'), '{}') AS names
      FROM snapshot_records WHERE ${tenant} AND kind = 'cluster'`),
    keptAcrossRestarts("cluster-admin-holders", scope, () => standingClusterAdminHolders(scope)),
    // by rule and severity: one rule may raise findings of different severities
    db.$queryRaw<RuleCount[]>(Prisma.sql`
      SELECT data->>'ruleId' AS "ruleId", min(data->>'title') AS title, data->>'severity' AS severity,
             count(*) AS failing, count(DISTINCT cluster_id) AS clusters
      FROM snapshot_records WHERE ${tenant} AND kind = 'finding' AND data->>'status' = 'fail'
      GROUP BY 1, 3`),
    db.tenant.findUnique({ where: { id: scope.tenantId }, select: { id: true, displayName: true } }),
    principalSummaries(scope),
  ]);

  const clusters = clusterRows[0];
  const coverage = coverageSchema.catch({}).parse(scope.scan.coverage);
  // "Not read" and "partly read" are told apart: a private cluster whose API never answered was not read
  // at all, and saying "not read completely" of it misleads.
  const kubernetesUnread = { notRead: [] as string[], partial: [] as string[] };
  (clusters?.ids ?? []).forEach((id, index) => {
    const status = coverage[clusterSource(id)]?.status ?? "not-read";
    const name = clusters?.names[index] ?? id;
    if (status === "partial") kubernetesUnread.partial.push(name);
    else if (status !== "complete") kubernetesUnread.notRead.push(name);
  });
  kubernetesUnread.notRead.sort();
  kubernetesUnread.partial.sort();
  const notRead = kubernetesUnread.notRead.length + kubernetesUnread.partial.length;

  // The card's number IS the length of the list it links to (/principals?level=cluster-admin): the same
  // summaries and the same filter, groups included (a group bound to cluster-admin is a holder as much as
  // its members are; the card says how many of them are groups).
  const holders = filterPrincipals(principals, CLUSTER_ADMIN_LIST.params);
  const { byKind: adminsByKind, viaLocalAccount } = admins;
  const clusterAdmins = holders.length;
  const clusterAdminGroups = holders.filter((h) => h.kind === "Group" || h.kind === "KubernetesGroup").length;
  // Holders whose cluster-admin needs a PIM activation wherever they have it. "Who can be cluster-admin"
  // counts them apart ("N more through PIM"), so the card says how many of its number they are: otherwise
  // the card and the table under it give two different counts of holders side by side.
  const clusterAdminEligibleOnly =
    clusterAdmins -
    filterPrincipals(principals, { ...CLUSTER_ADMIN_LIST.params, holding: "standing" }).length;

  const failingBySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<
    Severity,
    number
  >;
  const rules = new Map<
    string,
    { ruleId: string; title: string; severity: Severity; failing: number; clusters: number }
  >();
  for (const row of ruleRows) {
    const severity = row.severity as Severity;
    if (severity in failingBySeverity) failingBySeverity[severity] += Number(row.failing);
    const rule = rules.get(row.ruleId);
    if (!rule) {
      rules.set(row.ruleId, {
        ruleId: row.ruleId,
        title: row.title,
        severity,
        failing: Number(row.failing),
        clusters: Number(row.clusters),
      });
      continue;
    }
    rule.failing += Number(row.failing);
    // a cluster may count under two severities: the larger count is a safe lower bound
    rule.clusters = Math.max(rule.clusters, Number(row.clusters));
    if (SEVERITY_RANK[severity] > SEVERITY_RANK[rule.severity]) rule.severity = severity;
  }

  const attention: AttentionItem[] = [];
  const { inherited } = admins;
  if (inherited > 0) {
    attention.push({
      id: "inherited-cluster-admin",
      severity: "critical",
      count: inherited,
      text: `${inherited} ${inherited === 1 ? "principal holds" : "principals hold"} cluster-admin through inherited Azure roles`,
      href: "/findings?rule=admin-credential-via-broad-role",
    });
  }
  for (const row of rules.values()) {
    const n = row.ruleId === "local-accounts-enabled" ? row.clusters : row.failing;
    if (row.ruleId === "admin-credential-via-broad-role" && inherited > 0) continue;
    const sentence = RULE_SENTENCES[row.ruleId];
    attention.push({
      id: row.ruleId,
      severity: row.severity,
      count: n,
      text: sentence ? sentence.text(n) : `${n} × ${row.title}`,
      href: sentence?.href ?? `/findings?rule=${encodeURIComponent(row.ruleId)}`,
    });
  }
  if (notRead > 0) {
    attention.push({
      id: "clusters-not-read",
      severity: "medium",
      count: notRead,
      text: unreadSentence(kubernetesUnread),
      href: `/scans/${scope.scanId}`,
    });
  }
  attention.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.count - a.count || a.id.localeCompare(b.id),
  );

  return {
    scanId: scope.scanId.toString(),
    scan: scope.scan,
    tenant: tenantRow ?? { id: scope.tenantId, displayName: scope.tenantId },
    clusters: {
      total: Number(clusters?.total ?? 0),
      localAccountsEnabled: Number(clusters?.localAccounts ?? 0),
      entraManaged: Number(clusters?.entraManaged ?? 0),
      azureRbac: Number(clusters?.azureRbac ?? 0),
      workloadIdentity: Number(clusters?.workloadIdentity ?? 0),
      kubernetesNotRead: notRead,
      /** names of the clusters whose Kubernetes API was not read at all, and of those read in part */
      kubernetesUnread,
    },
    clusterAdmins: {
      principals: clusterAdmins,
      groups: clusterAdminGroups,
      /** of `principals`, those whose cluster-admin is eligible (PIM) only, nowhere standing */
      eligibleOnly: clusterAdminEligibleOnly,
      viaLocalAccount,
      inherited,
      byKind: adminsByKind,
    },
    failingBySeverity,
    attention,
  };
}

/** "Kubernetes API of aks-data not read; of aks-x read in part" */
export function unreadSentence(unread: { notRead: string[]; partial: string[] }): string {
  const parts: string[] = [];
  if (unread.notRead.length > 0)
    parts.push(`Kubernetes API of ${unread.notRead.join(", ")} not read (private or unreachable)`);
  if (unread.partial.length > 0) parts.push(`Kubernetes API of ${unread.partial.join(", ")} read in part`);
  return parts.join("; ");
}

type Overview = Awaited<ReturnType<typeof readOverview>>;
export type OverviewResponse = Overview;
