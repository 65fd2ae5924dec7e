/**
 * Scan benchmark: collectTenant against the emulator serving a large generated tenant with a fixed
 * latency per request, and the naive scanner (bench/scan/naive.ts) on the same tenant.
 *
 *   node --import tsx bench/scan/run.ts [--clusters 500] [--assignments 100000] [--bindings 100000]
 *     [--subscriptions 20] [--principals 20000] [--identities 2000] [--latency 20] [--concurrency 8]
 *     [--page-size 500] [--naive-sample 20] [--skip-naive] [--skip-store] [--rounds 3] [--skip-product] [--seed 1]
 *     [--group-storage true|false|both] [--mutate-share 0.01] [--keep-work]
 *
 * The emulator runs in a child process (bench/scan/serve-emulator.ts), so the RSS measured here is
 * the scanner's. The naive scanner reads every subscription but only a sample of the per-unit work
 * (identities, clusters, principals, groups); its time and calls are extrapolated per unit to the
 * whole tenant, and the printout says which figures are measured and which extrapolated.
 *
 * Last, the whole product scan (bench/scan/product-scan.ts, in its own process): collection, the inventory
 * store, access and findings evaluated and stored batch by batch, all in one transaction, then an unchanged
 * re-scan: wall time, rows written, table size, peak RSS, clusters evaluated and reused (incremental
 * analysis), and each scan's wall time against the collection measured in the same run. Then (unless
 * --mutate-share 0) the tenant is changed as `aks-atlas tenant mutate --share <share>` changes it, the
 * emulator restarted on the changed file, and the group-level database re-scanned: issue 15's "re-scan
 * after a 1% change" row, with the rows that scan wrote next to the number of objects changed.
 * --keep-work leaves the work folder (tenant file, emulator and product databases) in place and prints
 * its path, to look at what a scan stored (rows and bytes by kind) after the run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface, type Interface } from "node:readline";
import { finished } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { API_FAMILIES, type ApiFamily } from "@/lib/azure/api-calls";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { mutateTenant } from "@/lib/emulator/generate/mutate-tenant";
import { modelToRecords } from "@/lib/model/records";
import { collectTenant } from "@/lib/scan/collect/collect-tenant";
import { mib, parseFlags, printTable, rssSampler, secs } from "../lib/measure";
import { measureStorePhase } from "../lib/store-phase";
import { tenantOptions } from "../lib/tenant-options";
import { emulatorTargetSchema } from "./emulator-target";
import { naiveScan } from "./naive";

const flags = parseFlags(process.argv.slice(2));
const number = (name: string, fallback: number) => {
  const value = Number(flags[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
  return value;
};
const options = tenantOptions(number, {
  subscriptions: 20,
  clusters: 500,
  roleAssignments: 100_000,
  bindings: 100_000,
  principals: 20_000,
  identities: 2_000,
});
const latencyMs = number("latency", 20);
const concurrency = number("concurrency", 8);
const pageSize = number("page-size", 500);
const mutateShare = number("mutate-share", 0.01);
if (mutateShare > 1) throw new Error("--mutate-share is a fraction between 0 and 1");
const naiveSample = number("naive-sample", 20);

const readySchema = z.object({
  ready: emulatorTargetSchema,
  rssBytes: z.number(),
});
const countsSchema = z.object({ counts: z.record(z.string(), z.number()) });

class EmulatorProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: Interface,
    private readonly queue: ((line: string) => void)[],
  ) {}

  static async start(tenantFile: string, dataDir: string) {
    const script = fileURLToPath(new URL("./serve-emulator.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        script,
        "--tenant",
        tenantFile,
        "--data-dir",
        dataDir,
        "--latency",
        String(latencyMs),
        "--page-size",
        String(pageSize),
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
    const queue: ((line: string) => void)[] = [];
    lines.on("line", (line) => queue.shift()?.(line));
    const process_ = new EmulatorProcess(child, lines, queue);
    const ready = readySchema.parse(JSON.parse(await process_.nextLine()));
    return { emulator: process_, ready };
  }

  private nextLine(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push(resolve);
      this.child.once("exit", (code) => reject(new Error(`the emulator exited (${code})`)));
    });
  }

  async counts(): Promise<Record<string, number>> {
    this.child.stdin?.write("counts\n");
    return countsSchema.parse(JSON.parse(await this.nextLine())).counts;
  }

  async reset(): Promise<void> {
    this.child.stdin?.write("reset\n");
    await this.nextLine();
  }

  async stop(): Promise<void> {
    this.lines.close();
    this.child.stdin?.end();
    await new Promise((resolve) => this.child.once("exit", resolve));
  }
}

const productRunSchema = z.object({
  run: z.enum(["first", "unchanged", "mutated"]),
  ms: z.number(),
  status: z.string(),
  counts: z.record(z.string(), z.number()),
  rowsInserted: z.number(),
  rowsClosed: z.number(),
  peakRss: z.number(),
  tableBytes: z.number(),
  writtenByKind: z.record(z.string(), z.object({ inserted: z.number(), closed: z.number() })),
  phaseMs: z.record(z.string(), z.number()).default({}),
  cpuMs: z.number().optional(),
});

/** Runs bench/scan/product-scan.ts in a child process and parses the JSON line it prints per scan. */
async function productScans(
  targetFile: string,
  dataDir: string,
  groupStorage: boolean,
  scans = "first,unchanged",
) {
  const script = fileURLToPath(new URL("./product-scan.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    [
      "--expose-gc", // as bin/aks-atlas.mjs and `npm start` run scans (lib/scan/collect-garbage.ts)
      "--import",
      "tsx",
      script,
      "--target",
      targetFile,
      "--data-dir",
      dataDir,
      "--concurrency",
      String(concurrency),
      "--page-size",
      String(pageSize),
      "--group-storage",
      String(groupStorage),
      "--runs",
      scans,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const runs: z.infer<typeof productRunSchema>[] = [];
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  lines.on("line", (line) => {
    if (line.startsWith("{")) runs.push(productRunSchema.parse(JSON.parse(line)));
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the product scan exited with ${code}`);
  return runs;
}

const work = await mkdtemp(path.join(tmpdir(), "aks-atlas-scan-bench-"));
// As root the embedded PostgreSQL of the store phase runs as 'postgres', which must reach this folder.
await chmod(work, 0o755);
let emulatorProcess: EmulatorProcess | undefined;
try {
  const tenantFile = path.join(work, "tenant.json");
  const out = createWriteStream(tenantFile);
  const generatedAt = performance.now();
  const stats = await generateTenant(options, out);
  out.end();
  await finished(out);
  console.log(
    `tenant:   ${stats.subscriptions} subscriptions, ${stats.clusters} clusters, ${stats.roleAssignments} role assignments, ` +
      `${stats.bindings} bindings, ${stats.kubernetesObjects} Kubernetes objects in the file, ${stats.principals} principals, ` +
      `${stats.federatedCredentials} federated credentials (${mib(stats.bytes)}, generated in ${secs(performance.now() - generatedAt)})`,
  );
  const started = await EmulatorProcess.start(tenantFile, path.join(work, "emulator"));
  emulatorProcess = started.emulator;
  const target = scanTargetForEmulator(started.ready.ready);
  console.log(
    `emulator: ${latencyMs} ms per request, page size ${pageSize}, in its own process (RSS ${mib(started.ready.rssBytes)} at start)`,
  );

  // collectTenant
  const rssBefore = process.memoryUsage.rss();
  const sampler = rssSampler();
  const scanStarted = performance.now();
  const result = await collectTenant(target, { concurrency, pageSize });
  const scanMs = performance.now() - scanStarted;
  sampler.stop();
  const scanPeak = sampler.peak();
  const served = await started.emulator.counts();
  const mismatch = API_FAMILIES.filter((family) => (served[family] ?? 0) !== result.apiCalls[family]);
  const scanCalls = Object.values(result.apiCalls).reduce((sum, value) => sum + value, 0);
  console.log(
    `scan:     ${secs(scanMs)}, ${scanCalls} calls, peak RSS ${mib(scanPeak)} (${mib(rssBefore)} before); ` +
      `${result.counts.clusters} clusters (${result.counts.clustersRead} read), ${result.counts.roleAssignments} assignments, ` +
      `${result.counts.kubernetesObjects} Kubernetes objects, ${result.counts.principals} principals; ${result.errors.length} errors` +
      (mismatch.length
        ? `; COUNT MISMATCH with the emulator for ${mismatch.join(", ")}`
        : "; calls agree with the emulator's count"),
  );

  // The naive scanner
  let naive: { ms: number; calls: Record<ApiFamily, number>; extrapolated: boolean } | undefined;
  if (flags["skip-naive"] !== "true") {
    await started.emulator.reset();
    const naiveSampler = rssSampler();
    const measured = await naiveScan(target, { sampleSize: naiveSample });
    naiveSampler.stop();
    const calls = Object.fromEntries(API_FAMILIES.map((family) => [family, 0])) as Record<ApiFamily, number>;
    let ms = 0;
    let extrapolated = false;
    const rows: (string | number)[][] = [
      ["naive phase", "units", "read", "measured", "whole tenant", "calls (whole tenant)"],
    ];
    for (const phase of measured.phases) {
      const factor = phase.measuredUnits === 0 ? 0 : phase.units / phase.measuredUnits;
      if (factor !== 1) extrapolated = true;
      ms += phase.ms * factor;
      let phaseCalls = 0;
      for (const family of API_FAMILIES) {
        calls[family] += Math.round(phase.calls[family] * factor);
        phaseCalls += Math.round(phase.calls[family] * factor);
      }
      rows.push([
        phase.phase,
        phase.units,
        phase.measuredUnits,
        secs(phase.ms),
        secs(phase.ms * factor),
        phaseCalls,
      ]);
    }
    printTable(rows);
    naive = { ms, calls, extrapolated };
    console.log(`naive:    peak RSS ${mib(naiveSampler.peak())}`);
  }

  console.log("");
  const header = ["", "wall time", ...API_FAMILIES, "total calls", "peak RSS"];
  const rows: (string | number)[][] = [
    header,
    [
      "collectTenant",
      secs(scanMs),
      ...API_FAMILIES.map((family) => result.apiCalls[family]),
      scanCalls,
      mib(scanPeak),
    ],
  ];
  if (naive) {
    const naiveCalls = Object.values(naive.calls).reduce((sum, value) => sum + value, 0);
    rows.push([
      naive.extrapolated ? "naive (extrapolated)" : "naive",
      secs(naive.ms),
      ...API_FAMILIES.map((family) => naive.calls[family]),
      naiveCalls,
      "-",
    ]);
    rows.push([
      "ratio naive / collectTenant",
      `${(naive.ms / scanMs).toFixed(1)}x`,
      ...API_FAMILIES.map(() => ""),
      `${(naiveCalls / scanCalls).toFixed(1)}x`,
      "",
    ]);
  }
  printTable(rows);
  console.log(
    `\ntargets:  peak RSS < 1 GiB: ${scanPeak < 1024 ** 3 ? "yes" : "NO"}` +
      (naive ? `; >= 10x faster than naive: ${naive.ms / scanMs >= 10 ? "yes" : "NO"}` : "") +
      `; ARM+Resource Graph+Graph calls per subscription ${((result.apiCalls.arm + result.apiCalls["resource-graph"] + result.apiCalls.graph) / options.subscriptions).toFixed(1)}, ` +
      `Kubernetes calls per cluster ${(result.apiCalls.kubernetes / Math.max(1, options.clusters)).toFixed(1)}`,
  );

  // The store phase on what the scan collected (bench/lib/store-phase.ts).
  if (flags["skip-store"] !== "true") {
    console.log("");
    await measureStorePhase({
      workDir: work,
      tenantId: result.model.tenantId,
      records: modelToRecords(result.model),
      closableSources: Object.entries(result.model.coverage)
        .filter(([, entry]) => entry.status === "complete")
        .map(([source]) => source),
      rounds: number("rounds", 3),
    });
  }

  // The whole product scan, twice, in a process of its own (bench/scan/product-scan.ts).
  if (flags["skip-product"] !== "true") {
    console.log("");
    const targetFile = path.join(work, "target.json");
    await writeFile(targetFile, JSON.stringify(started.ready.ready));
    // --group-storage both: every member's rows (the layout before issue 15 part 1), then group-level
    // storage, each in a fresh database, so the two layouts' figures stand side by side in one run.
    const layouts = flags["group-storage"] === "both" ? [false, true] : [flags["group-storage"] !== "false"];
    const runs: (Awaited<ReturnType<typeof productScans>>[number] & { layout: string })[] = [];
    for (const groupStorage of layouts) {
      await started.emulator.reset();
      const layout = groupStorage ? "by group" : "per member";
      for (const run of await productScans(targetFile, path.join(work, `product-db-${layout}`), groupStorage))
        runs.push({ ...run, layout });
    }
    let mutation: { changes: number; byKind: string } | null = null;
    if (mutateShare > 0) {
      // Issue 15's third row: change about --mutate-share of each kind of object, serve the changed tenant
      // (a new emulator process on the changed file: same tenant, same ids) and re-scan the last database.
      const mutatedFile = path.join(work, "tenant-mutated.json");
      const manifest = await mutateTenant(
        tenantFile,
        { seed: options.seed, share: mutateShare },
        mutatedFile,
        path.join(work, "mutation.json"),
      );
      const byKind = new Map<string, number>();
      for (const change of manifest.changes) byKind.set(change.kind, (byKind.get(change.kind) ?? 0) + 1);
      mutation = {
        changes: manifest.changes.length,
        byKind: [...byKind].map(([kind, n]) => `${kind} ${n}`).join(", "),
      };
      await started.emulator.stop();
      const mutated = await EmulatorProcess.start(mutatedFile, path.join(work, "emulator-mutated"));
      emulatorProcess = mutated.emulator;
      const mutatedTarget = path.join(work, "target-mutated.json");
      await writeFile(mutatedTarget, JSON.stringify(mutated.ready.ready));
      const groupStorage = layouts[layouts.length - 1];
      const layout = groupStorage ? "by group" : "per member";
      for (const run of await productScans(
        mutatedTarget,
        path.join(work, `product-db-${layout}`),
        groupStorage,
        "mutated",
      ))
        runs.push({ ...run, layout });
    }
    const productRows: (string | number)[][] = [
      [
        "product scan (runScan)",
        "wall time",
        "status",
        "grants",
        "escalations",
        "findings",
        "rows inserted",
        "rows closed",
        "table size",
        "peak RSS",
        "clusters evaluated",
        "clusters reused",
        "vs collection",
        "memberships",
        "absent markers",
        "members' rows not stored (of them preferred)",
      ],
    ];
    for (const run of runs) {
      productRows.push([
        `${{ first: "first scan", unchanged: "unchanged re-scan", mutated: `re-scan after mutate --share ${mutateShare}` }[run.run]} (${run.layout})`,
        secs(run.ms),
        run.status,
        run.counts["access.grant"] ?? 0,
        run.counts["access.escalation"] ?? 0,
        run.counts.finding ?? 0,
        run.rowsInserted,
        run.rowsClosed,
        mib(run.tableBytes),
        mib(run.peakRss),
        run.counts.analysisClustersEvaluated ?? "-",
        run.counts.analysisClustersReused ?? "-",
        // The ratios of issue 15's targets: the whole product scan against the collection measured above.
        `${(run.ms / scanMs).toFixed(2)}x`,
        run.writtenByKind["access.membership"]?.inserted ?? 0,
        run.writtenByKind["access.absent"]?.inserted ?? 0,
        run.counts.analysisMemberRowsExpanded === undefined
          ? "-"
          : `${run.counts.analysisMemberRowsExpanded} (${run.counts.analysisMemberRowsPreferred ?? 0})`,
      ]);
    }
    printTable(productRows);
    // Where each scan's time went (ScanOutcome.phaseMs): what to work on next to approach the targets.
    const phases = [...new Set(runs.flatMap((run) => Object.keys(run.phaseMs)))];
    if (phases.length > 0) {
      printTable([
        ["time by phase", "scan CPU", ...phases],
        ...runs.map((run) => [
          `${run.run} (${run.layout})`,
          run.cpuMs === undefined ? "-" : secs(run.cpuMs),
          ...phases.map((phase) => (run.phaseMs[phase] === undefined ? "-" : secs(run.phaseMs[phase]))),
        ]),
      ]);
    }
    for (const run of runs.filter((entry) => entry.run === "first"))
      console.log(
        `first scan (${run.layout}) wrote, by kind: ${Object.entries(run.writtenByKind)
          .filter(([kind]) => kind.startsWith("access.") || kind === "finding")
          .map(([kind, n]) => `${kind} ${n.inserted}`)
          .join(", ")}`,
      );
    const again = runs.find((run) => run.run === "unchanged");
    if (again && Object.keys(again.writtenByKind).length > 0) {
      console.log(
        `unchanged re-scan wrote, by kind: ${Object.entries(again.writtenByKind)
          .map(([kind, n]) => `${kind} +${n.inserted}/-${n.closed}`)
          .join(", ")}`,
      );
    }
    const changed = runs.find((run) => run.run === "mutated");
    if (changed && mutation) {
      const first = runs.filter((run) => run.run === "first").at(-1);
      console.log(
        `mutate --share ${mutateShare}: ${mutation.changes} objects changed (${mutation.byKind}); the re-scan wrote ` +
          `${changed.rowsInserted} rows and closed ${changed.rowsClosed} (${first ? ((100 * (changed.rowsInserted + changed.rowsClosed)) / Math.max(1, first.rowsInserted)).toFixed(1) : "?"}% of the first scan's rows), by kind: ` +
          Object.entries(changed.writtenByKind)
            .map(([kind, n]) => `${kind} +${n.inserted}/-${n.closed}`)
            .join(", "),
      );
    }
    const peak = Math.max(...runs.map((run) => run.peakRss));
    console.log(
      `targets:  product scan peak RSS < 1 GiB: ${peak < 1024 ** 3 ? "yes" : "NO"} (${mib(peak)}); ` +
        `unchanged re-scan writes < 1% of rows: ${runs[1] && runs[1].rowsInserted + runs[1].rowsClosed < runs[0].rowsInserted / 100 ? "yes" : "NO"}; ` +
        `unchanged re-scan evaluates 0 clusters and takes <= 1.2x collection: ${again && again.counts.analysisClustersEvaluated === 0 && again.ms <= 1.2 * scanMs ? "yes" : "NO"}` +
        (changed
          ? `; re-scan after mutate <= 1.5x collection: ${changed.ms <= 1.5 * scanMs ? "yes" : "NO"}`
          : ""),
    );
  }
} finally {
  await emulatorProcess?.stop();
  if (flags["keep-work"] === "true") console.log(`work:     kept in ${work}`);
  else await rm(work, { recursive: true, force: true });
}
