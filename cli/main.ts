import { Command, CommanderError } from "commander";
import { PRODUCT_VERSION } from "@/lib/version";
import { CliError } from "./cli-error";
import { registerCommands } from "./register-commands";

export function buildProgram(): Command {
  const program = new Command("aks-atlas")
    .description("AKS Identity Atlas: who can do what on your AKS clusters, and how.")
    .version(PRODUCT_VERSION, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerCommands(program);
  return program;
}

function endOnClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
}

/** Runs the CLI and returns the process exit code (commands set their own through CliError or the return value). */
export async function main(argv: string[]): Promise<number> {
  // `aks-atlas … | head` closes the pipe early; that is not an error. Once per process: tests call main() many times.
  if (!process.stdout.listeners("error").includes(endOnClosedPipe))
    process.stdout.on("error", endOnClosedPipe);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with code 0; usage errors were already printed.
      return error.exitCode;
    }
    if (error instanceof CliError) {
      console.error(`aks-atlas: ${error.message}`);
      return error.exitCode;
    }
    console.error(`aks-atlas: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
