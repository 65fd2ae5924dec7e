import { canonicalJson } from "@/lib/model/records";
import type { ReportContent } from "@/lib/reports/report-schema";

/**
 * The JSON download: the report content with sorted keys, indented for people who open it. The same
 * content always gives the same bytes (canonical key order), so a download can be checked against the
 * report's content hash by re-canonicalising it.
 */
export function renderReportJson(content: ReportContent): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(content)), null, 2)}\n`;
}
