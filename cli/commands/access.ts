import type { Command } from "commander";
import type { Finding } from "@/lib/findings/types";
import { getClusterAccess } from "@/lib/queries/get-cluster-access";
import { getClusterFindings } from "@/lib/queries/get-cluster-findings";
import { getPrincipal } from "@/lib/queries/get-principal";
import { listClusters } from "@/lib/queries/list-clusters";
import { cliScanScope, printJson, withCliDatabase } from "../cli-database";
import { CliError } from "../cli-error";
import { gatedExitCode, parseFailOn, withFailOnOption } from "../fail-on";
import { remoteAccess, remoteApi, remoteFindings, withServerOption } from "../remote-api";
import { resolveCluster, resolvePrincipalId } from "../resolve";

interface ScopeOptions {
  scan?: string;
  tenant?: string;
  json?: boolean;
  /** --server: ask a deployed Atlas's API instead of the local database (cli/remote-api.ts). */
  server?: string;
  apiScope?: string;
}

const scopeOptions = (command: Command) =>
  command
    .option("--scan <id>", "read the state as of this scan (default: the latest completed scan)")
    .option("--tenant <id>", "the tenant (default: the one with the latest scan)")
    .option("--json", "print JSON");

function printFindings(findings: Finding[]): void {
  for (const f of findings.filter((x) => x.status !== "pass")) {
    console.log(
      `${f.status.padEnd(12)} ${f.severity.padEnd(8)} ${f.cluster.name.padEnd(16)} ${f.ruleId}: ${f.title}`,
    );
  }
}

/** `access`, `findings` and `who-can`: the access engine's answers as stored by a scan. */
export function registerAccessCommands(program: Command): void {
  withServerOption(
    scopeOptions(
      program
        .command("access")
        .description(
          "Who can do what on a cluster, at which level, by which route, and the path that explains it",
        )
        .requiredOption("--cluster <name|id>", "the cluster"),
    ),
  ).action(async (options: ScopeOptions & { cluster: string }) => {
    if (options.server)
      return printJson(await remoteAccess(remoteApi({ ...options, server: options.server }), options));
    return withCliDatabase(async () => {
      const scope = await cliScanScope(options);
      const cluster = await resolveCluster(scope, options.cluster);
      const access = await getClusterAccess(scope, cluster.id);
      if (options.json) return printJson(access);
      console.log(`${access.cluster.name} (${access.cluster.id}) as of scan #${access.scanId}`);
      for (const entry of access.principals) {
        const grants = entry.grants.map(
          (g) => `${g.level}${g.namespace ? ` in ${g.namespace}` : ""} via ${g.route}`,
        );
        const escalations = entry.escalations.map((e) => `can escalate: ${e.to} via ${e.route}`);
        console.log(`  ${entry.principal.displayName} [${entry.principal.kind}]`);
        for (const line of [...new Set(grants), ...new Set(escalations)]) console.log(`      ${line}`);
      }
    });
  });

  const findingsCommand = withServerOption(
    scopeOptions(
      program
        .command("findings")
        .description("Findings (fail, pass, not-assessed) with evidence, controls and remediation")
        .option("--cluster <name|id>", "only this cluster"),
    ),
  );
  withFailOnOption(findingsCommand);
  findingsCommand.action(async (options: ScopeOptions & { cluster?: string; failOn?: string }) => {
    const failOn = parseFailOn(options.failOn);
    // The CI gate: exit 3 when a failing finding at or above --fail-on is in what was printed.
    const gate = (findings: Finding[]) => {
      process.exitCode = gatedExitCode(0, failOn, findings, (line) => console.error(line));
    };
    if (options.server) {
      const result = await remoteFindings(remoteApi({ ...options, server: options.server }), options);
      if (options.json) printJson(result);
      else printFindings(result.findings as Finding[]);
      return gate(result.findings as Finding[]);
    }
    return withCliDatabase(async () => {
      const scope = await cliScanScope(options);
      const clusters = options.cluster
        ? [await resolveCluster(scope, options.cluster)]
        : (await listClusters(scope)).map((c) => ({ id: c.id, name: c.name }));
      const findings = [];
      for (const cluster of clusters)
        findings.push(...(await getClusterFindings(scope, cluster.id)).findings);
      const result = { scanId: scope.scanId.toString(), findings };
      if (options.json) printJson(result);
      else printFindings(findings);
      gate(findings);
    });
  });

  scopeOptions(
    program
      .command("who-can")
      .description("Everything one principal can do across all clusters, with paths")
      .requiredOption(
        "--principal <id|name|upn>",
        "object id, user principal name, display name, or Kubernetes subject",
      ),
  ).action((options: ScopeOptions & { principal: string }) =>
    withCliDatabase(async () => {
      const scope = await cliScanScope(options);
      const id = await resolvePrincipalId(scope, options.principal);
      const result = await getPrincipal(scope, id);
      if (!result) throw new CliError(`No principal "${options.principal}" in scan ${scope.scanId}.`);
      printJson(result);
    }),
  );
}
