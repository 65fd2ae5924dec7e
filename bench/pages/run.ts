// Page latency on a large tenant: autocannon with 20 connections against the production app, for the
// overview, a cluster page and a principal page, next to /api/health in the same run (the target:
// each page's p99 within 10× of health's).
//
// Prepare once (a generated 500-cluster tenant, three scans of it, in its own data folder):
//   node bin/aks-atlas.mjs tenant generate --out .data/bench-500/tenant.json --seed 500 --subscriptions 20 \
//     --clusters 500 --role-assignments 8000 --bindings-per-cluster 30 --identities 800 --principals 3000
//   ATLAS_DATA_DIR=.data/bench-500/db tsx scripts/dev-seed.ts --tenant-file .data/bench-500/tenant.json --history 2
// Serve it (production build; no demo scan, no job worker):
//   ATLAS_DATA_DIR=.data/bench-500/db ATLAS_SCAN_ON_START=0 ATLAS_WORKER=off PORT=3300 npm start
// Measure:
//   tsx bench/pages/run.ts --base http://127.0.0.1:3300 [--duration 15] [--connections 20]
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { z } from "zod";

const { values } = parseArgs({
  options: {
    base: { type: "string", default: "http://127.0.0.1:3300" },
    duration: { type: "string", default: "15" },
    connections: { type: "string", default: "20" },
  },
});
const base = values.base ?? "http://127.0.0.1:3300";
const duration = Number(values.duration);
const connections = Number(values.connections);

async function json<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const response = await fetch(`${base}${path}`);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return schema.parse(await response.json());
}

/** The busiest cluster (most admins) and the principal with cluster-admin on most clusters. */
async function pickTargets() {
  const clusters = await json(
    "/api/clusters?sort=clusterAdmins",
    z.object({ total: z.number(), clusters: z.array(z.object({ id: z.string(), name: z.string() })) }),
  );
  const principals = await json(
    "/api/principals?level=cluster-admin&kind=User",
    z.object({ principals: z.array(z.object({ id: z.string(), displayName: z.string() })) }),
  );
  const cluster = clusters.clusters[0];
  const principal = principals.principals[0];
  if (!cluster || !principal)
    throw new Error("the tenant has no cluster or no cluster-admin user: seed it first");
  const slug = (
    await json(
      `/api/search?q=${encodeURIComponent(cluster.name)}`,
      z.object({ hits: z.array(z.object({ href: z.string() })) }),
    )
  ).hits.find((hit) => hit.href.startsWith("/clusters/"))?.href;
  return {
    clusters: clusters.total,
    targets: [
      { name: "/api/health", path: "/api/health" },
      { name: "overview", path: "/" },
      { name: `cluster ${cluster.name}`, path: slug ?? "/clusters" },
      { name: `principal ${principal.displayName}`, path: `/principals/${encodeURIComponent(principal.id)}` },
    ],
  };
}

type Row = {
  name: string;
  path: string;
  coldMs: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
};

async function measure(name: string, path: string): Promise<Row> {
  // The first request after a scan computes the per-scan summaries; report it, then measure steady state.
  const started = performance.now();
  const first = await fetch(`${base}${path}`);
  await first.arrayBuffer();
  const coldMs = performance.now() - started;
  const result = await autocannon({
    url: `${base}${path}`,
    connections,
    duration,
    headers: { accept: "text/html" },
  });
  return {
    name,
    path,
    coldMs: Math.round(coldMs),
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

const { clusters, targets } = await pickTargets();
console.log(`${base}: ${clusters} clusters; ${connections} connections, ${duration} s per target\n`);
const rows: Row[] = [];
for (const target of targets) rows.push(await measure(target.name, target.path));
const health = rows[0];
console.log("target".padEnd(34), "first ms", "  req/s", "   p50 ms", "   p99 ms", " p99/health", " non-2xx");
for (const row of rows) {
  console.log(
    row.name.padEnd(34),
    String(row.coldMs).padStart(8),
    String(row.rps).padStart(7),
    String(row.p50).padStart(9),
    String(row.p99).padStart(9),
    `${(row.p99 / Math.max(1, health.p99)).toFixed(1)}×`.padStart(11),
    String(row.errors).padStart(8),
  );
}
const failing = rows.slice(1).filter((row) => row.p99 > 10 * Math.max(1, health.p99) || row.errors > 0);
console.log(
  failing.length
    ? `\nOver target: ${failing.map((row) => row.name).join(", ")}`
    : "\nEvery page within 10× of health's p99.",
);
process.exitCode = failing.length ? 1 : 0;
