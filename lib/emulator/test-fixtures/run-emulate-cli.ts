// Runs `aks-atlas emulate …` on its own, for the CLI's end-to-end test (cli/main.ts registers the
// same function in the real program).
import { Command } from "commander";
import { CliError } from "@/cli/cli-error";
import { registerEmulateCommand } from "@/cli/commands/emulate";

const program = new Command("aks-atlas").exitOverride();
registerEmulateCommand(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CliError) {
    console.error(`aks-atlas: ${error.message}`);
    process.exit(error.exitCode);
  }
  throw error;
}
