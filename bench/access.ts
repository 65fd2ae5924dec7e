import { getHeapStatistics } from "node:v8";
import { buildAccessIndex } from "@/lib/access/access-index";
import { AttackPathSearch, DEFAULT_MAX_HOPS } from "@/lib/access/attack-paths";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { iterateTenantAccess } from "@/lib/access/evaluate-tenant";
import { scanEdgeCacheBytes } from "@/lib/scan/edge-cache-budget";
import { generatedModel } from "./lib/generated-model";
import { tenantOptions } from "./lib/tenant-options";
import { naiveClusterGrantCount } from "./naive-access";

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
  return value;
}

const options = tenantOptions(option, {
  subscriptions: 20,
  clusters: 500,
  roleAssignments: 100_000,
  bindings: 100_000,
  principals: 20_000,
  identities: 5_000,
});
const maxHops = option("max-hops", DEFAULT_MAX_HOPS);
const sampleSize = Math.max(1, Math.min(option("sample", 10), options.clusters));

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const signedMb = (bytes: number) => `${bytes < 0 ? "−" : "+"}${mb(Math.abs(bytes))}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** CPU time of this process (user + system), in ms */
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

const { model, stats, generateMs, loadMs } = await generatedModel(options);
global.gc?.();
sampleRss();
const rssBeforeEvaluation = process.memoryUsage().rss;
const heapBeforeEvaluation = process.memoryUsage().heapUsed;
const bindings = Object.values(model.kubernetes).reduce(
  (n, k) => n + k.clusterRoleBindings.length + k.roleBindings.length,
  0,
);

console.log(
  `tenant: ${model.clusters.length} clusters, ${model.roleAssignments.length} role assignments, ${bindings} Kubernetes bindings (incl. defaults), ` +
    `${model.principals.length} principals, ${model.groupMemberships.length} groups (generated ${stats.bytes} bytes in ${seconds(generateMs)}, loaded in ${seconds(loadMs)})`,
);

// The engine
const indexAt = performance.now();
// the scan's budget for the edge caches (lib/scan/edge-cache-budget.ts)
const index = buildAccessIndex(model, { edgeCacheBytes: scanEdgeCacheBytes() });
const indexMs = performance.now() - indexAt;
let grants = 0;
let escalations = 0;
let principalRows = 0;
const evaluateAt = performance.now();
const evaluateCpuAt = cpuMs();
// One-step evaluation alone: the attack-path search is measured on its own below.
for (const access of iterateTenantAccess(model, index, { attackPaths: false })) {
  for (const entry of access.principals) {
    grants += entry.grants.length;
    escalations += entry.escalations.length;
  }
  principalRows += access.principals.length;
  sampleRss();
}
const evaluateMs = performance.now() - evaluateAt;
const evaluateCpuMs = cpuMs() - evaluateCpuAt;
// With --expose-gc: what evaluation keeps (caches) once its garbage is collected.
global.gc?.();
const retainedAfterGc = global.gc ? process.memoryUsage().heapUsed : null;
const engineMs = indexMs + evaluateMs;
console.log(
  `engine:   index ${seconds(indexMs)} + evaluation ${seconds(evaluateMs)} = ${seconds(engineMs)}; ` +
    `${grants} grants, ${escalations} escalations, ${principalRows} principal rows; ` +
    `${Math.round(grants / (engineMs / 1000))} grants/s; ${(engineMs / model.clusters.length).toFixed(1)} ms/cluster`,
);
console.log(
  `memory:   RSS ${mb(rssBeforeEvaluation)} with the model loaded, peak ${mb(peakRss)} during evaluation (+${mb(peakRss - rssBeforeEvaluation)}); process max RSS ${mb(process.resourceUsage().maxRSS * 1024)} (includes parsing the file)`,
);
if (retainedAfterGc !== null) {
  console.log(
    `memory:   live heap ${mb(heapBeforeEvaluation)} before evaluation, ${mb(retainedAfterGc)} after it (full GC both times): ${signedMb(retainedAfterGc - heapBeforeEvaluation)} kept by the index and its caches`,
  );
}

// Attack paths: the backward search from every cluster's levels, over the engine's access of that
// cluster (evaluated again here, so the figure below is the search alone: its time excludes it).
global.gc?.();
const heapBeforePaths = process.memoryUsage().heapUsed;
let peakHeap = heapBeforePaths;
const sampleHeap = () => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
};
let paths = 0;
let pathHops = 0;
let searchMs = 0;
let searchCpuMs = 0;
const search = new AttackPathSearch(index, maxHops);
let searched = 0;
for (const cluster of model.clusters) {
  const access = evaluateClusterAccess(model, cluster.id, index);
  const at = performance.now();
  const cpuAt = cpuMs();
  const found = search.forCluster(access);
  searchCpuMs += cpuMs() - cpuAt;
  searchMs += performance.now() - at;
  paths += found.length;
  for (const path of found) pathHops += path.hops;
  sampleHeap();
  sampleRss();
  // Progress on stderr, so a long run shows it is moving (and how fast) without changing the report.
  if (++searched % 50 === 0)
    console.error(
      `  searched ${searched}/${model.clusters.length} clusters: ${paths} paths, CPU ${seconds(searchCpuMs)}, heap ${mb(process.memoryUsage().heapUsed)}`,
    );
}
// Who acts as each managed identity by running pods (the pod-creators-reach-identity finding's
// question), over the edge caches the searches above filled.
const identities = new Set(model.identities.map((identity) => identity.principalId));
for (const cluster of model.clusters) {
  if (cluster.kubeletIdentity?.objectId) identities.add(cluster.kubeletIdentity.objectId.toLowerCase());
}
let reachers = 0;
const reachAt = performance.now();
const reachCpuAt = cpuMs();
for (const identity of identities) {
  reachers += search.podReachersOf(identity).length;
  sampleHeap();
}
const reachCpuMs = cpuMs() - reachCpuAt;
const reachMs = performance.now() - reachAt;
sampleHeap();
sampleRss();
global.gc?.();
const heapAfterPaths = process.memoryUsage().heapUsed;
const heapLimit = getHeapStatistics().heap_size_limit;
console.log(
  `paths:    ${paths} attack paths (≤ ${maxHops} hops, mean ${(pathHops / Math.max(1, paths)).toFixed(1)}) in ${seconds(searchMs)} ` +
    `(CPU ${seconds(searchCpuMs)}; ${Math.round(paths / Math.max(searchMs / 1000, 1e-9))} paths/s) beside one-step evaluation ${seconds(evaluateMs)} (CPU ${seconds(evaluateCpuMs)}): ` +
    `${(searchMs / evaluateMs).toFixed(2)}x the one-step time (CPU ${(searchCpuMs / evaluateCpuMs).toFixed(2)}x)`,
);
console.log(
  `reachers: ${reachers} (principal, identity, cluster) reaches through pods for ${identities.size} identities in ${seconds(reachMs)} (CPU ${seconds(reachCpuMs)})`,
);
console.log(
  `memory:   peak heap ${mb(peakHeap)} during the searches (sampled after each cluster; heap limit ${mb(heapLimit)}), ` +
    `${signedMb(heapAfterPaths - heapBeforePaths)} kept by the edge caches after GC; process max RSS ${mb(process.resourceUsage().maxRSS * 1024)}`,
);

// Baselines, on a sample, extrapolated.
const step = Math.max(1, Math.floor(model.clusters.length / sampleSize));
const sample = model.clusters.filter((_, i) => i % step === 0).slice(0, sampleSize);
const extrapolate = (sampleMs: number) => (sampleMs / sample.length) * model.clusters.length;

let naiveGrants = 0;
const naiveAt = performance.now();
for (const cluster of sample) naiveGrants += naiveClusterGrantCount(model, cluster);
const naiveSampleMs = performance.now() - naiveAt;
const naiveMs = extrapolate(naiveSampleMs);

let rebuiltGrants = 0;
const rebuiltAt = performance.now();
for (const cluster of sample) {
  const access = evaluateClusterAccess(model, cluster.id, buildAccessIndex(model));
  for (const entry of access.principals) rebuiltGrants += entry.grants.length;
}
const rebuiltMs = extrapolate(performance.now() - rebuiltAt);

console.log(
  `baseline: naive, no index (bench/naive-access.ts, counts grants without building paths): ${sample.length} sample clusters in ` +
    `${seconds(naiveSampleMs)} (${naiveGrants} grants), extrapolated to ${model.clusters.length} clusters: ${seconds(naiveMs)}`,
);
console.log(
  `baseline: this engine with its index rebuilt per cluster, same sample, extrapolated: ${seconds(rebuiltMs)} (${rebuiltGrants} grants in the sample)`,
);
console.log(
  `ratio:    naive / engine = ${(naiveMs / engineMs).toFixed(1)}x; rebuilt-index / engine = ${(rebuiltMs / engineMs).toFixed(1)}x`,
);
