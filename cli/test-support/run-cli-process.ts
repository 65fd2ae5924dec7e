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

/**
 * Runs the real `bin/aks-atlas.mjs` as a child process (its own process group, so the Node 22 re-exec it
 * may do is killed with it). A process that has not exited by `deadlineMs` is killed and reported `hung`:
 * the deadline is generous and only there so a hang fails the test instead of stalling the suite.
 */
export function runCliProcess(
  args: string[],
  env: Record<string, string | undefined>,
  options: { deadlineMs?: number; onStderr?: (text: string) => void } = {},
): Promise<CliRun> & { pid: number | undefined } {
  const child = spawn(process.execPath, [path.join(root, "bin", "aks-atlas.mjs"), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onStderr?.(stderr);
  });
  const done = new Promise<CliRun>((resolve) => {
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, options.deadlineMs ?? 90_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, hung });
    });
  });
  return Object.assign(done, { pid: child.pid });
}
