import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

/** Runs tests/fixtures/<name> as its own Node process (through tsx), its stdout piped for the test to read. */
export function runFixture(name: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(
    process.execPath,
    ["--import", "tsx", path.join(process.cwd(), "tests", "fixtures", name), ...args],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
}

/** Resolves with the exit code once the process has exited (at once if it already has; null when killed). */
export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}
