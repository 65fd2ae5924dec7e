import type { Command } from "commander";
import type pg from "pg";
import { CredentialConfigurationError } from "@/lib/azure/credentials";
import { TokenTimeoutError } from "@/lib/azure/retrying-credential";
import { readDatabaseConfig } from "@/lib/db/config";
import { createPool } from "@/lib/db/pool";
import type { EmulatorHandle } from "@/lib/emulator/server";
import { readTenantFile, type TenantFile, TenantFileError } from "@/lib/emulator/tenant-file";
import { AzureNotConfiguredError, createAzureTenantSource } from "@/lib/scan/azure-tenant";
import { emulatedTenantSource } from "@/lib/scan/emulated-tenant";
import { runScan } from "@/lib/scan/run-scan";
import { ScanAlreadyRunningError } from "@/lib/scan/scan-lock";
import type { ScanPhase } from "@/lib/scan/scan-types";
import type { TenantSource } from "@/lib/scan/tenant-sources";
import { openCliDatabase } from "../cli-database";
import { CliError } from "../cli-error";

interface ScanOptions {
  emulate?: string;
  tenant?: string;
  json?: boolean;
}

const PHASE_LABELS: Partial<Record<ScanPhase, string>> = {
  collect: "collecting (sources read/total: subscriptions, clusters, directory)",
  store: "storing the inventory",
  analyse: "evaluating and storing access (clusters done/total)",
};

/** One line when a phase starts, then at most one every `everyMs` with done/total. */
export function progressPrinter(print: (line: string) => void, everyMs = 5_000) {
  let phase: ScanPhase | null = null;
  let last = 0;
  return (progress: { phase: ScanPhase; done: number; total: number }) => {
    const now = Date.now();
    if (progress.phase !== phase) {
      phase = progress.phase;
      last = now;
      print(`  ${PHASE_LABELS[phase] ?? phase}…`);
      return;
    }
    if (progress.total > 0 && (now - last >= everyMs || progress.done === progress.total)) {
      last = now;
      print(
        `    ${progress.done}/${progress.total} (${Math.floor((progress.done / progress.total) * 100)}%)`,
      );
    }
  };
}

/** Exit codes are part of the contract: 0 succeeded, 2 partial, 1 failed. */
const EXIT = { succeeded: 0, partial: 2, failed: 1, running: 1 } as const;

export function registerScanCommand(program: Command): void {
  program
    .command("scan")
    .description("Scan a tenant's AKS clusters and identities into a new snapshot, and wait for it to finish")
    .option(
      "--emulate <tenant.json>",
      "serve this tenant file through the emulator in-process and scan it through the SDKs",
    )
    .option("--tenant <id>", "the Entra tenant id to scan (default: AZURE_TENANT_ID)")
    .option("--json", "print the result as JSON")
    .action(async (options: ScanOptions) => {
      if (options.tenant && !/^[0-9a-fA-F-]{36}$/.test(options.tenant)) {
        throw new CliError(`--tenant must be a tenant GUID, got "${options.tenant}"`);
      }
      // Everything that can fail without holding a resource is checked first; then the database is
      // opened; only then is anything started (the emulator, a pool) — and all of it is closed in
      // `finally`, so every failure ends the process with a message instead of leaving it hanging.
      let tenantFile: TenantFile | null = null;
      let azureSource: TenantSource | null = null;
      if (options.emulate) {
        tenantFile = await readTenantFile(options.emulate).catch((error: unknown) => {
          if (error instanceof TenantFileError) throw new CliError(error.message);
          throw error;
        });
        if (options.tenant && options.tenant.toLowerCase() !== tenantFile.tenantId.toLowerCase()) {
          throw new CliError(
            `--tenant ${options.tenant} does not match the tenant file's tenantId ${tenantFile.tenantId}`,
          );
        }
      } else {
        // Holds nothing open: a configuration mistake is reported before a database is started for nothing.
        azureSource = await createAzureTenantSource(process.env, options.tenant).catch((error: unknown) => {
          if (
            error instanceof AzureNotConfiguredError ||
            error instanceof CredentialConfigurationError ||
            error instanceof TokenTimeoutError
          )
            throw new CliError(error.message);
          throw error;
        });
      }

      const db = await openCliDatabase();
      let pool: pg.Pool | null = null;
      let emulator: EmulatorHandle | null = null;
      try {
        let source: TenantSource;
        if (azureSource) source = azureSource;
        else {
          const emulated = await emulatedTenantSource({
            tenant: tenantFile as TenantFile,
            tenantFile: options.emulate ?? null,
            dataDir: readDatabaseConfig().dataDir,
          }).catch((error: unknown) => {
            throw new CliError(
              `could not start the emulator for ${options.emulate}: ${error instanceof Error ? error.message : String(error)}`,
            );
          });
          emulator = emulated.emulator;
          source = emulated.source;
        }
        pool = createPool(db.url, 6);
        if (!options.json)
          console.error(`Scanning tenant ${source.tenant.id} (${source.tenant.displayName})…`);
        const outcome = await runScan({
          pool,
          tenant: source.tenant,
          trigger: "cli",
          collect: source.collect,
          // Progress goes to stderr, so stdout stays the result alone (with --json, nothing but the JSON).
          ...(options.json ? {} : { onProgress: progressPrinter((line) => console.error(line)) }),
        });
        const result = {
          scanId: outcome.scanId.toString(),
          tenantId: outcome.tenantId,
          status: outcome.status,
          counts: outcome.counts,
          coverage: outcome.coverage,
          apiCalls: outcome.apiCalls,
          durationMs: outcome.durationMs,
        };
        if (options.json) {
          console.log(JSON.stringify(result, null, 2));
        } else {
          console.log(
            `Scan #${result.scanId}: ${result.status} in ${(result.durationMs / 1000).toFixed(1)} s`,
          );
          console.log(
            `  objects: ${Object.entries(result.counts)
              .map(([k, v]) => `${k} ${v}`)
              .join(", ")}`,
          );
          console.log(`  rows written: ${outcome.rowsInserted} inserted, ${outcome.rowsClosed} closed`);
          console.log(
            `  API calls: ${Object.entries(result.apiCalls)
              .map(([k, v]) => `${k} ${v}`)
              .join(", ")}`,
          );
          for (const e of outcome.errors) console.log(`  ! ${e.source}: ${e.code}: ${e.message}`);
        }
        process.exitCode = EXIT[outcome.status];
      } catch (error) {
        if (error instanceof ScanAlreadyRunningError) throw new CliError(error.message, 1);
        throw error;
      } finally {
        await pool?.end();
        await emulator?.close();
        await db.close();
      }
    });
}
