// The first visit after a restart: what a platform team's first request waits for once the server has
// restarted on a large tenant (a deploy, a crash, the nightly restart). The server warms each scan's
// whole-tenant aggregates in the background as it starts (lib/queries/warm-scan.ts), and a visitor who
// comes first waits for the same computation: the overview needs the principals' summaries, who can be
// cluster-admin, the clusters' posture and the trend.
//
// Each run starts the production server as `npm start` does (no scan on start, no job worker) on a data
// folder prepared for bench/pages/run.ts, waits for /api/health, then times, one request at a time: the first
// `/`, `/` again (warm), the first `/clusters` and `/principals`, and /api/health. It prints each figure and
// the first `/` against the warm `/` and against health in the same run, then stops the server.
//
//   tsx bench/pages/first-visit.ts [--data-dir .data/bench-pages/db] [--port 3312] [--runs 2]
//
// The server builds the production bundle first when the sources changed since the last build (then the
// first run's "server up" includes the build). Nothing may be serving the data folder already.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { printTable } from "../lib/measure";

const { values } = parseArgs({
  options: {
    "data-dir": { type: "string", default: ".data/bench-pages/db" },
    port: { type: "string", default: "3312" },
    runs: { type: "string", default: "2" },
  },
});
const dataDir = path.resolve(values["data-dir"] ?? ".data/bench-pages/db");
const port = Number(values.port);
const runs = Number(values.runs);
if (!Number.isInteger(port) || port <= 0) throw new Error("--port needs a port number");
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a whole number of at least 1");
const base = `http://127.0.0.1:${port}`;
/** long enough for a build of the production bundle before the server listens */
const READY_TIMEOUT_MS = 20 * 60_000;
const HEALTH_SAMPLES = 20;

/** One request, timed to its last byte; a page that does not answer 200 stops the benchmark. */
async function timed(pathname: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(`${base}${pathname}`);
  const body = await response.arrayBuffer();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${pathname}: HTTP ${response.status}`);
  return { ms, bytes: body.byteLength };
}

async function waitForHealth(server: ChildProcess, since: number): Promise<number> {
  let exited: number | null = null;
  server.once("exit", (code) => {
    exited = code ?? -1;
  });
  for (;;) {
    if (exited !== null) throw new Error(`the server exited (${exited}) before it answered; see its log`);
    if (performance.now() - since > READY_TIMEOUT_MS)
      throw new Error("the server did not answer /api/health in 20 minutes");
    try {
      const response = await fetch(`${base}/api/health`);
      await response.arrayBuffer();
      if (response.ok) return performance.now() - since;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.pid === undefined) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  // the whole group: npm start's script and the server it runs
  process.kill(-server.pid, "SIGTERM");
  const timer = setTimeout(() => server.pid !== undefined && process.kill(-server.pid, "SIGKILL"), 60_000);
  await exited;
  clearTimeout(timer);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => `${Math.round(value).toLocaleString("en")} ms`;
const rows: string[][] = [];

for (let run = 1; run <= runs; run++) {
  const log = path.join(dataDir, "..", `first-visit-${run}.log`);
  const out = createWriteStream(log);
  const since = performance.now();
  const server = spawn(process.execPath, ["--expose-gc", "--max-semi-space-size=32", "scripts/start.mjs"], {
    env: {
      ...process.env,
      ATLAS_DATA_DIR: dataDir,
      ATLAS_SCAN_ON_START: "0",
      ATLAS_WORKER: "off",
      PORT: String(port),
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.pipe(out);
  server.stderr?.pipe(out);
  try {
    const upMs = await waitForHealth(server, since);
    const first = await timed("/");
    const warm = await timed("/");
    const clusters = await timed("/clusters");
    const principals = await timed("/principals");
    const health: number[] = [];
    for (let i = 0; i < HEALTH_SAMPLES; i++) health.push((await timed("/api/health")).ms);
    const healthMedian = median(health);
    rows.push([
      String(run),
      ms(upMs),
      `${ms(first.ms)} (${Math.round(first.bytes / 1024)} KB)`,
      ms(warm.ms),
      ms(clusters.ms),
      ms(principals.ms),
      ms(healthMedian),
      `${(first.ms / warm.ms).toFixed(0)}×`,
      `${(first.ms / healthMedian).toFixed(0)}×`,
    ]);
    console.log(`run ${run}: server up in ${ms(upMs)}, first / in ${ms(first.ms)} (server log: ${log})`);
  } finally {
    await stop(server);
  }
}

const header = [
  "run",
  "server up",
  "first /",
  "/ again",
  "first /clusters",
  "first /principals",
  "/api/health (median of 20)",
  "first / vs / again",
  "first / vs health",
];
printTable([header, ...rows]);
