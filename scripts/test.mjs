// `npm test`: every tier in order — lint, typecheck, unit, integration, browser. The first failure stops it.
// It ends with one summary line, "N passed, N failed", counting the tests the runners reported.
import { spawn } from "node:child_process";
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

// Built from a string so the source holds no control character.
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Runs a step, echoing its output, and returns its exit code and output (colour codes stripped). */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    let output = "";
    const forward = (stream) => (chunk) => {
      stream.write(chunk);
      output += chunk.toString();
    };
    child.stdout.on("data", forward(process.stdout));
    child.stderr.on("data", forward(process.stderr));
    child.on("close", (code, signal) =>
      resolve({ code: code ?? 1, signal, output: output.replace(ANSI_COLOUR, "") }),
    );
  });
}

/** Test counts from Vitest ("Tests  12 passed | 1 failed (13)") and Playwright ("  18 passed (2.0m)", "  1 failed"). */
function counts(output) {
  let passed = 0;
  let failed = 0;
  for (const line of output.split("\n")) {
    const vitest = line.match(/^\s*Tests\s+(.*)\(\d+\)\s*$/);
    if (vitest) {
      passed += Number(vitest[1].match(/(\d+) passed/)?.[1] ?? 0);
      failed += Number(vitest[1].match(/(\d+) failed/)?.[1] ?? 0);
      continue;
    }
    const playwright = line.match(/^\s{2}(\d+) (passed|failed|flaky)( \(.*\))?\s*$/);
    if (playwright) {
      if (playwright[2] === "failed") failed += Number(playwright[1]);
      else passed += Number(playwright[1]);
    }
  }
  return { passed, failed };
}

const only = process.argv[2];
const total = { passed: 0, failed: 0 };
for (const [name, cmd, args] of steps) {
  if (only && only !== name) continue;
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const result = await run(cmd, args);
  const stepCounts = counts(result.output);
  total.passed += stepCounts.passed;
  total.failed += stepCounts.failed;
  if (result.code !== 0) {
    console.error(`\n${name} failed (exit ${result.signal ?? result.code}).`);
    console.log(`\n${total.passed} passed, ${Math.max(1, total.failed)} failed`);
    process.exit(result.code || 1);
  }
  console.log(`=== ${name} passed in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
}
console.log(`\n${total.passed} passed, ${total.failed} failed`);
