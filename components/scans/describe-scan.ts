import { plural } from "@/components/ui/format";

// A scan in words a platform engineer reads without knowing the scanner's internals: who started it,
// what each source is, why one was not read, and what the counters mean. Pure, so it is tested as a table.

const TRIGGER_LABEL: Record<string, string> = {
  manual: "manual",
  api: "API",
  cli: "command line",
  startup: "at start",
  schedule: "scheduled",
  cron: "cron",
  "demo-history": "demo history",
};

/** "manual", "scheduled", "demo history" … (an unknown trigger is shown as stored). */
export function triggerLabel(trigger: string): string {
  return TRIGGER_LABEL[trigger] ?? trigger;
}

/** One sentence under a scan's title when its date is part of the demo's story rather than the clock's. */
export function triggerNote(trigger: string): string | null {
  return trigger === "demo-history"
    ? "Demo history: an earlier state of the demo tenant, scanned when this app first started and dated back to tell its story."
    : null;
}

/** What the scan counted, in words; counters the reader need not see are left out. */
const COUNT_LABEL: Record<string, string> = {
  subscriptions: "Subscriptions",
  managementGroups: "Management groups",
  clusters: "Clusters",
  clustersRead: "Clusters whose Kubernetes API was read",
  identities: "Managed identities",
  federatedCredentials: "Federated credentials",
  roleDefinitions: "Role definitions",
  roleAssignments: "Role assignments",
  principals: "Users, groups and service principals",
  deletedPrincipals: "Deleted principals still referenced",
  groups: "Group memberships",
  kubernetesObjects: "Kubernetes objects",
  throttledResponses: "Throttled responses (429)",
  resourceGraphFallbacks: "Resource Graph fallbacks to ARM",
  "access.grant": "Access grants (who can do what, where)",
  "access.escalation": "Escalation paths",
  finding: "Findings",
};

export function countRows(counts: Record<string, number>): { key: string; label: string; value: string }[] {
  const rows: { key: string; label: string; value: string }[] = [];
  for (const [key, label] of Object.entries(COUNT_LABEL)) {
    if (counts[key] === undefined) continue;
    rows.push({ key, label, value: counts[key].toLocaleString("en-GB") });
  }
  // Time the scanner waited to respect the APIs' rate limits: a duration, not a count.
  if (counts.pacedMs !== undefined && counts.pacedMs > 0)
    rows.push({
      key: "pacedMs",
      label: "Waited for rate limits",
      value: `${(counts.pacedMs / 1000).toFixed(1)} s`,
    });
  return rows;
}

const API_FAMILY_LABEL: Record<string, string> = {
  arm: "Azure Resource Manager",
  "resource-graph": "Azure Resource Graph",
  graph: "Microsoft Graph",
  entra: "Entra ID (tokens)",
  kubernetes: "Kubernetes API servers",
};

export function apiFamilyLabel(family: string): string {
  return API_FAMILY_LABEL[family] ?? family;
}

export type SourceDescription = {
  /** "Cluster aks-data", "Subscription prod", "Directory (Entra ID and tenant-level Azure)" */
  label: string;
  /** "read", "partly read", "not read" */
  statusLabel: string;
  /** why, in words; null when it was read */
  explanation: string | null;
  /** the scanner's own words, for whoever has to fix it */
  technical: string | null;
};

const STATUS_LABEL: Record<string, string> = {
  complete: "read",
  partial: "partly read",
  "not-read": "not read",
};

const NETWORK_CODES =
  /\b(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|UND_ERR_CONNECT_TIMEOUT|fetch failed)\b/;

/**
 * One coverage entry in words. `source` is the scanner's key (`directory`, `sub:<id>`, `cluster:<arm id>`,
 * `pim:azure`), with the name and private-cluster flag the scan page looked up.
 */
export function describeSource(entry: {
  source: string;
  status: string;
  reason: string | null;
  /** the cluster's or subscription's name (lib/queries/get-scan.ts), null when unknown */
  name: string | null;
  privateCluster: boolean;
}): SourceDescription {
  const { source } = entry;
  const statusLabel = STATUS_LABEL[entry.status] ?? entry.status;
  const technical = entry.status === "complete" ? null : entry.reason;
  if (source.startsWith("cluster:")) {
    const id = source.slice("cluster:".length);
    const name = entry.name ?? id.split("/").pop() ?? id;
    let explanation: string | null = null;
    if (entry.status !== "complete") {
      const network = technical !== null && NETWORK_CODES.test(technical);
      if (entry.privateCluster && (network || entry.status === "not-read")) {
        explanation =
          "Private cluster: the API server is not reachable from the scanner's network. Its Azure side was read; its Kubernetes objects are carried forward from the last scan that read them (none if never).";
      } else if (network) {
        explanation =
          "The API server did not answer the scanner (network error). Its Kubernetes objects are carried forward from the last scan that read them.";
      } else if (technical && /Forbidden|HTTP403|AuthorizationFailed/.test(technical)) {
        explanation = "The scanner is not allowed to read this cluster's Kubernetes API (access denied).";
      } else if (technical && /ClusterTimeBudgetExceeded|Timeout|AbortError/.test(technical)) {
        explanation =
          "Reading this cluster took longer than its time budget; what was not read is carried forward.";
      } else {
        explanation =
          entry.status === "partial"
            ? "Some kinds of Kubernetes objects could not be listed; the others were read."
            : "The Kubernetes API could not be read; its objects are carried forward from the last scan that read them.";
      }
    }
    return { label: `Cluster ${name} (Kubernetes API)`, statusLabel, explanation, technical };
  }
  if (source.startsWith("sub:")) {
    const id = source.slice("sub:".length);
    return {
      label: entry.name ? `Subscription ${entry.name}` : `Subscription ${id}`,
      statusLabel,
      explanation:
        entry.status === "complete"
          ? null
          : entry.status === "not-read"
            ? "The subscription could not be read (not visible to the scanner, or the service refused); its resources are carried forward."
            : "Parts of the subscription could not be read; the rest was.",
      technical,
    };
  }
  if (source === "directory") {
    return {
      label: "Directory (Entra ID users, groups and tenant-level Azure roles)",
      statusLabel,
      explanation: entry.status === "complete" ? null : "Parts of the directory could not be read.",
      technical,
    };
  }
  if (source === "directory:pim") {
    return {
      label: "Privileged Identity Management (eligible directory roles and groups)",
      statusLabel,
      explanation:
        entry.status === "complete"
          ? null
          : "Eligible directory roles and group memberships could not be read (PIM needs an Entra ID P2 licence and read permission).",
      technical,
    };
  }
  if (source === "pim:azure") {
    return {
      label: "Privileged Identity Management (eligible Azure roles)",
      statusLabel,
      explanation:
        entry.status === "complete"
          ? null
          : "Eligible role assignments could not be read (PIM needs an Entra ID P2 licence and read permission).",
      technical,
    };
  }
  return { label: source, statusLabel, explanation: null, technical };
}

/** "1 cluster not read (private cluster aks-data)" style summary of a scan's coverage, or null when all read. */
export function coverageSentence(descriptions: readonly SourceDescription[]): string | null {
  const notRead = descriptions.filter((d) => d.statusLabel === "not read");
  const partial = descriptions.filter((d) => d.statusLabel === "partly read");
  const parts: string[] = [];
  if (notRead.length > 0) parts.push(`${plural(notRead.length, "source")} not read`);
  if (partial.length > 0) parts.push(`${plural(partial.length, "source")} partly read`);
  return parts.length > 0 ? parts.join(", ") : null;
}

const STATUS_RANK: Record<string, number> = { "not read": 0, "partly read": 1, read: 2 };

/** What was not read first, then what was read in part, then the rest by name. */
export function orderSources<T extends SourceDescription>(sources: readonly T[]): T[] {
  return [...sources].sort(
    (a, b) =>
      (STATUS_RANK[a.statusLabel] ?? 3) - (STATUS_RANK[b.statusLabel] ?? 3) || a.label.localeCompare(b.label),
  );
}
