import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { collectTenantFile } from "@/lib/collect/collect-tenant-file";
import { CommandError, spawnRunner } from "@/lib/collect/command-runner";
import { validateTenantFile } from "@/lib/model/wire/tenant-file";
import { CliError } from "../cli-error";

const collectList = (value: string, previous: string[] = []) => [
  ...previous,
  ...value.split(",").filter(Boolean),
];

/**
 * `aks-atlas collect --out tenant.json`: the offline collector. It runs the user's own `az` and `kubectl`
 * and nothing else, and writes a tenant file for `aks-atlas import` (docs/scanner.md, "Offline collection").
 * Exit codes: 0 everything read, 2 written with unread sources (listed in the file), 1 nothing written.
 */
export function registerCollectCommand(program: Command): void {
  program
    .command("collect")
    .description(
      "Read a tenant with your own az and kubectl login and write a tenant file for `aks-atlas import`",
    )
    .requiredOption("--out <tenant.json>", "where to write the tenant file")
    .option(
      "--subscription <id>",
      "only this subscription (repeat or comma-separate; default: all)",
      collectList,
    )
    .option(
      "--cluster <name|id>",
      "only these clusters' Kubernetes objects (repeat or comma-separate; default: all)",
      collectList,
    )
    .option("--concurrency <n>", "az/kubectl processes at a time", "4")
    .action(
      async (options: { out: string; subscription?: string[]; cluster?: string[]; concurrency: string }) => {
        const concurrency = Number(options.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
          throw new CliError(`--concurrency must be an integer from 1 to 16, got "${options.concurrency}"`);
        for (const id of options.subscription ?? [])
          if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
            throw new CliError(`--subscription must be a subscription GUID, got "${id}"`);
        const started = Date.now();
        const outcome = await collectTenantFile({
          run: spawnRunner({ env: process.env }),
          ...(process.env.ATLAS_AZ ? { az: process.env.ATLAS_AZ } : {}),
          ...(process.env.ATLAS_KUBECTL ? { kubectl: process.env.ATLAS_KUBECTL } : {}),
          ...(options.subscription ? { subscriptions: options.subscription } : {}),
          ...(options.cluster ? { clusters: options.cluster } : {}),
          concurrency,
          onProgress: (line) => console.error(`  ${line}`),
        }).catch((error: unknown) => {
          // Only the first calls are fatal (no az, not logged in): everything after is recorded in the file.
          if (error instanceof CommandError)
            throw new CliError(
              `${error.command} failed (${error.code}): ${error.message} — is az installed and signed in (az login)?`,
            );
          throw error;
        });
        const validation = validateTenantFile(outcome.file);
        await writeFile(options.out, `${JSON.stringify(outcome.file, null, 1)}\n`, { mode: 0o600 }).catch(
          (error: NodeJS.ErrnoException) => {
            throw new CliError(`cannot write ${options.out}: ${error.code ?? error.message}`);
          },
        );
        const file = outcome.file as { subscriptions: unknown[]; principals: unknown[]; clusters: object };
        console.error(
          `Wrote ${options.out}: ${file.subscriptions.length} subscriptions, ${Object.keys(file.clusters).length} clusters, ${file.principals.length} principals (${outcome.commands.az} az and ${outcome.commands.kubectl} kubectl calls, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
        );
        for (const [source, entry] of Object.entries(outcome.unread))
          console.error(`  ! ${source}: ${entry.status}: ${entry.reason}`);
        if (validation.errors.length > 0) {
          const listed = validation.errors.slice(0, 20).map((issue) => `  ${issue.path}: ${issue.message}`);
          throw new CliError(
            [
              `the collected file does not validate (${validation.errors.length} problems); it was written for inspection:`,
              ...listed,
            ].join("\n"),
          );
        }
        process.exitCode = Object.keys(outcome.unread).length > 0 ? 2 : 0;
      },
    );
}
