// Page latency on a large tenant: autocannon with 20 connections against the production app, for the
// overview, a cluster page and a principal page, next to /api/health in the same run (the target since
// issue 15: each page's p99 within 5× of health's). Since issue 15 (group-level storage, access through
// a group stored once on the group and expanded on read) it also measures the two pages that expansion
// makes heaviest, picked from the data through the app's own API:
//   - the User who reaches the most clusters through Entra group membership (candidates: the users the
//     principal list says reach the most clusters; each one's /api/principals/<id> then tells how many of
//     its clusters it reaches by a path with a "member of" step);
//   - the cluster with the most members (principals with any access), counted from every cluster's
//     /api/clusters/<id>/access (no list answers it; this is one request per cluster, before timing).
//
// Prepare once (a generated 500-cluster tenant, three scans of it, in its own data folder; on the shared
// 2-core machine the three scans took 4.4 minutes, 2026-12-04):
//   node bin/aks-atlas.mjs tenant generate --out .data/bench-pages/tenant.json --seed 500 --subscriptions 20 \
//     --clusters 500 --role-assignments 8000 --bindings-per-cluster 30 --identities 800 --principals 3000
//   ATLAS_DATA_DIR=.data/bench-pages/db tsx scripts/dev-seed.ts --tenant-file .data/bench-pages/tenant.json --history 2
// Serve it (production build; no demo scan, no job worker):
//   ATLAS_DATA_DIR=.data/bench-pages/db ATLAS_SCAN_ON_START=0 ATLAS_WORKER=off PORT=3311 npm start
// Measure:
//   tsx bench/pages/run.ts --base http://127.0.0.1:3311 [--duration 15] [--connections 20] [--candidates 5]
//     [--targets .data/bench-pages/targets.json]   (picked once, then the same targets on every run)
// The same tenant in the layout before issue 15 (every member's rows), to compare: scripts/dev-seed.ts
// --group-storage false into another data folder. Where a page's time goes: bench/pages/profile.ts.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { z } from "zod";
import { clusterHref, principalHref } from "@/lib/queries/cluster-slug";

const { values } = parseArgs({
  options: {
    base: { type: "string", default: "http://127.0.0.1:3300" },
    duration: { type: "string", default: "15" },
    connections: { type: "string", default: "20" },
    /** how many of the users reaching the most clusters are checked for access through groups */
    candidates: { type: "string", default: "5" },
    /**
     * a JSON file of the targets picked: written after picking, read instead of picking when it exists (the
     * picking reads all 500 clusters' access, 100 s; the same targets measured before and after a change)
     */
    targets: { type: "string" },
  },
});
const base = values.base ?? "http://127.0.0.1:3300";
const duration = Number(values.duration);
const connections = Number(values.connections);
const candidates = Number(values.candidates);
/** the issue 15 target: every page's p99 within this many times /api/health's, in the same run */
const TARGET_RATIO = 5;

async function json<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const response = await fetch(`${base}${path}`);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return schema.parse(await response.json());
}

const clusterListSchema = z.object({
  total: z.number(),
  pages: z.number(),
  clusters: z.array(z.object({ id: z.string(), name: z.string() })),
});
const principalListSchema = z.object({
  total: z.number(),
  pageSize: z.number(),
  principals: z.array(z.object({ id: z.string(), displayName: z.string(), clusters: z.number() })),
});
const pathSchema = z.array(z.object({ kind: z.string() }));
// GET /api/principals/<id>: `summary` is every cluster reached, `clusters` the same with paths.
const principalSchema = z.object({
  summary: z.array(z.object({ cluster: z.object({ id: z.string() }) })),
  clusters: z.array(
    z.object({
      cluster: z.object({ id: z.string() }),
      grants: z.array(z.object({ path: pathSchema })),
      escalations: z.array(z.object({ path: pathSchema })),
    }),
  ),
});
const clusterAccessSchema = z.object({
  principals: z.array(z.object({ grants: z.array(z.unknown()) })),
});

/** Every cluster (id, name), all pages of the clusters list, busiest (most cluster-admins) first. */
async function allClusters() {
  const first = await json("/api/clusters?sort=clusterAdmins", clusterListSchema);
  const clusters = [...first.clusters];
  for (let page = 2; page <= first.pages; page++)
    clusters.push(
      ...(await json(`/api/clusters?sort=clusterAdmins&page=${page}`, clusterListSchema)).clusters,
    );
  return { total: first.total, clusters };
}

/**
 * The User reaching the most clusters through group membership. The list gives each principal's cluster
 * count, not how it is reached, so the `candidates` users reaching the most clusters are read in full:
 * a cluster counts as reached through a group when one of its grant paths has a "member of" step (the
 * step the expansion of a group's row puts in front, lib/queries/expanded-access.ts).
 */
async function groupHeavyUser() {
  const users: { id: string; displayName: string; clusters: number }[] = [];
  for (let page = 1; ; page++) {
    const list = await json(`/api/principals?kind=User&page=${page}`, principalListSchema);
    users.push(...list.principals);
    if (page * list.pageSize >= list.total) break;
  }
  const checked = users.sort((a, b) => b.clusters - a.clusters).slice(0, candidates);
  let best: { id: string; displayName: string; clusters: number; throughGroups: number } | null = null;
  for (const user of checked) {
    const detail = await json(`/api/principals/${encodeURIComponent(user.id)}`, principalSchema);
    const throughGroups = detail.clusters.filter((entry) =>
      entry.grants.some((grant) => grant.path.some((step) => step.kind === "groupMembership")),
    ).length;
    const candidate = { ...user, clusters: detail.summary.length, throughGroups };
    if (!best || throughGroups > best.throughGroups) best = candidate;
  }
  return { users: users.length, checked: checked.length, best };
}

/** The cluster with the most principals holding any access (a grant or an escalation), one request per cluster. */
async function mostMembersCluster(clusters: readonly { id: string; name: string }[]) {
  let best: { id: string; name: string; members: number; holders: number } | null = null;
  const queue = [...clusters];
  // two at a time: a short preparation without loading the server the way the measurement does
  await Promise.all(
    [0, 1].map(async () => {
      for (let cluster = queue.shift(); cluster; cluster = queue.shift()) {
        const access = await json(
          `/api/clusters/${encodeURIComponent(cluster.id)}/access`,
          clusterAccessSchema,
        );
        const members = access.principals.length;
        if (!best || members > best.members || (members === best.members && cluster.name < best.name))
          best = {
            ...cluster,
            members,
            holders: access.principals.filter((entry) => entry.grants.length > 0).length,
          };
      }
    }),
  );
  return best as { id: string; name: string; members: number; holders: number } | null;
}

/**
 * The busiest cluster (most admins), the principal with cluster-admin on most clusters, the user reaching
 * the most clusters through groups and the cluster with the most members.
 */
async function pickTargets() {
  const { total, clusters } = await allClusters();
  const principals = await json(
    "/api/principals?level=cluster-admin&kind=User",
    z.object({ principals: z.array(z.object({ id: z.string(), displayName: z.string() })) }),
  );
  const cluster = clusters[0];
  const principal = principals.principals[0];
  if (!cluster || !principal)
    throw new Error("the tenant has no cluster or no cluster-admin user: seed it first");
  const picking = performance.now();
  const heavy = await groupHeavyUser();
  const widest = await mostMembersCluster(clusters);
  const pickSeconds = (performance.now() - picking) / 1000;
  if (!heavy.best || !widest) throw new Error("no user or cluster to pick: seed the tenant first");
  const notes = [
    `group-heavy user: ${heavy.best.displayName} (${heavy.best.id}) reaches ${heavy.best.clusters} clusters, ` +
      `${heavy.best.throughGroups} of them through a group (the most of the ${heavy.checked} of ${heavy.users} users reaching the most clusters)`,
    `widest cluster: ${widest.name} has ${widest.members} principals with access (${widest.holders} holding a grant), ` +
      `the most of ${clusters.length} clusters`,
    `targets picked in ${pickSeconds.toFixed(1)} s (${clusters.length} cluster access reads, ${heavy.checked} principal reads)`,
  ];
  return {
    clusters: total,
    notes,
    targets: [
      { name: "/api/health", path: "/api/health" },
      { name: "overview", path: "/" },
      { name: `cluster ${cluster.name}`, path: clusterHref(cluster.id) },
      { name: `principal ${principal.displayName}`, path: principalHref(principal.id) },
      {
        name: `group-heavy ${heavy.best.displayName} (${heavy.best.throughGroups}/${heavy.best.clusters})`,
        path: principalHref(heavy.best.id),
      },
      { name: `most members ${widest.name} (${widest.members})`, path: clusterHref(widest.id) },
    ],
  };
}

type Row = {
  name: string;
  path: string;
  coldMs: number;
  /** the first answer's size: the page's weight (HTML with its RSC payload) */
  bytes: number;
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
  const bytes = (await first.arrayBuffer()).byteLength;
  const coldMs = performance.now() - started;
  const result = await autocannon({
    url: `${base}${path}`,
    connections,
    duration,
    headers: { accept: "text/html" },
    // autocannon's default 10 s would turn a page slower than that under load into errors and a p99 of 0
    // (no request completed); this measures it instead (still an error past a minute)
    timeout: 60,
  });
  return {
    name,
    path,
    coldMs: Math.round(coldMs),
    bytes,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

const picked = z.object({
  clusters: z.number(),
  notes: z.array(z.string()),
  targets: z.array(z.object({ name: z.string(), path: z.string() })),
});
const { clusters, notes, targets } =
  values.targets && existsSync(values.targets)
    ? picked.parse(JSON.parse(readFileSync(values.targets, "utf8")))
    : await pickTargets();
if (values.targets && !existsSync(values.targets))
  writeFileSync(values.targets, `${JSON.stringify({ clusters, notes, targets }, null, 2)}\n`);
console.log(`${base}: ${clusters} clusters; ${connections} connections, ${duration} s per target`);
for (const note of notes) console.log(note);
console.log();
const rows: Row[] = [];
for (const target of targets) rows.push(await measure(target.name, target.path));
const health = rows[0];
const width = Math.max(34, ...rows.map((row) => row.name.length));
console.log(
  "target".padEnd(width),
  "first ms",
  "  req/s",
  "   p50 ms",
  "   p99 ms",
  " p99/health",
  " non-2xx",
  "     size",
);
for (const row of rows) {
  console.log(
    row.name.padEnd(width),
    String(row.coldMs).padStart(8),
    String(row.rps).padStart(7),
    String(row.p50).padStart(9),
    String(row.p99).padStart(9),
    (row.requests > row.errors ? `${(row.p99 / Math.max(1, health.p99)).toFixed(1)}×` : "none done").padStart(
      11,
    ),
    String(row.errors).padStart(8),
    `${(row.bytes / 1024).toFixed(0)} KB`.padStart(9),
  );
}
const failing = rows
  .slice(1)
  .filter((row) => row.p99 > TARGET_RATIO * Math.max(1, health.p99) || row.errors > 0);
console.log(
  failing.length
    ? `\nOver target: ${failing.map((row) => row.name).join(", ")}`
    : `\nEvery page within ${TARGET_RATIO}× of health's p99.`,
);
process.exitCode = failing.length ? 1 : 0;
