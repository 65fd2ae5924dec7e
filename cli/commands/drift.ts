import type { Command } from "commander";
import { closePool, pool } from "@/lib/db/pool";
import { countEvents } from "@/lib/drift/compute-drift";
import { driftQuerySchema, driftResponse, queryDrift } from "@/lib/drift/drift-query";
import { DriftInputError, DriftNotFoundError } from "@/lib/drift/scan-range";
import { atLeast, SEVERITY_ORDER } from "@/lib/drift/severity";
import { severitySchema } from "@/lib/findings/types";
import { issuesMessage } from "@/lib/http/params";
import { printJson, withCliDatabase } from "../cli-database";
import { CliError } from "../cli-error";

interface DriftOptions {
  from?: string;
  to?: string;
  cluster?: string;
  tenant?: string;
  severity?: string;
  json?: boolean;
}

/**
 * `aks-atlas drift`: every change between two scans, the same events GET /api/drift returns. With --json it
 * prints { from, to, events: [{ kind, severity, message, cluster, subject, before, after, … }] }.
 */
export function registerDriftCommand(program: Command): void {
  program
    .command("drift")
    .description("What changed between two scans: access gained or lost, escalations, findings, objects")
    .option("--from <scanId>", "the earlier scan (default: the completed scan before --to)")
    .option("--to <scanId>", "the later scan (default: the latest completed scan)")
    .option("--cluster <name|id>", "only changes of this cluster")
    .option("--tenant <id>", "the tenant (default: the one with the latest scan)")
    .option("--severity <level>", `only events at or above: ${SEVERITY_ORDER.join(", ")}`)
    .option("--json", "print JSON")
    .action(async (options: DriftOptions) => {
      const query = driftQuerySchema.safeParse({
        from: options.from,
        to: options.to,
        cluster: options.cluster,
        tenant: options.tenant,
      });
      if (!query.success) throw new CliError(`Invalid option: ${issuesMessage(query.error)}`);
      const threshold = severitySchema.safeParse(options.severity ?? "info");
      if (!threshold.success) {
        throw new CliError(
          `--severity must be one of ${SEVERITY_ORDER.join(", ")}, got "${options.severity}"`,
        );
      }
      await withCliDatabase(async () => {
        try {
          const { report } = await queryDrift(pool(), query.data);
          const events = report.events.filter((event) => atLeast(event.severity, threshold.data));
          const filtered = { ...report, events };
          if (options.json) return printJson(driftResponse(filtered));
          printReport(filtered);
        } catch (error) {
          if (error instanceof DriftInputError || error instanceof DriftNotFoundError) {
            throw new CliError(error.message);
          }
          throw error;
        } finally {
          await closePool();
        }
      });
    });
}

function printReport(report: Parameters<typeof driftResponse>[0]): void {
  const where = report.cluster ? ` on ${report.cluster.name}` : "";
  if (report.from === null) {
    console.log(`Scan #${report.to} is the tenant's first kept scan: nothing to compare it with.`);
    return;
  }
  const counts = countEvents(report.events);
  const bySeverity = SEVERITY_ORDER.filter((s) => counts.bySeverity[s] > 0)
    .map((s) => `${counts.bySeverity[s]} ${s}`)
    .join(", ");
  console.log(
    `Drift${where} from scan #${report.from} to #${report.to}: ${counts.total} change${counts.total === 1 ? "" : "s"}${bySeverity ? ` (${bySeverity})` : ""}`,
  );
  if (report.suppressedStale > 0) {
    console.log(
      `  ${report.suppressedStale} record(s) of sources scan #${report.to} could not read are not reported as removed.`,
    );
  }
  for (const event of report.events) {
    console.log(`  ${event.severity.padEnd(8)} ${event.kind.padEnd(18)} ${event.message}`);
  }
}
