import type { Command } from "commander";
import { CredentialConfigurationError } from "@/lib/azure/credentials";
import { TokenTimeoutError } from "@/lib/azure/retrying-credential";
import { readDatabaseConfig } from "@/lib/db/config";
import { createPool } from "@/lib/db/pool";
import type { DbPool } from "@/lib/db/queryable";
import { type TenantFile, TenantFileError } from "@/lib/model/wire/tenant-file";
import { AzureNotConfiguredError, createAzureTenantSource } from "@/lib/scan/azure-tenant";
import { emulatedTenantSource } from "@/lib/scan/emulated-tenant";
import type { TenantSource } from "@/lib/scan/tenant-sources";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";
import { openCliDatabase } from "../cli-database";
import { CliError } from "../cli-error";
import { parseFailOn, withFailOnOption } from "../fail-on";
import { progressPrinter, scanAndReport } from "../scan-and-report";

interface ScanOptions {
  emulate?: string;
  tenant?: string;
  json?: boolean;
  failOn?: string;
}

// Kept here for its test and its importers; the implementation is shared with `import`.
export { progressPrinter };

export function registerScanCommand(program: Command): void {
  const command = program
    .command("scan")
    .description("Scan a tenant's AKS clusters and identities into a new snapshot, and wait for it to finish")
    .option(
      "--emulate <tenant.json>",
      "serve this tenant file through the emulator in-process and scan it through the SDKs",
    )
    .option("--tenant <id>", "the Entra tenant id to scan (default: AZURE_TENANT_ID)")
    .option("--json", "print the result as JSON");
  withFailOnOption(command);
  command.action(async (options: ScanOptions) => {
    const failOn = parseFailOn(options.failOn);
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
    let pool: DbPool | null = null;
    // Only closed here; its type comes from lib/scan/emulated-tenant.ts (the CLI does not import lib/emulator).
    let emulator: Awaited<ReturnType<typeof emulatedTenantSource>>["emulator"] | null = null;
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
      process.exitCode = await scanAndReport({
        pool,
        source,
        trigger: "cli",
        json: options.json === true,
        failOn,
      });
    } finally {
      await pool?.end();
      await emulator?.close();
      await db.close();
    }
  });
}
