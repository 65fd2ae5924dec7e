import type { Command } from "commander";
import { registerAccessCommands } from "./commands/access";
import { registerCollectCommand } from "./commands/collect";
import { registerDriftCommand } from "./commands/drift";
import { registerEmulateCommand } from "./commands/emulate";
import { registerImportCommand } from "./commands/import";
import { registerPathsCommand } from "./commands/paths";
import { registerReportCommand } from "./commands/report";
import { registerScanCommand } from "./commands/scan";
import { registerTenantCommand } from "./commands/tenant";

/** Each capability registers its subcommand here. */
export function registerCommands(program: Command): void {
  registerScanCommand(program);
  registerAccessCommands(program);
  registerPathsCommand(program);
  registerDriftCommand(program);
  registerEmulateCommand(program);
  registerReportCommand(program);
  registerTenantCommand(program);
  registerImportCommand(program);
  registerCollectCommand(program);
}
