import { MigrationError } from "@/lib/db/migrate";
import { DatabaseOpenError, type OpenDatabase, openDatabase } from "@/lib/db/open-database";
import { prisma } from "@/lib/db/prisma";
import { InvalidInputError, NotFoundError } from "@/lib/queries/query-errors";
import { resolveScanScope, type ScanScope } from "@/lib/queries/scan-scope";
import { CliError } from "./cli-error";

/**
 * Opens the app's database for a CLI command (DATABASE_URL or the embedded one, joined if another process
 * owns it). Every failure becomes a CliError with the cause; a server this command started is only stopped
 * once other aks-atlas processes that joined it are done.
 */
export async function openCliDatabase(): Promise<OpenDatabase> {
  try {
    return await openDatabase({ attach: true, onWait: (message) => console.error(`aks-atlas: ${message}`) });
  } catch (error) {
    if (error instanceof DatabaseOpenError || error instanceof MigrationError)
      throw new CliError(error.message);
    throw error;
  }
}

/**
 * Runs a read command against the same database as the app (DATABASE_URL or the embedded one, joined if
 * `npm start` owns it), through the same query layer the API uses, so CLI and API answers are identical.
 */
export async function withCliDatabase<T>(fn: () => Promise<T>): Promise<T> {
  const db = await openCliDatabase();
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
  try {
    return await fn();
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof InvalidInputError)
      throw new CliError(error.message);
    throw error;
  } finally {
    await prisma().$disconnect();
    await db.close();
  }
}

export async function cliScanScope(options: { scan?: string; tenant?: string }): Promise<ScanScope> {
  if (options.tenant && !/^[0-9a-fA-F-]{36}$/.test(options.tenant)) {
    throw new CliError(`--tenant must be a tenant GUID, got "${options.tenant}"`);
  }
  const scope = await resolveScanScope(options.scan ?? null, options.tenant?.toLowerCase());
  if (!scope) throw new CliError("No completed scan yet: run `aks-atlas scan` first.");
  return scope;
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
