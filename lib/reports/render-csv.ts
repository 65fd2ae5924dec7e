import type { ReportContent } from "@/lib/reports/report-schema";

// CSV: one row per (finding, control) pair, so a spreadsheet can pivot by framework and control.
// RFC 4180 quoting, CRLF line ends, and cells that a spreadsheet would run as a formula are defused.

export const CSV_COLUMNS = [
  "report_id",
  "scan_id",
  "framework",
  "control_id",
  "control_title",
  "control_status",
  "rule_id",
  "finding_status",
  "severity",
  "cluster",
  "cluster_id",
  "subject_kind",
  "subject",
  "subject_id",
  "title",
  "evidence",
  "remediation",
  "az_cli",
  "kubectl",
] as const;

/**
 * Quotes a cell when needed; a leading = + - @ tab or CR would make Excel or Sheets evaluate it
 * (CSV injection), so such cells get a leading apostrophe.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function renderReportCsv(content: ReportContent): string {
  const controls = new Map(content.controls.map((c) => [`${c.framework}|${c.id}`, c]));
  const rows: string[] = [CSV_COLUMNS.join(",")];
  for (const finding of content.findings) {
    const subject = finding.objects[0] ?? {
      kind: "cluster",
      id: finding.cluster.id,
      label: finding.cluster.name,
    };
    for (const ref of finding.controls) {
      const control = controls.get(`${ref.framework}|${ref.id}`);
      const row = [
        content.report.id,
        content.scan.id,
        ref.framework,
        ref.id,
        control?.title ?? ref.id,
        control?.status ?? "",
        finding.ruleId,
        finding.status,
        finding.severity,
        finding.cluster.name,
        finding.cluster.id,
        subject.kind,
        subject.label,
        subject.id,
        finding.title,
        finding.summary,
        finding.remediation.summary,
        finding.remediation.azCli ?? "",
        finding.remediation.kubectl ?? "",
      ];
      rows.push(row.map(csvCell).join(","));
    }
  }
  return `${rows.join("\r\n")}\r\n`;
}
