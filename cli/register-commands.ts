import type { Command } from "commander";
import { registerAccessCommands } from "./commands/access";
import { registerEmulateCommand } from "./commands/emulate";
import { registerScanCommand } from "./commands/scan";
import { registerTenantCommand } from "./commands/tenant";

/** Each capability registers its subcommand here. */
export function registerCommands(program: Command): void {
  registerScanCommand(program);
  registerAccessCommands(program);
  registerEmulateCommand(program);
  registerTenantCommand(program);
}
