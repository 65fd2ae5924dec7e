/**
 * What the multi-hop searches cost per cluster, on a sample of clusters of a generated tenant: the attack-path
 * search (`AttackPathSearch.forCluster`, the scan's "attackPaths" phase) and the pod-reacher searches of
 * `pod-creators-reach-identity` (one per identity whose tokens the cluster's pods can get). These two are
 * most of a large first scan's analysis (docs/performance.md), so a change to the graph's edges is measured
 * here first, in a minute, before a whole bench/scan run.
 *
 *   node --import tsx bench/attack-search.ts [--clusters 500] [--sample 6] [--skip 100] [--edge-cache-mb N]
 *     (tenant flags as bench/scan; the edge caches' budget is the scan's, a quarter of the heap limit, unless given)
 *
 * CPU times of this process, so the machine's other load moves them less than wall time; the paths and
 * reaches counted are the answer's size, the same on every machine.
 */
import { buildAccessIndex } from "@/lib/access/access-index";
import { AttackPathSearch } from "@/lib/access/attack-paths";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { scanEdgeCacheBytes } from "@/lib/scan/edge-cache-budget";
import { generatedModel } from "./lib/generated-model";
import { mib, parseFlags, printTable } from "./lib/measure";
import { tenantOptions } from "./lib/tenant-options";

const flags = parseFlags(process.argv.slice(2));
const number = (name: string, fallback: number) => {
  const value = Number(flags[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number`);
  return value;
};
// bench/scan's 500-cluster tenant unless told otherwise
const clusters = number("clusters", 500);
const options = tenantOptions(number, {
  subscriptions: Math.max(1, Math.round(clusters / 25)),
  clusters,
  roleAssignments: clusters * 200,
  bindings: clusters * 200,
  principals: clusters * 40,
  identities: clusters * 4,
});
const sample = number("sample", 6);
const skip = number("skip", 100);

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const { model, generateMs, loadMs } = await generatedModel(options);
const setupAt = cpuMs();
// the scan's budget for the edge caches (lib/scan/edge-cache-budget.ts), or the one asked for
const edgeCacheBytes =
  flags["edge-cache-mb"] === undefined ? scanEdgeCacheBytes() : number("edge-cache-mb", 0) * 1024 * 1024;
const index = buildAccessIndex(model, { edgeCacheBytes });
const search = new AttackPathSearch(index);
// As the rule: the identities whose tokens each cluster's pods can get
const identitiesByCluster = new Map<string, string[]>();
for (const identity of model.identities)
  for (const clusterId of search.podSideClustersOf(identity.principalId))
    identitiesByCluster.set(clusterId, [...(identitiesByCluster.get(clusterId) ?? []), identity.principalId]);
const setupMs = cpuMs() - setupAt;

/** the one-step engine's CPU on the same clusters: the baseline the searches are read against */
let evaluateMs = 0;
let searchMs = 0;
let reachMs = 0;
let paths = 0;
let reaches = 0;
const chosen = model.clusters.slice(skip, skip + sample);
for (const cluster of chosen) {
  let at = cpuMs();
  const access = evaluateClusterAccess(model, cluster.id, index);
  evaluateMs += cpuMs() - at;
  at = cpuMs();
  paths += search.forCluster(access).length;
  searchMs += cpuMs() - at;
  at = cpuMs();
  for (const identity of identitiesByCluster.get(cluster.id) ?? [])
    reaches += search.podReachersOf(identity, cluster.id).length;
  reachMs += cpuMs() - at;
}

console.log(
  `tenant: ${model.clusters.length} clusters, ${model.roleAssignments.length} role assignments, ${model.principals.length} principals ` +
    `(generated in ${(generateMs / 1000).toFixed(1)} s, loaded in ${(loadMs / 1000).toFixed(1)} s); ` +
    `clusters ${skip}..${skip + chosen.length - 1} sampled; edge caches ${mib(edgeCacheBytes)}; setup (index, pod-side clusters) ${(setupMs / 1000).toFixed(1)} s CPU`,
);
const vsOneStep = (ms: number) => `${(ms / Math.max(evaluateMs, 1)).toFixed(1)}×`;
printTable([
  ["", "CPU", "per cluster", "vs one-step evaluation", "answers"],
  [
    "one-step evaluation (baseline)",
    `${(evaluateMs / 1000).toFixed(1)} s`,
    `${(evaluateMs / 1000 / chosen.length).toFixed(2)} s`,
    "1.0×",
    "",
  ],
  [
    "attack-path search",
    `${(searchMs / 1000).toFixed(1)} s`,
    `${(searchMs / 1000 / chosen.length).toFixed(2)} s`,
    vsOneStep(searchMs),
    `${paths} paths`,
  ],
  [
    "pod reachers",
    `${(reachMs / 1000).toFixed(1)} s`,
    `${(reachMs / 1000 / chosen.length).toFixed(2)} s`,
    vsOneStep(reachMs),
    `${reaches} reaches`,
  ],
]);
globalThis.gc?.();
console.log(`heap after: ${mib(process.memoryUsage().heapUsed)}`);
printTable([
  ["edge cache", "entries", "budget", "dropped"],
  ...Object.entries(search.edges.cacheUse()).map(([name, use]) => [
    name,
    String(use.entries),
    String(use.budget),
    `${use.evictions}×`,
  ]),
]);
