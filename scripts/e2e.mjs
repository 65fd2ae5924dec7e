// Browser tests: Playwright in Debian's Chromium against the production build on a fresh data folder.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { assertNode22 } from "./node-version.mjs";

assertNode22("The browser tests");
const dataDir = process.env.E2E_DATA_DIR ?? ".data/e2e";
const args = process.argv.slice(2);
// Two servers under test: the anonymous demo (playwright.config.ts) and the app with Entra ID sign-in
// against an emulator (playwright.auth.config.ts, e2e/auth*.spec.ts). File arguments pick the one they need.
const isAuthFile = (arg) => path.basename(arg).startsWith("auth");
const isSpecFile = (arg) => /\.spec\.ts(:\d+)*$/.test(arg);
const flags = args.filter((arg) => !isSpecFile(arg));
const files = args.filter(isSpecFile);
const runs = [
  ["playwright.config.ts", files.filter((file) => !isAuthFile(file))],
  ["playwright.auth.config.ts", files.filter(isAuthFile)],
];
let status = 0;
for (const [config, own] of runs) {
  if (status !== 0 || (files.length > 0 && own.length === 0)) continue;
  if (config === "playwright.config.ts") rmSync(path.resolve(dataDir), { recursive: true, force: true });
  const result = spawnSync(
    process.execPath,
    [
      path.join("node_modules", "@playwright", "test", "cli.js"),
      "test",
      "--config",
      config,
      ...flags,
      ...own,
    ],
    { stdio: "inherit", env: { ...process.env, E2E_DATA_DIR: dataDir } },
  );
  status = result.status ?? 1;
}
process.exit(status);
