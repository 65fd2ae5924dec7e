import type { Command } from "commander";
import { MAX_MAX_HOPS, MIN_MAX_HOPS } from "@/lib/access/attack-paths";
import { BESIDE_SHORTEST } from "@/lib/access/labels";
import { ATTACK_PATH_LEVELS, type AttackPathLevel } from "@/lib/access/types";
import { getPrincipalPaths } from "@/lib/queries/get-principal-paths";
import { cliScanScope, printJson, withCliDatabase } from "../cli-database";
import { CliError } from "../cli-error";

interface PathsOptions {
  from: string;
  to?: string;
  level?: string;
  maxHops?: string;
  scan?: string;
  tenant?: string;
  json?: boolean;
}

/** `paths`: the shortest attack paths from one principal to each cluster level it can reach. */
export function registerPathsCommand(program: Command): void {
  program
    .command("paths")
    .description(
      "Attack paths: how a principal can reach a level it does not hold on a cluster, across planes, hop by hop",
    )
    .requiredOption("--from <id|upn>", "object id or user principal name (or a Kubernetes subject)")
    .option("--to <name|id>", "only this cluster")
    .option("--level <level>", `only this level (${ATTACK_PATH_LEVELS.join(", ")})`)
    .option("--max-hops <n>", `at most this many hops (${MIN_MAX_HOPS}..${MAX_MAX_HOPS}, default 5)`)
    .option("--scan <id>", "read the state as of this scan (default: the latest completed scan)")
    .option("--tenant <id>", "the tenant (default: the one with the latest scan)")
    .option("--json", "print JSON")
    .action((options: PathsOptions) => {
      // Flags are checked before the database is opened: a typo answers at once.
      let maxHops: number | undefined;
      if (options.maxHops !== undefined) {
        maxHops = Number(options.maxHops);
        if (!/^\d+$/.test(options.maxHops.trim()) || maxHops < MIN_MAX_HOPS || maxHops > MAX_MAX_HOPS)
          throw new CliError(
            `--max-hops must be an integer from ${MIN_MAX_HOPS} to ${MAX_MAX_HOPS}, got "${options.maxHops}"`,
          );
      }
      if (options.level !== undefined && !(ATTACK_PATH_LEVELS as readonly string[]).includes(options.level))
        throw new CliError(`--level must be one of ${ATTACK_PATH_LEVELS.join(", ")}, got "${options.level}"`);
      return withCliDatabase(async () => {
        const scope = await cliScanScope(options);
        const result = await getPrincipalPaths(scope, options.from, {
          to: options.to,
          level: options.level as AttackPathLevel | undefined,
          maxHops,
        });
        if (options.json)
          return printJson({
            from: result.from,
            paths: result.paths,
            maxHops: result.maxHops,
            scanId: result.scanId,
          });
        console.log(
          `${result.from.displayName} [${result.from.kind}] as of scan #${result.scanId}, at most ${result.maxHops} hops`,
        );
        if (result.paths.length === 0) console.log("  no attack path to a level it does not already hold");
        for (const path of result.paths) {
          console.log(
            `  ${path.level}${path.namespace ? ` in ${path.namespace}` : ""} on ${path.cluster.name} in ${path.hops} hop${path.hops === 1 ? "" : "s"}${path.conditional ? " (conditional)" : ""}${path.eligible ? " (needs a PIM activation)" : ""}${path.alternative ? ` (${BESIDE_SHORTEST})` : ""}`,
          );
          for (const step of path.path) console.log(`      ${step.label}`);
        }
      });
    });
}
