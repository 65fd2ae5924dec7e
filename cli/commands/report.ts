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
import { prepareReportFile } from "../report-file";

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
  force?: boolean;
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
    .option(
      "--out <file>",
      "where to write it (default: atlas-report-<id>.<format> here); written with mode 0600",
    )
    .option("--force", "replace the file if it exists (without it, an existing file is never overwritten)")
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

      // The destination is checked and a private temporary file made beside it before anything is
      // stored, so a bad --out costs nothing; the default name needs the id, so it is checked after.
      let file = options.out ? await prepareReportFile(options.out, { force: options.force === true }) : null;
      const run = withCliDatabase(async () => {
        let created: string | null = null;
        try {
          let reportId: bigint;
          if (options.id) reportId = BigInt(options.id);
          else {
            created = (await createReport(input.data)).id;
            reportId = BigInt(created);
          }
          const { report, content } = await loadReportContent(reportId, { redact: options.redact });
          const bytes = await renderReport(content, format.data);
          file ??= await prepareReportFile(`atlas-report-${report.id}.${format.data}`, {
            force: options.force === true,
          });
          await file.write(bytes);
          await file.commit();
          const out = file.path;
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
          await file?.discard();
          const message =
            error instanceof ReportNotFoundError ||
            error instanceof ReportInputError ||
            error instanceof PdfUnavailableError ||
            error instanceof CliError
              ? error.message
              : null;
          // The report row is already stored: say so, and how to write it, rather than leave it unmentioned.
          if (created !== null)
            throw new CliError(
              `report #${created} was stored, but no file was written: ${message ?? (error instanceof Error ? error.message : String(error))}. ` +
                `Write it with \`aks-atlas report --id ${created} --out <file>\`.`,
            );
          if (message !== null) throw new CliError(message);
          throw error;
        } finally {
          await closePdfBrowser();
          await closePool();
        }
      });
      // A database that cannot be opened must not leave the temporary file behind.
      await run.catch(async (error: unknown) => {
        await file?.discard();
        throw error;
      });
    });
}
