import type { Command } from "commander";

/** Each capability registers its subcommand here (scan, access, findings, who-can, drift, report, emulate, tenant). */
export function registerCommands(_program: Command): void {}
