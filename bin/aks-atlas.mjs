#!/usr/bin/env node
// The `aks-atlas` CLI. It runs on Node 22 with --expose-gc: when started by an older system node, it re-runs
// itself with the Node 22 binary that the `node` dependency ships in node_modules; without the flag, with it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [major, minor] = process.versions.node.split(".").map(Number);
const oldNode = major < 22 || (major === 22 && minor < 12);
// Scans free their batches' garbage explicitly (lib/scan/collect-garbage.ts), which needs --expose-gc.
if (oldNode || typeof globalThis.gc !== "function") {
  const node = oldNode ? path.join(root, "node_modules", "node", "bin", "node") : process.execPath;
  if (!existsSync(node)) {
    console.error(`aks-atlas needs Node.js >= 22.12 (this is ${process.version}); run npm ci first.`);
    process.exit(1);
  }
  const child = spawn(node, ["--expose-gc", fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  // A supervisor's SIGTERM reaches this process only: pass it on, so the scan ends (or rolls back) with it.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else {
  const { tsImport } = await import("tsx/esm/api");
  const { main } = await tsImport(path.join(root, "cli", "main.ts"), import.meta.url);
  process.exitCode = await main(process.argv);
}
