// Browser tests: Playwright in Debian's Chromium against the production build on a fresh data folder.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { assertNode22 } from "./node-version.mjs";

assertNode22("The browser tests");
const dataDir = process.env.E2E_DATA_DIR ?? ".data/e2e";
rmSync(path.resolve(dataDir), { recursive: true, force: true });
const result = spawnSync(
  process.execPath,
  [path.join("node_modules", "@playwright", "test", "cli.js"), "test", ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, E2E_DATA_DIR: dataDir } },
);
process.exit(result.status ?? 1);
