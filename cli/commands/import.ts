import type { Command } from "commander";
import { importedTenantSource, readTenantFileForImport } from "@/lib/collect/import-tenant-file";
import { createPool } from "@/lib/db/pool";
import type { DbPool } from "@/lib/db/queryable";
import { TenantFileError } from "@/lib/model/wire/tenant-file";
import { openCliDatabase } from "../cli-database";
import { CliError } from "../cli-error";
import { parseFailOn, withFailOnOption } from "../fail-on";
import { scanAndReport } from "../scan-and-report";

/** `aks-atlas import tenant.json`: a tenant file stored as a scan (trigger `import`), without the network. */
export function registerImportCommand(program: Command): void {
  const command = program
    .command("import")
    .description(
      "Store a tenant file (from `aks-atlas collect`, deploy/collect.sh or by hand) as a scan, with the same summary and exit codes as `scan`",
    )
    .argument("<tenant.json>", "the tenant file (docs/tenant-file.md)")
    .option("--json", "print the result as JSON");
  withFailOnOption(command);
  command.action(async (file: string, options: { json?: boolean; failOn?: string }) => {
    const failOn = parseFailOn(options.failOn);
    // The file is read and checked before a database is opened: a bad file costs nothing.
    const tenant = await readTenantFileForImport(file).catch((error: unknown) => {
      if (error instanceof TenantFileError) throw new CliError(error.message);
      throw error;
    });
    const db = await openCliDatabase();
    let pool: DbPool | null = null;
    try {
      pool = createPool(db.url, 6);
      process.exitCode = await scanAndReport({
        pool,
        source: importedTenantSource(tenant, file),
        trigger: "import",
        json: options.json === true,
        failOn,
        verb: `Importing ${file} as a scan of`,
      });
    } finally {
      await pool?.end();
      await db.close();
    }
  });
}
