import type { Command } from "commander";
import type { DbPool } from "@/lib/db/queryable";
import { type Finding, type Severity, severitySchema } from "@/lib/findings/types";
import { SEVERITY_RANK } from "@/lib/queries/stored-records";
import { CliError } from "./cli-error";

// `--fail-on <severity>`: the CI gate of `scan`, `import` and `findings`. Exit 3 is its own code so a
// pipeline can tell "the tenant has a finding you asked us to stop on" from "the scan failed" (1) or
// "the scan could not read everything" (2).

export const FAIL_ON_EXIT_CODE = 3;

type GateFinding = Pick<Finding, "status" | "severity" | "ruleId" | "cluster" | "title" | "evidence">;

const ALLOWED = severitySchema.options.join("|");

export function withFailOnOption(command: Command): Command {
  return command.option(
    "--fail-on <severity>",
    `exit ${FAIL_ON_EXIT_CODE} when a failing finding at or above this severity exists (${ALLOWED})`,
  );
}

/** Validates the flag before anything is started; undefined when the flag was not given. */
export function parseFailOn(value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  const parsed = severitySchema.safeParse(value.toLowerCase());
  if (!parsed.success) throw new CliError(`--fail-on must be one of ${ALLOWED}, got "${value}"`);
  return parsed.data;
}

/** The failing findings at or above `threshold`, worst first. */
export function findingsAtOrAbove(findings: readonly GateFinding[], threshold: Severity) {
  return findings
    .filter((f) => f.status === "fail" && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold])
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}

/** Failing findings of one scan (the state as of it), straight from the store: `scan` and `import` hold a pool. */
export async function failingFindingsOfScan(
  pool: DbPool,
  tenantId: string,
  scanId: bigint,
): Promise<GateFinding[]> {
  const { rows } = await pool.query<{ data: Finding }>(
    `SELECT atlas_record_data(tenant_id, kind, data) AS data FROM snapshot_records
     WHERE tenant_id = $1 AND kind = 'finding' AND data->>'status' = 'fail'
       AND valid_from_scan <= $2 AND (valid_to_scan IS NULL OR valid_to_scan > $2)`,
    [tenantId, scanId.toString()],
  );
  return rows.map((row) => row.data);
}

/**
 * The exit code once the gate is applied: a failed scan stays 1 (there is nothing to judge); otherwise a
 * failing finding at or above the threshold makes it 3, whether the scan was complete (0) or partial (2).
 */
export function gatedExitCode(
  exitCode: number,
  threshold: Severity | undefined,
  failing: readonly GateFinding[],
  report: (line: string) => void,
): number {
  if (!threshold || exitCode === 1) return exitCode;
  const hits = findingsAtOrAbove(failing, threshold);
  if (hits.length === 0) return exitCode;
  report(
    `aks-atlas: --fail-on ${threshold}: ${hits.length} failing finding${hits.length === 1 ? "" : "s"} at or above ${threshold} (exit ${FAIL_ON_EXIT_CODE})`,
  );
  for (const f of hits.slice(0, 10))
    report(`  ${f.severity} ${f.cluster.name} ${f.ruleId}: ${f.evidence.summary}`);
  if (hits.length > 10) report(`  … and ${hits.length - 10} more`);
  return FAIL_ON_EXIT_CODE;
}
