#!/usr/bin/env node
// The `aks-atlas` CLI. It runs on Node 22: when started by an older system node, it re-runs itself with
// the Node 22 binary that the `node` dependency ships in node_modules.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  const node22 = path.join(root, "node_modules", "node", "bin", "node");
  if (!existsSync(node22)) {
    console.error(`aks-atlas needs Node.js >= 22.12 (this is ${process.version}); run npm ci first.`);
    process.exit(1);
  }
  const result = spawnSync(node22, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(result.status ?? 1);
}

const { tsImport } = await import("tsx/esm/api");
const { main } = await tsImport(path.join(root, "cli", "main.ts"), import.meta.url);
process.exitCode = await main(process.argv);
