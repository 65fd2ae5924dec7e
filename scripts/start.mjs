// `npm start`: build the production bundle when the sources changed, then serve it (lib/server/start.ts).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { assertNode22 } from "./node-version.mjs";

assertNode22("AKS Identity Atlas");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "next.config.ts",
  "postcss.config.mjs",
  "package-lock.json",
  "tsconfig.json",
];
const SKIP = new Set(["node_modules", ".next", ".data", "generated"]);

function fingerprint() {
  const hash = createHash("sha256");
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!SKIP.has(name)) walk(path.join(p, name));
    } else if (!/\.(test|int\.test)\.tsx?$/.test(p)) {
      hash.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  for (const s of SOURCES) walk(s);
  return hash.digest("hex");
}

// Fail fast, before any build, when another instance owns the data folder (lib/db re-checks atomically).
const dataDir = path.resolve(process.env.ATLAS_DATA_DIR || ".data");
if (!process.env.DATABASE_URL && existsSync(path.join(dataDir, "atlas.lock.json"))) {
  try {
    const lock = JSON.parse(readFileSync(path.join(dataDir, "atlas.lock.json"), "utf8"));
    process.kill(lock.pid, 0);
    const stat = readFileSync(`/proc/${lock.pid}/stat`, "utf8");
    if (!stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) {
      console.error(
        `[atlas] could not start: another AKS Identity Atlas (pid ${lock.pid}) is already using the data folder ` +
          `${dataDir}. Stop it first, or set ATLAS_DATA_DIR to another folder.`,
      );
      process.exit(1);
    }
  } catch {
    // stale lock or unreadable: lib/db decides
  }
}

const stamp = path.join(".next", "atlas-build-fingerprint");
const current = fingerprint();
const built = existsSync(stamp) ? readFileSync(stamp, "utf8") : "";
if (built !== current || !existsSync(path.join(".next", "BUILD_ID"))) {
  console.log("[atlas] building the production bundle (sources changed since the last build)…");
  const result = spawnSync(
    process.execPath,
    [path.join("node_modules", "next", "dist", "bin", "next"), "build"],
    {
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stamp, current);
}

// The build's id stamps the whole-tenant aggregates the server keeps past a restart
// (lib/queries/scan-aggregates.ts): another build computes them again.
process.env.ATLAS_BUILD_ID = readFileSync(path.join(".next", "BUILD_ID"), "utf8").trim();

const { register } = await import("tsx/esm/api");
register();
const { startServer } = await import("../lib/server/start.ts");
await startServer().catch((error) => {
  console.error(`[atlas] could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
