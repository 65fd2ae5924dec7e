// `npm test`: every tier in order — lint, typecheck, unit, integration, browser. The first failure stops it.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { assertNode22 } from "./node-version.mjs";

assertNode22("npm test");
const bin = (name) => path.join("node_modules", ".bin", name);
const steps = [
  ["lint", bin("biome"), ["check", "."]],
  ["typecheck", bin("tsc"), ["--noEmit", "-p", "."]],
  ["unit", bin("vitest"), ["run", "--project", "unit"]],
  ["integration", bin("vitest"), ["run", "--project", "integration"]],
  ["browser", process.execPath, [path.join("scripts", "e2e.mjs")]],
];
const only = process.argv[2];
for (const [name, cmd, args] of steps) {
  if (only && only !== name) continue;
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, FORCE_COLOR: "0" } });
  if (result.status !== 0) {
    console.error(`\n${name} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
  console.log(`=== ${name} passed in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
}
