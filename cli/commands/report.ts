import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { closePool } from "@/lib/db/pool";
import { issuesMessage } from "@/lib/http/params";
import { REPORT_FRAMEWORKS } from "@/lib/reports/frameworks";
import { closePdfBrowser, PdfUnavailableError } from "@/lib/reports/render-pdf";
import { ReportInputError, ReportNotFoundError } from "@/lib/reports/report-errors";
import { renderReport, reportFormatSchema } from "@/lib/reports/report-formats";
import { createReport, createReportInputSchema, loadReportContent } from "@/lib/reports/report-store";
import { printJson, withCliDatabase } from "../cli-database";
import { CliError } from "../cli-error";

interface ReportOptions {
  scan?: string;
  id?: string;
  tenant?: string;
  cluster: string[];
  subscription: string[];
  framework: string[];
  title?: string;
  redact?: boolean;
  format: string;
  out?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `aks-atlas report`: creates a compliance report from a scan (stored, frozen, listed in the app like any
 * other) and writes it as a file; with --id, writes an existing report instead.
 */
export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description("Create a compliance report from a scan and write it as PDF, HTML, CSV or JSON")
    .option("--scan <id>", "the scan to report on (default: the latest completed scan)")
    .option("--id <reportId>", "write this existing report instead of creating one")
    .option("--tenant <id>", "the tenant whose latest scan to use (default: the latest scan of any tenant)")
    .option("--cluster <name|id>", "limit to this cluster (repeatable)", collect, [])
    .option("--subscription <id>", "limit to this subscription's clusters (repeatable)", collect, [])
    .option(
      "--framework <id>",
      `frameworks to report against (repeatable): ${REPORT_FRAMEWORKS.map((f) => f.id).join(", ")}; default cis-aks, azure-policy, aks-identity-guide`,
      collect,
      [],
    )
    .option("--title <text>", "the report's title")
    .option("--redact", "pseudonymise user names, user principal names and e-mail addresses")
    .option("--format <format>", "pdf, html, csv or json", "pdf")
    .option("--out <file>", "where to write it (default: atlas-report-<id>.<format> here)")
    .option("--json", "print the report's metadata as JSON")
    .action(async (options: ReportOptions) => {
      const format = reportFormatSchema.safeParse(options.format.toLowerCase());
      if (!format.success)
        throw new CliError(`--format must be pdf, html, csv or json, got "${options.format}"`);
      if (options.id !== undefined && !/^[1-9]\d{0,17}$/.test(options.id)) {
        throw new CliError(`--id must be a report id (a positive integer), got "${options.id}"`);
      }
      const input = createReportInputSchema.safeParse({
        scanId: options.scan,
        tenantId: options.tenant,
        title: options.title,
        scope: { subscriptionIds: options.subscription, clusters: options.cluster },
        frameworks: options.framework.length > 0 ? options.framework : undefined,
        redact: options.redact ?? false,
      });
      if (!input.success) throw new CliError(`Invalid option: ${issuesMessage(input.error)}`);

      await withCliDatabase(async () => {
        try {
          const reportId = options.id ? BigInt(options.id) : BigInt((await createReport(input.data)).id);
          const { report, content } = await loadReportContent(reportId, { redact: options.redact });
          const bytes = await renderReport(content, format.data);
          const out = path.resolve(options.out ?? `atlas-report-${report.id}.${format.data}`);
          await writeFile(out, bytes);
          if (options.json) {
            printJson({ ...report, file: out, bytes: bytes.byteLength });
          } else {
            console.log(
              `Report #${report.id} of scan #${report.scanId} (${report.summary.scope}): ${report.summary.findings.fail} failing finding(s)`,
            );
            console.log(
              `  ${report.summary.scores.map((s) => `${s.title} ${s.score === null ? "–" : `${s.score}%`}`).join(" · ")}`,
            );
            console.log(`  written ${out} (${bytes.byteLength} bytes)`);
          }
        } catch (error) {
          if (error instanceof ReportNotFoundError || error instanceof ReportInputError)
            throw new CliError(error.message);
          if (error instanceof PdfUnavailableError) throw new CliError(error.message);
          throw error;
        } finally {
          await closePdfBrowser();
          await closePool();
        }
      });
    });
}
