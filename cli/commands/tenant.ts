/**
 * `aks-atlas tenant …`: generate large tenant files, mutate them into drift fixtures, and validate
 * tenant files (hand-written, exported from az/kubectl, or generated) with JSON-path errors.
 */
import { createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { type Command, InvalidArgumentError } from "commander";
import { ZodError } from "zod";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { mutateTenant } from "@/lib/emulator/generate/mutate-tenant";
import { TenantFileError } from "@/lib/model/wire/tenant-file";
import { validateTenantFileAt } from "@/lib/tenant-file/read-tenant-file";

function nonNegativeInteger(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
      throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${value}".`);
    }
    return parsed;
  };
}

function fraction(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new InvalidArgumentError(`share must be a number between 0 and 1, got "${value}".`);
  }
  return parsed;
}

function describeError(error: unknown): string {
  if (error instanceof TenantFileError) return error.message;
  if (error instanceof ZodError) {
    return error.issues.map((issue) => `${issue.path.join(".") || "options"}: ${issue.message}`).join("\n");
  }
  return error instanceof Error ? error.message : String(error);
}

function print(command: Command, text: string): void {
  const output = command.configureOutput();
  if (output.writeOut) output.writeOut(text);
  else process.stdout.write(text);
}

function printError(command: Command, text: string): void {
  const output = command.configureOutput();
  if (output.writeErr) output.writeErr(text);
  else process.stderr.write(text);
}

/** Runs an action and turns any failure into a clear one-paragraph message with exit code 1. */
function guarded<Args extends unknown[]>(action: (command: Command, ...args: Args) => Promise<void>) {
  return async function (this: Command, ...args: Args): Promise<void> {
    try {
      await action(this, ...args);
    } catch (error) {
      this.error(`error: ${describeError(error)}`, { exitCode: 1, code: "aks-atlas.tenant" });
    }
  };
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

interface GenerateFlags {
  out: string;
  seed: number;
  subscriptions: number;
  clusters: number;
  roleAssignments: number;
  bindings?: number;
  bindingsPerCluster?: number;
  identities: number;
  federatedCredentials?: number;
  principals: number;
  roleEligibilities?: number;
  denyAssignments?: number;
}

interface MutateFlags {
  out: string;
  manifest: string;
  share: number;
  seed: number;
}

export function registerTenantCommand(program: Command): Command {
  const tenant = program
    .command("tenant")
    .description("Tenant files: generate large tenants, mutate them into drift fixtures, validate them");

  tenant
    .command("generate")
    .description("Write a realistic generated tenant file (streamed; deterministic by seed)")
    .requiredOption("--out <file>", 'where to write the tenant file ("-" for stdout)')
    .option("--seed <n>", "random seed", nonNegativeInteger("seed"), 1)
    .option("--subscriptions <n>", "number of subscriptions", nonNegativeInteger("subscriptions"), 3)
    .option("--clusters <n>", "number of AKS clusters", nonNegativeInteger("clusters"), 10)
    .option(
      "--role-assignments <n>",
      "number of Azure role assignments",
      nonNegativeInteger("role-assignments"),
      500,
    )
    .option("--bindings <n>", "total RoleBindings + ClusterRoleBindings", nonNegativeInteger("bindings"))
    .option(
      "--bindings-per-cluster <n>",
      "bindings per cluster (when --bindings is not given)",
      nonNegativeInteger("bindings-per-cluster"),
    )
    .option("--identities <n>", "workload user-assigned identities", nonNegativeInteger("identities"), 50)
    .option(
      "--federated-credentials <n>",
      "federated identity credentials (default: one per identity)",
      nonNegativeInteger("federated-credentials"),
    )
    .option(
      "--principals <n>",
      "directory users + groups + applications",
      nonNegativeInteger("principals"),
      200,
    )
    .option(
      "--role-eligibilities <n>",
      "PIM eligible role assignments (default: 10% of --role-assignments)",
      nonNegativeInteger("role-eligibilities"),
    )
    .option(
      "--deny-assignments <n>",
      "deny assignments on cluster resource groups (default: one per 25 clusters)",
      nonNegativeInteger("deny-assignments"),
    )
    .action(
      guarded(async (command: Command, flags: GenerateFlags) => {
        const started = performance.now();
        const { out: target, ...options } = flags;
        const toStdout = target === "-";
        const out = toStdout ? process.stdout : createWriteStream(target);
        const stats = await generateTenant(options, out);
        if (!toStdout) {
          out.end();
          await finished(out);
        }
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const summary =
          `${toStdout ? "generated" : `wrote ${target}`}: ${stats.clusters} clusters in ${stats.subscriptions} subscriptions, ` +
          `${stats.principals} principals, ${stats.roleAssignments} role assignments, ${stats.bindings} bindings, ` +
          `${stats.kubernetesObjects} Kubernetes objects, ${stats.federatedCredentials} federated credentials ` +
          `(${megabytes(stats.bytes)} in ${seconds} s)\n`;
        if (toStdout) printError(command, summary);
        else print(command, summary);
      }),
    );

  tenant
    .command("mutate")
    .description("Change about --share of a tenant's objects and write the exact change manifest")
    .argument("<in>", "tenant file to mutate")
    .requiredOption("--out <file>", "where to write the mutated tenant file")
    .requiredOption("--manifest <file>", "where to write the change manifest (JSON)")
    .option("--share <fraction>", "fraction of each kind of object to change", fraction, 0.01)
    .option("--seed <n>", "random seed", nonNegativeInteger("seed"), 1)
    .action(
      guarded(async (command: Command, input: string, flags: MutateFlags) => {
        const manifest = await mutateTenant(
          input,
          { seed: flags.seed, share: flags.share },
          flags.out,
          flags.manifest,
        );
        const byKind = new Map<string, number>();
        for (const change of manifest.changes) byKind.set(change.kind, (byKind.get(change.kind) ?? 0) + 1);
        const details = [...byKind].map(([kind, count]) => `${count} ${kind}`).join(", ");
        print(
          command,
          `wrote ${flags.out} and ${flags.manifest}: ${manifest.changes.length} changes${details ? ` (${details})` : ""}\n`,
        );
      }),
    );

  tenant
    .command("validate")
    .description(
      "Check a tenant file against the format; prints problems with JSON paths, exit 1 when invalid",
    )
    .argument("<file>", "tenant file")
    .action(
      guarded(async (command: Command, file: string) => {
        const validation = await validateTenantFileAt(file);
        for (const issue of validation.errors) print(command, `error   ${issue.path}: ${issue.message}\n`);
        for (const issue of validation.warnings) print(command, `warning ${issue.path}: ${issue.message}\n`);
        if (validation.errors.length > 0) {
          throw new TenantFileError(
            `${file} is invalid: ${validation.errors.length} error${validation.errors.length === 1 ? "" : "s"}`,
            [],
          );
        }
        const warnings = validation.warnings.length;
        print(
          command,
          `${file} is valid${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : ""}\n`,
        );
      }),
    );

  return tenant;
}
