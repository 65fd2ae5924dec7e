import { spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface CliRun {
  /** exit code, or null when the harness had to kill it */
  code: number | null;
  stdout: string;
  stderr: string;
  /** true when the process had not exited by the harness deadline and was killed */
  hung: boolean;
}

export interface CliProcess {
  /** settles when the process has exited (or was killed at the deadline) */
  result: Promise<CliRun>;
  /** resolves with stdout once it matches `pattern`; rejects if the process exits first */
  waitForStdout(pattern: RegExp): Promise<string>;
  /** sends a signal to the whole process group (the CLI may have re-executed itself under Node 22) */
  signal(name: NodeJS.Signals): void;
}

/**
 * Starts the real `bin/aks-atlas.mjs` as a child process in its own process group. A process that has not
 * exited by `deadlineMs` is killed and reported `hung`: the deadline is generous and only there so a hang
 * fails the test instead of stalling the suite — it is not a measure of speed.
 */
export function startCliProcess(
  args: string[],
  env: Record<string, string | undefined>,
  options: { deadlineMs?: number } = {},
): CliProcess {
  const child = spawn(process.execPath, [path.join(root, "bin", "aks-atlas.mjs"), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  const watchers = new Set<() => void>();
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const watch of watchers) watch();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    signal("SIGKILL");
  }, options.deadlineMs ?? 90_000);
  const result = new Promise<CliRun>((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      for (const watch of watchers) watch();
      resolve({ code, stdout, stderr, hung });
    });
  });
  let exited = false;
  void result.then(() => {
    exited = true;
  });
  return {
    result,
    signal,
    waitForStdout: (pattern) =>
      new Promise<string>((resolve, reject) => {
        const watch = () => {
          if (pattern.test(stdout)) {
            watchers.delete(watch);
            resolve(stdout);
          } else if (exited || child.exitCode !== null || child.signalCode !== null) {
            watchers.delete(watch);
            reject(new Error(`the CLI exited before printing ${pattern}; stderr:\n${stderr}`));
          }
        };
        watchers.add(watch);
        watch();
      }),
  };
}

/** Runs the real CLI to its end (see startCliProcess for the harness deadline). */
export function runCliProcess(
  args: string[],
  env: Record<string, string | undefined>,
  options: { deadlineMs?: number } = {},
): Promise<CliRun> {
  return startCliProcess(args, env, options).result;
}
