import { ROUTE_LABEL } from "@/lib/access/labels";
import type { AccessRoute, PathStep } from "@/lib/access/types";
import type { FindingStatus } from "@/lib/findings/types";
import type {
  ClusterAdmins,
  ReportContent,
  ReportControl,
  ReportFinding,
  ReportFramework,
} from "@/lib/reports/report-schema";
import { PRINT_PAGE_CSS, REPORT_CSS } from "@/lib/reports/report-styles";

// One rendering of a report as HTML, used everywhere a report is shown: the in-app page (fragment),
// the .html download and the public share page (document), and the PDF (document in print mode).
// Every value from the content goes through esc(): report content is data, never markup.

export type ReportHtmlOptions = {
  /** page number of each section id, when known (the PDF renderer's second pass) */
  tocPages?: Readonly<Record<string, number>>;
  /** download links for the header (screen only) */
  downloads?: readonly { label: string; href: string }[];
  /** extra <head> elements' values for standalone documents */
  robots?: "noindex";
  /** a line above the cover (screen only), e.g. how a shared copy reached its reader */
  notice?: string;
};

export function esc(value: string | number): string {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const STATUS_LABEL: Record<FindingStatus, string> = {
  pass: "Pass",
  fail: "Fail",
  "not-assessed": "Not assessed",
};
/** The access route as the pages word it (lib/access/labels.ts), capitalised as a table cell. */
function routeLabel(route: string): string {
  if (!Object.hasOwn(ROUTE_LABEL, route)) return route;
  const label = ROUTE_LABEL[route as AccessRoute];
  return label.charAt(0).toUpperCase() + label.slice(1);
}

const statusBadge = (status: FindingStatus) =>
  `<span class="badge s-${status}">${esc(STATUS_LABEL[status])}</span>`;
const severityLabel = (severity: string) => `<span class="sev sev-${esc(severity)}">${esc(severity)}</span>`;

function formatDate(iso: string | null): string {
  if (!iso) return "–";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // UTC, spelled out: a report is read in other time zones than the one it was made in.
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function renderPath(path: readonly PathStep[]): string {
  return `<div class="path">${path.map((step) => esc(step.label)).join('<span class="arrow" aria-hidden="true">→</span>')}</div>`;
}

function renderPaths(paths: readonly PathStep[][], total: number, max = 2): string {
  if (paths.length === 0) return "";
  const shown = paths.slice(0, max);
  const more = total - shown.length;
  return (
    shown.map(renderPath).join("") + (more > 0 ? `<div class="path">and ${esc(more)} more path(s)</div>` : "")
  );
}

type Section = { id: string; title: string; children?: { id: string; title: string }[] };

function sections(content: ReportContent): Section[] {
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

function renderToc(content: ReportContent, pages?: Readonly<Record<string, number>>): string {
  const page = (id: string) =>
    pages
      ? `<span class="leader" aria-hidden="true"></span><span class="page">${esc(pages[id] ?? "")}</span>`
      : "";
  const items = sections(content).flatMap((section, index) => [
    `<li><a href="#${section.id}">${index + 1}. ${esc(section.title)}</a>${page(section.id)}</li>`,
    ...(section.children ?? []).map(
      (child, childIndex) =>
        `<li class="sub"><a href="#${child.id}">${index + 1}.${childIndex + 1} ${esc(child.title)}</a>${page(child.id)}</li>`,
    ),
  ]);
  return `<nav class="toc" aria-labelledby="toc-heading"><h2 id="toc-heading" class="toc-heading">Contents</h2><ol>${items.join("")}</ol></nav>`;
}

function renderCover(content: ReportContent, options: ReportHtmlOptions): string {
  const frameworks = content.frameworks.map((f) => esc(f.title)).join(", ");
  const downloads = options.downloads?.length
    ? `<p class="screen-only small">Download: ${options.downloads
        .map((d) => `<a href="${esc(d.href)}">${esc(d.label)}</a>`)
        .join(" · ")}</p>`
    : "";
  const redacted = content.report.redacted
    ? `<p class="redacted-note">Personal data is redacted in this copy: user names, user principal names and e-mail addresses are replaced by pseudonyms such as “User 3f2a”, the same for one person throughout this report.</p>`
    : "";
  const notice = options.notice ? `<p class="share-note screen-only">${esc(options.notice)}</p>\n` : "";
  return `<header class="cover">
${notice}<p class="eyebrow">AKS Identity Atlas · Compliance report</p>
<h1>${esc(content.report.title)}</h1>
<p class="subtitle">${esc(content.scope.description)}</p>
<dl class="meta">
<dt>Report</dt><dd>#${esc(content.report.id)}, created ${esc(formatDate(content.report.createdAt))}</dd>
<dt>Tenant</dt><dd>${esc(content.tenant.displayName)} <span class="muted small">(${esc(content.tenant.id)})</span></dd>
<dt>Scan</dt><dd>#${esc(content.scan.id)}, ${esc(content.scan.status)}, finished ${esc(formatDate(content.scan.finishedAt))}</dd>
<dt>Frameworks</dt><dd>${frameworks}</dd>
<dt>Clusters</dt><dd>${content.scope.clusters.length === 0 ? "none" : content.scope.clusters.map((c) => esc(c.name)).join(", ")}</dd>
<dt>Product</dt><dd>AKS Identity Atlas ${esc(content.report.productVersion)}</dd>
</dl>
${redacted}${downloads}
</header>`;
}

function countsBar(counts: { pass: number; fail: number; notAssessed: number }): string {
  const total = counts.pass + counts.fail + counts.notAssessed;
  if (total === 0) return `<div class="bar" aria-hidden="true"></div>`;
  const pct = (n: number) => ((n / total) * 100).toFixed(2);
  return `<div class="bar" aria-hidden="true"><span class="b-pass" style="width:${pct(counts.pass)}%"></span><span class="b-fail" style="width:${pct(counts.fail)}%"></span><span class="b-na" style="width:${pct(counts.notAssessed)}%"></span></div>`;
}

function renderSummary(content: ReportContent): string {
  const cards = content.frameworks
    .map(
      (f) => `<div class="card">
<div class="label">${esc(f.title)}</div>
<div class="score">${f.score === null ? "–" : `${esc(f.score)}%`}</div>
${countsBar(f.controls)}
<div class="small">${esc(f.controls.pass)} of ${esc(f.controls.pass + f.controls.fail)} assessed controls pass · ${esc(f.controls.fail)} fail · ${esc(f.controls.notAssessed)} not assessed</div>
</div>`,
    )
    .join("");
  const sev = content.summary.failingBySeverity;
  const incomplete = content.scan.incompleteSources.length
    ? `<p class="note">The scan could not read everything in scope: ${content.scan.incompleteSources
        .map((s) => `${esc(s.label)} (${esc(s.status)}${s.reason ? `: ${esc(s.reason)}` : ""})`)
        .join("; ")}. Findings that depend on what was not read are “not assessed”, never “pass”.</p>`
    : "";
  return `<section aria-labelledby="summary">
<h2 id="summary">1. Summary</h2>
<p>The score of a framework is the share of its assessed controls that pass: a control fails when any finding behind it fails on any cluster in scope.</p>
<div class="cards">${cards}</div>
<table>
<caption>Findings in scope</caption>
<thead><tr><th>Clusters</th><th class="num">Failing</th><th class="num">Critical</th><th class="num">High</th><th class="num">Medium</th><th class="num">Low</th><th class="num">Passing</th><th class="num">Not assessed</th><th class="num">Cluster-admin holders</th></tr></thead>
<tbody><tr><td>${esc(content.summary.clusters)}</td><td class="num">${esc(content.summary.findings.fail)}</td><td class="num">${esc(sev.critical ?? 0)}</td><td class="num">${esc(sev.high ?? 0)}</td><td class="num">${esc(sev.medium ?? 0)}</td><td class="num">${esc(sev.low ?? 0)}</td><td class="num">${esc(content.summary.findings.pass)}</td><td class="num">${esc(content.summary.findings.notAssessed)}</td><td class="num">${esc(content.summary.clusterAdminHolders)}${content.summary.eligibleClusterAdminHolders ? `<div class="small muted">+ ${esc(content.summary.eligibleClusterAdminHolders)} eligible</div>` : ""}</td></tr></tbody>
</table>
${incomplete}
${renderClusterTable(content)}
</section>`;
}

function renderClusterTable(content: ReportContent): string {
  if (content.scope.clusters.length === 0) return `<p class="muted">No cluster in scope.</p>`;
  const rows = content.scope.clusters.map((cluster) => {
    const findings = content.findings.filter((f) => f.cluster.id === cluster.id);
    const failing = findings.filter((f) => f.status === "fail");
    const critical = failing.filter((f) => f.severity === "critical").length;
    const holders = content.clusterAdmins.find((c) => c.cluster.id === cluster.id)?.holders.length ?? 0;
    return `<tr><td><strong>${esc(cluster.name)}</strong><div class="small muted">${esc(cluster.resourceGroup)}</div></td><td class="num">${esc(failing.length)}</td><td class="num">${esc(critical)}</td><td class="num">${esc(findings.filter((f) => f.status === "pass").length)}</td><td class="num">${esc(holders)}</td><td>${cluster.kubernetesAssessed ? "read completely" : "<strong>not read</strong>"}</td></tr>`;
  });
  return `<table>
<caption>Clusters in scope</caption>
<thead><tr><th>Cluster</th><th class="num">Failing</th><th class="num">Critical</th><th class="num">Passing</th><th class="num">Cluster-admin holders</th><th>Kubernetes API</th></tr></thead>
<tbody>${rows.join("")}</tbody>
</table>`;
}

/** Failing results listed under one control; section 5 (and the CSV) list every one. */
const MAX_CONTROL_EVIDENCE = 12;

function renderControlEvidence(control: ReportControl, findings: ReadonlyMap<string, ReportFinding>): string {
  const behind = control.findingKeys.map((k) => findings.get(k)).filter((f): f is ReportFinding => !!f);
  if (behind.length === 0) return `<span class="muted">No rule result in scope.</span>`;
  const failing = behind.filter((f) => f.status === "fail");
  const clustersWith = (status: FindingStatus) => [
    ...new Set(behind.filter((f) => f.status === status).map((f) => f.cluster.name)),
  ];
  const parts: string[] = [];
  if (failing.length) {
    const more = failing.length - MAX_CONTROL_EVIDENCE;
    parts.push(
      `<ul class="evidence">${failing
        .slice(0, MAX_CONTROL_EVIDENCE)
        .map((f) => `<li><strong>${esc(f.cluster.name)}</strong>: ${esc(f.summary)}</li>`)
        .join(
          "",
        )}</ul>${more > 0 ? `<div class="small">and ${esc(more)} more failing result(s), all listed in section 5 and in the CSV.</div>` : ""}`,
    );
  }
  const passing = clustersWith("pass");
  if (passing.length) parts.push(`<div class="small muted">Passes on ${esc(passing.join(", "))}.</div>`);
  const unknown = clustersWith("not-assessed");
  if (unknown.length)
    parts.push(`<div class="small muted">Not assessed on ${esc(unknown.join(", "))}.</div>`);
  return parts.join("");
}

function renderControls(content: ReportContent): string {
  const findings = new Map(content.findings.map((f) => [f.key, f]));
  const blocks = content.frameworks.map((framework, index) => {
    const rows = content.controls
      .filter((c) => c.framework === framework.framework)
      .map(
        (c) => `<tr>
<td><strong>${esc(controlLabel(c.framework, c.id))}</strong><div class="small">${esc(c.title)}</div></td>
<td>${statusBadge(c.status)}</td>
<td class="num">${esc(c.counts.pass)}</td><td class="num">${esc(c.counts.fail)}</td><td class="num">${esc(c.counts.notAssessed)}</td>
<td class="wrap">${renderControlEvidence(c, findings)}</td>
</tr>`,
      )
      .join("");
    return `<h3 id="controls-${esc(framework.framework)}">2.${index + 1} ${esc(framework.title)} <span class="muted small">score ${framework.score === null ? "–" : `${esc(framework.score)}%`}</span></h3>
<table>
<colgroup><col style="width:24%"><col style="width:10%"><col style="width:7%"><col style="width:7%"><col style="width:9%"><col></colgroup>
<thead><tr><th>Control</th><th>Status</th><th class="num">Pass</th><th class="num">Fail</th><th class="num">Not assessed</th><th>Evidence</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
  });
  return `<section aria-labelledby="controls">
<h2 id="controls">2. Controls</h2>
<p>Each control with the number of rule results (one per cluster and subject) that pass, fail or could not be assessed, and the evidence behind them.</p>
${blocks.join("")}
</section>`;
}

function controlLabel(framework: ReportFramework, id: string): string {
  if (framework === "cis-aks") return `CIS AKS ${id}`;
  if (framework === "cis-k8s") return `CIS Kubernetes ${id}`;
  if (framework === "azure-policy") return `Azure Policy ${id.slice(0, 8)}…`;
  return id;
}

/** Beyond this many holders a cluster's list is printed compactly: names by route, without paths. */
const MAX_DETAILED_HOLDERS = 40;

type HolderList = Pick<ClusterAdmins, "holders">;

function renderHolderTable(entry: HolderList): string {
  const rows = entry.holders
    .map(
      (holder) => `<tr>
<td><strong>${esc(holder.principal.displayName)}</strong><div class="small muted">${esc(holder.principal.kind)}</div></td>
<td class="wrap">${holder.routes.map((r) => `<div>${esc(routeLabel(r.route))}</div>`).join("")}</td>
<td class="wrap">${holder.routes.map((r) => renderPaths(r.paths, r.pathCount ?? r.paths.length, 1)).join("")}</td>
</tr>`,
    )
    .join("");
  return `<table><colgroup><col style="width:22%"><col style="width:22%"><col></colgroup><thead><tr><th>Holder</th><th>Route</th><th>How</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function renderHolderList(entry: HolderList): string {
  const byRoute = new Map<string, string[]>();
  for (const holder of entry.holders) {
    for (const { route } of holder.routes) {
      byRoute.set(route, [
        ...(byRoute.get(route) ?? []),
        `${holder.principal.displayName} (${holder.principal.kind})`,
      ]);
    }
  }
  return `<p class="small muted">${esc(entry.holders.length)} holders: listed by route; the JSON download has the path of each.</p>${[
    ...byRoute.entries(),
  ]
    .map(
      ([route, names]) =>
        `<h4>${esc(routeLabel(route))} <span class="muted small">(${esc(names.length)})</span></h4><p class="small wrap">${names.map(esc).join(", ")}</p>`,
    )
    .join("")}`;
}

function renderClusterAdmins(clusterAdmins: readonly ClusterAdmins[]): string {
  const blocks = clusterAdmins.map((entry) => {
    const note = entry.kubernetesAssessed
      ? ""
      : `<p class="note small">The scan could not read this cluster's Kubernetes API: holders through Kubernetes RBAC bindings are unknown; the Azure routes below are complete.</p>`;
    const body =
      entry.holders.length === 0
        ? `<p class="muted">Nobody holds cluster-admin on this cluster through a route the scan could read.</p>`
        : entry.holders.length > MAX_DETAILED_HOLDERS
          ? renderHolderList(entry)
          : renderHolderTable(entry);
    // Eligible (PIM) holders apart: not cluster-admin now, cluster-admin once they activate.
    const eligible = entry.eligibleHolders ?? [];
    const eligibleBody =
      eligible.length === 0
        ? ""
        : `<h4>Eligible through PIM <span class="muted small">${esc(eligible.length)} (not standing: cluster-admin once activated)</span></h4>${
            eligible.length > MAX_DETAILED_HOLDERS
              ? renderHolderList({ holders: eligible })
              : renderHolderTable({ holders: eligible })
          }`;
    const counts = `${esc(entry.holders.length)} standing holder(s)${eligible.length > 0 ? `, ${esc(eligible.length)} eligible` : ""}`;
    return `<h3>${esc(entry.cluster.name)} <span class="muted small">${counts}</span></h3>${note}${body}${eligibleBody}`;
  });
  return `<section aria-labelledby="cluster-admins">
<h2 id="cluster-admins">3. Who holds cluster-admin</h2>
<p>Everyone who can act as cluster-admin on each cluster now (standing), then who can once they activate a PIM eligible assignment or group membership (eligible), and the route that gives it: membership of the Entra admin group, Azure RBAC for Kubernetes, Kubernetes RBAC bindings, or the local admin credential (any Azure role with <code>listClusterAdminCredential</code> while local accounts are enabled).</p>
${blocks.join("") || `<p class="muted">No cluster in scope.</p>`}
</section>`;
}

function renderDrift(content: ReportContent): string {
  const drift = content.drift;
  if (!drift.previousReport) {
    return `<section aria-labelledby="drift"><h2 id="drift">4. Changes since the previous report</h2>
<p>This is the first report of this scope: there is nothing to compare with yet. The next report of the same scope will list what changed since this one.</p></section>`;
  }
  const findingRows = (list: typeof drift.findings.newlyFailing) =>
    list
      .map(
        (f) =>
          `<tr><td>${severityLabel(f.severity)}</td><td>${esc(f.cluster.name)}</td><td><strong>${esc(f.title)}</strong><div class="small">${esc(f.summary)}</div></td></tr>`,
      )
      .join("");
  const adminRows = (list: typeof drift.clusterAdmins.gained) =>
    list
      .map(
        (a) =>
          `<tr><td>${esc(a.cluster.name)}</td><td>${esc(a.principal.displayName)} <span class="small muted">${esc(a.principal.kind)}</span></td><td>${a.routes.map((r) => esc(routeLabel(r))).join(", ")}</td></tr>`,
      )
      .join("");
  const findingTable = (caption: string, list: typeof drift.findings.newlyFailing) =>
    list.length
      ? `<table><caption>${esc(caption)} (${list.length})</caption><thead><tr><th>Severity</th><th>Cluster</th><th>Finding</th></tr></thead><tbody>${findingRows(list)}</tbody></table>`
      : `<p><strong>${esc(caption)}:</strong> none.</p>`;
  const adminTable = (caption: string, list: typeof drift.clusterAdmins.gained) =>
    list.length
      ? `<table><caption>${esc(caption)} (${list.length})</caption><thead><tr><th>Cluster</th><th>Principal</th><th>Route</th></tr></thead><tbody>${adminRows(list)}</tbody></table>`
      : `<p><strong>${esc(caption)}:</strong> none.</p>`;
  return `<section aria-labelledby="drift">
<h2 id="drift">4. Changes since the previous report</h2>
<p>Compared with report #${esc(drift.previousReport.id)} of ${esc(formatDate(drift.previousReport.createdAt))} (scan #${esc(drift.previousReport.scanId)}), over ${esc(drift.comparedFrameworks.length)} framework(s) both reports cover.</p>
${findingTable("Newly failing", drift.findings.newlyFailing)}
${findingTable("Resolved", drift.findings.resolved)}
${adminTable("Gained cluster-admin", drift.clusterAdmins.gained)}
${adminTable("Lost cluster-admin", drift.clusterAdmins.lost)}
${renderScanEvents(drift.scanEvents)}
</section>`;
}

const EVENT_LABEL: Record<string, string> = {
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

function renderScanEvents(events: ReportContent["drift"]["scanEvents"]): string {
  if (!events) return "";
  const heading = `<h3>Every change between scan #${esc(events.fromScan)} and scan #${esc(events.toScan)}</h3>`;
  if (events.total === 0)
    return `${heading}<p>No object, access or finding in scope changed between the two scans.</p>`;
  const rows = events.events
    .map(
      (e) =>
        `<tr><td>${severityLabel(e.severity)}</td><td>${esc(EVENT_LABEL[e.kind] ?? e.kind)}</td><td>${esc(e.cluster?.name ?? "tenant")}</td><td class="wrap">${esc(e.message)}</td></tr>`,
    )
    .join("");
  const omitted = events.total - events.events.length;
  return `${heading}
<p>${esc(events.total)} change(s) in scope: ${(["critical", "high", "medium", "low", "info"] as const)
    .map((sev) => `${esc(events.bySeverity[sev] ?? 0)} ${sev}`)
    .join(", ")}.${omitted > 0 ? ` The ${esc(events.events.length)} most severe are listed.` : ""}</p>
<table><colgroup><col style="width:11%"><col style="width:16%"><col style="width:14%"><col></colgroup>
<thead><tr><th>Severity</th><th>Change</th><th>Cluster</th><th>What changed</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function renderFindings(content: ReportContent): string {
  const failing = content.findings.filter((f) => f.status === "fail");
  const cards = failing
    .map((f) => {
      const controls = f.controls.map((c) => esc(controlLabel(c.framework, c.id))).join(", ");
      return `<div class="finding sev-border-${esc(f.severity)}">
<div class="head">${severityLabel(f.severity)}<span class="title">${esc(f.title)}</span><span class="muted">on ${esc(f.cluster.name)}</span></div>
<p>${esc(f.summary)}</p>
${renderPaths(f.paths, f.pathCount ?? f.paths.length)}
<div class="small muted">Controls: ${controls} · Rule ${esc(f.ruleId)}</div>
</div>`;
    })
    .join("");
  return `<section aria-labelledby="findings">
<h2 id="findings">5. Failing findings</h2>
<p>${esc(failing.length)} failing finding(s), most severe first. Each names what it is about and, where access is involved, the path that grants it.</p>
${cards || `<p class="muted">No failing finding in scope.</p>`}
</section>`;
}

function renderRemediation(content: ReportContent): string {
  const steps = content.remediation
    .map((step, index) => {
      const commands = [
        { label: "Azure CLI", lines: step.azCli },
        { label: "kubectl", lines: step.kubectl },
        { label: "Terraform", lines: step.terraform },
      ].filter((c) => c.lines.length > 0);
      return `<div class="step">
<h3 class="step-title">${index + 1}. ${esc(step.title)} ${severityLabel(step.severity)}</h3>
<p class="small muted">${esc(step.failing)} failing finding(s) on ${esc(step.clusters.join(", "))}</p>
${step.summaries.map((s) => `<p>${esc(s)}</p>`).join("")}
${commands.map((c) => `<div class="small muted">${esc(c.label)}</div><pre>${c.lines.map(esc).join("\n")}</pre>`).join("")}
</div>`;
    })
    .join("");
  return `<section aria-labelledby="remediation">
<h2 id="remediation">6. Remediation</h2>
<p>What to change, most severe first, with the commands for each cluster concerned.</p>
${steps || `<p class="muted">Nothing to remediate in scope.</p>`}
</section>`;
}

function renderAbout(content: ReportContent): string {
  const notAssessed = content.findings.filter((f) => f.status === "not-assessed");
  const table = notAssessed.length
    ? `<table><caption>Not assessed (${notAssessed.length})</caption><thead><tr><th>Cluster</th><th>Rule</th><th>Why</th></tr></thead><tbody>${notAssessed
        .map(
          (f) =>
            `<tr><td>${esc(f.cluster.name)}</td><td>${esc(f.title)}</td><td class="small">${esc(f.summary)}</td></tr>`,
        )
        .join("")}</tbody></table>`
    : "";
  return `<section aria-labelledby="about">
<h2 id="about">7. About this report</h2>
<p>This report is frozen: it shows what scan #${esc(content.scan.id)} of tenant ${esc(content.tenant.displayName)} found (started ${esc(formatDate(content.scan.startedAt))}, scanner ${esc(content.scan.productVersion || "unknown version")}), and later scans never change it. It was created by AKS Identity Atlas ${esc(content.report.productVersion)} on ${esc(formatDate(content.report.createdAt))}.</p>
<p><strong>Statuses.</strong> A rule result <em>fails</em> when the scan proves the problem, <em>passes</em> when the scan proves its absence, and is <em>not assessed</em> when the scan could not read what the rule needs (for example a private cluster's Kubernetes API). A control passes when no result behind it fails and at least one passes.</p>
${table}
</section>`;
}

/**
 * Each table in a box that scrolls sideways on a narrow screen, so the page itself never grows wider than
 * the phone (issue 16 #5: the shared report was 636 px wide at 390 px). The box is a named, focusable
 * region so the keyboard can scroll it (WCAG 2.1.1). Tables here are never nested and every datum is
 * escaped, so `<table>` only ever opens one of ours.
 */
function scrollableTables(html: string): string {
  const text = (fragment: string) =>
    fragment
      .replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
  const used = new Set<string>();
  return html.replace(/<table>([\s\S]*?)<\/table>/g, (table, inner: string, offset: number) => {
    const caption = /<caption>([\s\S]*?)<\/caption>/.exec(inner);
    const head = /<thead>([\s\S]*?)<\/thead>/.exec(inner);
    let label = caption
      ? text(caption[1])
      : `Table of ${text(head?.[1] ?? "")
          .split(" ")
          .slice(0, 6)
          .join(" ")}`;
    // one table per cluster shares its columns: the heading above it (the cluster's name) tells them
    // apart, as landmarks must have unique names (axe landmark-unique)
    if (used.has(label)) {
      const headings = [...html.slice(0, offset).matchAll(/<h[2-4][^>]*>([\s\S]*?)<\/h[2-4]>/g)];
      const above = headings.at(-1)?.[1].replace(/<span[^>]*>[\s\S]*?<\/span>/g, "");
      if (above) label = `${label}, ${text(above)}`;
    }
    for (let n = 2; used.has(label); n++) label = `${label.replace(/ \(\d+\)$/, "")} (${n})`;
    used.add(label);
    return `<div class="table-scroll" role="region" tabindex="0" aria-label="${label}">${table}</div>`;
  });
}

/** The report body, scoped under `.atlas-report` (the app page puts REPORT_CSS next to it). */
export function renderReportFragment(content: ReportContent, options: ReportHtmlOptions = {}): string {
  return scrollableTables(`<article class="atlas-report" lang="en">
${renderCover(content, options)}
${renderToc(content, options.tocPages)}
${renderSummary(content)}
${renderControls(content)}
${renderClusterAdmins(content.clusterAdmins)}
${renderDrift(content)}
${renderFindings(content)}
${renderRemediation(content)}
${renderAbout(content)}
<footer class="colophon">AKS Identity Atlas ${esc(content.report.productVersion)} · report #${esc(content.report.id)} · report schema version ${esc(content.schemaVersion)}</footer>
</article>`);
}

/** A standalone document: the .html download, the share page and the PDF's source. */
export function renderReportDocument(content: ReportContent, options: ReportHtmlOptions = {}): string {
  const robots = options.robots ? `<meta name="robots" content="${esc(options.robots)}">\n` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${robots}<meta name="referrer" content="no-referrer">
<title>${esc(content.report.title)} · report #${esc(content.report.id)}</title>
<style>
html, body { margin: 0; background: #ffffff; }
${PRINT_PAGE_CSS}
${REPORT_CSS}
</style>
</head>
<body>
<main>
${renderReportFragment(content, options)}
</main>
</body>
</html>
`;
}
