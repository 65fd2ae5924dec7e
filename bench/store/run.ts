/**
 * The scan's store phase against raw COPY baselines, and an unchanged re-scan's writes, on a generated tenant
 * normalized as an offline import would be (no network: bench/scan measures the same after a real collection).
 *
 *   npx tsx bench/store/run.ts [--clusters 500] [--role-assignments 100000] [--bindings 100000] [--rounds 3]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { modelToRecords } from "@/lib/model/records";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";
import { mib, parseFlags, rssSampler } from "../lib/measure";
import { measureStorePhase } from "../lib/store-phase";

const flags = parseFlags(process.argv.slice(2));
const clusters = Number(flags.clusters ?? 500);
const roleAssignments = Number(flags["role-assignments"] ?? 100_000);
const bindings = Number(flags.bindings ?? 100_000);

const rss = rssSampler();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-bench-store-"));
fs.chmodSync(work, 0o755);
try {
  const tenantPath = path.join(work, "tenant.json");
  console.log(`Generating ${clusters} clusters, ${roleAssignments} role assignments, ${bindings} bindings…`);
  const out = fs.createWriteStream(tenantPath);
  await generateTenant(
    {
      seed: 42,
      subscriptions: Math.max(1, Math.ceil(clusters / 50)),
      clusters,
      roleAssignments,
      bindings,
      identities: clusters * 2,
      principals: 5000,
    },
    out,
  );
  await new Promise<void>((resolve) => out.end(resolve));
  const model = modelFromTenantFile(await readTenantFile(tenantPath));
  const records = modelToRecords(model);
  console.log(`${records.length} records\n`);
  await measureStorePhase({
    workDir: work,
    tenantId: model.tenantId,
    records,
    closableSources: Object.keys(model.coverage),
    rounds: Number(flags.rounds ?? 3),
  });
  console.log(`peak RSS ${mib(rss.peak())} (includes reading the tenant file into memory)`);
} finally {
  rss.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
