import { spawn } from "node:child_process";

// The collector runs the user's own `az` and `kubectl`, nothing else, as child processes with the user's
// environment (their login, their cloud, their proxy and CA settings). A runner is the one seam: tests
// record and replay real outputs through it.

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type CommandRunner = (command: string, args: readonly string[]) => Promise<CommandResult>;

export class CommandError extends Error {
  override name = "CommandError";
  constructor(
    readonly command: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Spawns each command; a call still running after `timeoutMs` is killed and reported (never a hang). */
export function spawnRunner(options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CommandRunner {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return (command, args) =>
    new Promise<CommandResult>((resolve) => {
      const child = spawn(command, args, {
        env: options.env ?? process.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, timeoutMs);
      child.on("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({
          code: 127,
          stdout: "",
          stderr:
            error.code === "ENOENT"
              ? `${command}: command not found (is it installed and on PATH?)`
              : error.message,
        });
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({
          code: timedOut ? 124 : (code ?? 1),
          stdout: Buffer.concat(stdout).toString("utf8"),
          stderr: timedOut
            ? `${command} did not finish within ${timeoutMs / 1000} s and was stopped`
            : Buffer.concat(stderr).toString("utf8"),
        });
      });
    });
}

// Bounded parallelism for independent commands (each `az` is a process of its own): the scanner's one.
export { mapWithLimit } from "@/lib/net/request-slots";
