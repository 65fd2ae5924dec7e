import { buildAccessIndex } from "@/lib/access/access-index";
import { AttackPathSearch, withAttackPaths } from "@/lib/access/attack-paths";
import { directoryPrincipal, evaluateClusterAccess, reachThroughGroups } from "@/lib/access/evaluate-cluster";
import { collapseGroupRecords, type Member } from "@/lib/access/group-storage";
import { accessToRecords } from "@/lib/access/records";
import type { PathStep } from "@/lib/access/types";
import { StreamingFindings } from "@/lib/findings/evaluate-findings";
import { findingsToRecords } from "@/lib/findings/records";
import type { SnapshotRecordInput } from "@/lib/model/records";
import { generatedModel } from "./lib/generated-model";
import { parseFlags, printTable } from "./lib/measure";
import { tenantOptions } from "./lib/tenant-options";

const flags = parseFlags(process.argv.slice(2));
const number = (name: string, fallback: number) => {
  const value = Number(flags[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a whole number`);
  return value;
};
const options = tenantOptions(number, {
  subscriptions: 4,
  clusters: 100,
  roleAssignments: 20_000,
  bindings: 20_000,
  principals: 4_000,
  identities: 400,
});
const sampleSize = Math.min(number("sample", 8), options.clusters);

const { model } = await generatedModel(options);

const index = buildAccessIndex(model);
const search = new AttackPathSearch(index);
const findings = new StreamingFindings(model, index);
// As lib/scan/analyse.ts: a group's transitive members, each with its "member of" prefix.
const membersOf = (group: { id: string; kind: string }): Member[] =>
  group.kind === "Group"
    ? reachThroughGroups(index, directoryPrincipal(index, group.id))
        .slice(1)
        .map(({ principal, prefix }) => ({ principal, prefix }))
    : [];

type Tally = { rows: number; bytes: number; pathBytes: number; paths: number; steps: number };
const byKind = new Map<string, Tally>();
/** distinct step JSON → its number, across the sample */
const sampleSteps = new Map<string, number>();
let sampleStepBytes = 0;
let steps = 0;
let stepBytes = 0;
let clusterDistinctSteps = 0;
let clusterDistinctStepBytes = 0;
let suffixNodes = 0;
let payloadBytes = 0;
let pathBytesTotal = 0;
/** payload bytes with paths as step numbers: `[[3,17,42],[...]]` */
let referencedPathBytes = 0;

const pathsOf = (record: SnapshotRecordInput): PathStep[][] => {
  const data = record.data as { paths?: PathStep[][]; evidence?: { paths?: PathStep[][] } };
  return data.paths ?? data.evidence?.paths ?? [];
};

const sample = Array.from({ length: sampleSize }, (_, i) =>
  Math.floor((i * model.clusters.length) / sampleSize),
).map((at) => model.clusters[at]);

for (const cluster of sample) {
  const oneStep = evaluateClusterAccess(model, cluster.id, index);
  const access = withAttackPaths(oneStep, search.forCluster(oneStep));
  const records = [
    ...collapseGroupRecords(accessToRecords([access]), membersOf).records,
    ...findingsToRecords(findings.add([access])),
  ];
  const clusterSteps = new Set<string>();
  const suffixes = new Set<string>();
  for (const record of records) {
    const kind = record.kind === "finding" ? `finding ${record.naturalKey.split("|")[0]}` : record.kind;
    const tally = byKind.get(kind) ?? { rows: 0, bytes: 0, pathBytes: 0, paths: 0, steps: 0 };
    byKind.set(kind, tally);
    const json = JSON.stringify(record.data);
    const paths = pathsOf(record);
    const pathJson = paths.length > 0 ? JSON.stringify(paths) : "";
    tally.rows++;
    tally.bytes += json.length;
    tally.pathBytes += pathJson.length;
    tally.paths += paths.length;
    payloadBytes += json.length;
    pathBytesTotal += pathJson.length;
    const numbers: number[][] = [];
    for (const steps_ of paths) {
      const row: number[] = [];
      let suffix = "";
      for (let i = steps_.length - 1; i >= 0; i--) {
        const stepJson = JSON.stringify(steps_[i]);
        steps++;
        stepBytes += stepJson.length;
        let id = sampleSteps.get(stepJson);
        if (id === undefined) {
          id = sampleSteps.size;
          sampleSteps.set(stepJson, id);
          sampleStepBytes += stepJson.length;
        }
        if (!clusterSteps.has(stepJson)) {
          clusterSteps.add(stepJson);
          clusterDistinctStepBytes += stepJson.length;
        }
        suffix = `${id},${suffix}`;
        suffixes.add(suffix);
        row.push(id);
      }
      tally.steps += steps_.length;
      numbers.push(row.reverse());
    }
    referencedPathBytes +=
      json.length - pathJson.length + (paths.length > 0 ? JSON.stringify(numbers).length : 0);
  }
  clusterDistinctSteps += clusterSteps.size;
  suffixNodes += suffixes.size;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
console.log(
  `tenant: ${model.clusters.length} clusters, ${model.roleAssignments.length} role assignments, ${model.principals.length} principals; ` +
    `sample: ${sample.length} clusters (${sample.map((cluster) => cluster.name).join(", ")})`,
);
console.log("\nrecords a scan stores for the sample, by kind (group-level storage):");
printTable([
  ["kind", "rows", "JSON", "of which paths", "paths", "steps"],
  ...[...byKind]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .map(([kind, t]) => [kind, t.rows, mb(t.bytes), mb(t.pathBytes), t.paths, t.steps]),
]);
console.log("\npath steps:");
printTable([
  ["", "count", "JSON", "vs all steps"],
  ["steps in all", steps, mb(stepBytes), "1.0×"],
  [
    "distinct within each cluster (summed)",
    clusterDistinctSteps,
    mb(clusterDistinctStepBytes),
    ratio(steps, clusterDistinctSteps),
  ],
  ["distinct across the sample", sampleSteps.size, mb(sampleStepBytes), ratio(steps, sampleSteps.size)],
  ["distinct suffixes (tree nodes) per cluster (summed)", suffixNodes, "", ratio(steps, suffixNodes)],
]);
const perCluster = referencedPathBytes + clusterDistinctStepBytes;
const perSample = referencedPathBytes + sampleStepBytes;
console.log("\npayload (the JSON a scan hands PostgreSQL for these clusters):");
printTable([
  ["layout", "JSON", "vs today"],
  ["today: every path with its steps", mb(payloadBytes), "1.00×"],
  [
    "paths as step numbers + each cluster's distinct steps once",
    mb(perCluster),
    `${(perCluster / payloadBytes).toFixed(2)}×`,
  ],
  [
    "paths as step numbers + the sample's distinct steps once",
    mb(perSample),
    `${(perSample / payloadBytes).toFixed(2)}×`,
  ],
]);
console.log(
  `\npaths are ${((100 * pathBytesTotal) / payloadBytes).toFixed(0)} % of the payload; a step's JSON averages ${(stepBytes / steps).toFixed(0)} bytes`,
);
