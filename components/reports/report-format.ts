import { ROUTE_LABEL } from "@/lib/access/labels";
import type { AccessRoute } from "@/lib/access/types";
import type { FindingStatus } from "@/lib/findings/types";
import type { ReportContent, ReportFramework } from "@/lib/reports/report-schema";

// Wording and small pure helpers of the compliance report, shared by its components (the app's report page,
// the .html file, the share link and the PDF all render the same components).

export const STATUS_LABEL: Record<FindingStatus, string> = {
  pass: "Pass",
  fail: "Fail",
  "not-assessed": "Not assessed",
};

/** The access route as the pages word it (lib/access/labels.ts), capitalised as a table cell. */
export function routeLabel(route: string): string {
  if (!Object.hasOwn(ROUTE_LABEL, route)) return route;
  const label = ROUTE_LABEL[route as AccessRoute];
  return label.charAt(0).toUpperCase() + label.slice(1);
}

export function formatDate(iso: string | null): string {
  if (!iso) return "–";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // UTC, spelled out: a report is read in other time zones than the one it was made in.
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function controlLabel(framework: ReportFramework, id: string): string {
  if (framework === "cis-aks") return `CIS AKS ${id}`;
  if (framework === "cis-k8s") return `CIS Kubernetes ${id}`;
  if (framework === "azure-policy") return `Azure Policy ${id.slice(0, 8)}…`;
  return id;
}

export const EVENT_LABEL: Record<string, string> = {
  "access.gained": "Access gained",
  "access.lost": "Access lost",
  "access.changed": "Access changed",
  "escalation.gained": "Escalation gained",
  "escalation.lost": "Escalation lost",
  "escalation.changed": "Escalation changed",
  "finding.opened": "Finding opened",
  "finding.resolved": "Finding resolved",
  "finding.changed": "Finding changed",
  "object.added": "Added",
  "object.removed": "Removed",
  "object.changed": "Changed",
};

export type ReportSection = { id: string; title: string; children?: { id: string; title: string }[] };

/** The numbered sections, in order: the contents list them and the PDF looks up the page of each. */
export function reportSections(content: ReportContent): ReportSection[] {
  return [
    { id: "summary", title: "Summary" },
    {
      id: "controls",
      title: "Controls",
      children: content.frameworks.map((f) => ({ id: `controls-${f.framework}`, title: f.title })),
    },
    { id: "cluster-admins", title: "Who holds cluster-admin" },
    { id: "drift", title: "Changes since the previous report" },
    { id: "findings", title: "Failing findings" },
    { id: "remediation", title: "Remediation" },
    { id: "about", title: "About this report" },
  ];
}

/**
 * Names for tables that share their columns (one per framework, one per cluster), unique as landmark names
 * must be (axe landmark-unique): the first keeps the plain name, the next ones add the heading above them
 * (the cluster's or framework's), and a name still taken gets " (2)", " (3)"…
 */
export function uniqueTableLabels(tables: readonly { label: string; heading: string }[]): string[] {
  const used = new Set<string>();
  return tables.map(({ label: base, heading }) => {
    let label = used.has(base) && heading ? `${base}, ${heading}` : base;
    for (let n = 2; used.has(label); n++) label = `${label.replace(/ \(\d+\)$/, "")} (${n})`;
    used.add(label);
    return label;
  });
}
