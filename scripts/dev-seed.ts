// Seeds a development database with scans of a tenant file, so the dashboard has data before (or
// without) the scanner: each scan is the tenant file → model → access → findings → versioned rows,
// stored by the same storeRecords the scanner uses. Earlier scans are drifted copies of the tenant
// (mutateTenantDocument), so history and the posture trend have something to show.
//
//   tsx scripts/dev-seed.ts [--tenant-file <path>] [--history <n>]
//
// Database: DATABASE_URL, or the embedded PostgreSQL in ATLAS_DATA_DIR (joined when another process owns it).
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { z } from "zod";
import { buildAccessIndex } from "@/lib/access/access-index";
import { evaluateTenantAccess } from "@/lib/access/evaluate-tenant";
import { accessToRecords } from "@/lib/access/records";
import { openDatabase } from "@/lib/db/open-database";
import { demoTenantPath } from "@/lib/emulator/demo/index";
import { mutateTenantDocument } from "@/lib/emulator/generate/mutate-tenant";
import { parseTenantFile } from "@/lib/emulator/tenant-file";
import { evaluateFindings } from "@/lib/findings/evaluate-findings";
import { findingsToRecords } from "@/lib/findings/records";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { modelToRecords } from "@/lib/model/records";
import { ANALYSIS_SOURCE } from "@/lib/model/sources";
import { storeRecords } from "@/lib/scan/store";

const argsSchema = z.object({
  tenantFile: z.string().default(demoTenantPath),
  history: z.coerce.number().int().min(0).max(20).default(3),
});

const { values } = parseArgs({
  options: { "tenant-file": { type: "string" }, history: { type: "string" } },
});
const args = argsSchema.parse({ tenantFile: values["tenant-file"], history: values.history });

async function seedScan(client: pg.Client, document: unknown, label: string): Promise<bigint> {
  const started = Date.now();
  const tenant = parseTenantFile(document, label);
  const model = modelFromTenantFile(tenant);
  const index = buildAccessIndex(model);
  const access = evaluateTenantAccess(model, index);
  const findings = evaluateFindings(model, access, { index });
  const inventory = modelToRecords(model);
  const analysis = [...accessToRecords(access), ...findingsToRecords(findings)];

  await client.query(
    `INSERT INTO tenants (id, display_name, source, tenant_file, updated_at) VALUES ($1, $2, 'import', $3, now())
     ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name, updated_at = now()`,
    [model.tenantId, tenant.displayName ?? model.tenantId, args.tenantFile],
  );
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO scans (tenant_id, status, trigger, phase) VALUES ($1, 'running', 'cli', 'store') RETURNING id`,
    [model.tenantId],
  );
  const scanId = BigInt(rows[0].id);
  const complete = Object.entries(model.coverage)
    .filter(([, entry]) => entry.status === "complete")
    .map(([source]) => source);
  await client.query("BEGIN");
  const storedInventory = await storeRecords(client, {
    tenantId: model.tenantId,
    scanId,
    records: inventory,
    closableSources: complete,
    kinds: "inventory",
  });
  const storedAnalysis = await storeRecords(client, {
    tenantId: model.tenantId,
    scanId,
    records: analysis,
    closableSources: [ANALYSIS_SOURCE],
    kinds: "analysis",
  });
  const partial = Object.values(model.coverage).some((entry) => entry.status !== "complete");
  const counts: Record<string, number> = {};
  for (const record of [...inventory, ...analysis]) counts[record.kind] = (counts[record.kind] ?? 0) + 1;
  await client.query(
    `UPDATE scans SET status = $2, phase = 'done', progress_done = 1, progress_total = 1, finished_at = now(),
       duration_ms = $3, counts = $4, coverage = $5, rows_inserted = $6, rows_closed = $7 WHERE id = $1`,
    [
      scanId.toString(),
      partial ? "partial" : "succeeded",
      Date.now() - started,
      JSON.stringify(counts),
      JSON.stringify(model.coverage),
      storedInventory.inserted + storedAnalysis.inserted,
      storedInventory.closed + storedAnalysis.closed,
    ],
  );
  await client.query("COMMIT");
  console.log(
    `scan ${scanId} (${label}): ${model.clusters.length} clusters, ${analysis.length} analysis rows, ` +
      `${storedInventory.inserted + storedAnalysis.inserted} inserted, ${storedInventory.closed + storedAnalysis.closed} closed`,
  );
  return scanId;
}

const db = await openDatabase({ attach: true });
const client = new pg.Client({ connectionString: db.url });
await client.connect();
try {
  const text = await readFile(args.tenantFile, "utf8");
  // Oldest first: heavier drift further back, so the trend moves towards today's state.
  for (let step = args.history; step >= 1; step--) {
    const drifted = JSON.parse(text) as Record<string, unknown>;
    mutateTenantDocument(drifted, { seed: step, share: Math.min(0.5, 0.1 * step) });
    await seedScan(client, drifted, `drifted copy ${step}`);
  }
  await seedScan(client, JSON.parse(text), "tenant file");
} finally {
  await client.end();
  await db.close();
}
