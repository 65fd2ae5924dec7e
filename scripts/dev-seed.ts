// Seeds a development database with scans of a tenant file, so the dashboard has data without the
// emulator: each scan is the tenant file's model handed to the scanner's own runScan (store,
// analysis, findings, versioned rows). Earlier scans are drifted copies of the tenant
// (mutateTenantDocument), so history and the posture trend have something to show.
//
//   tsx scripts/dev-seed.ts [--tenant-file <path>] [--history <n>] [--group-storage false] [--step-dictionary false]
//
// --group-storage false stores every member's access rows, the layout before issue 15 (bench/pages compares
// the two on one tenant); --step-dictionary false stores paths' steps inline, as before the step dictionary.
//
// Database: DATABASE_URL, or the embedded PostgreSQL in ATLAS_DATA_DIR (joined when another process owns it).
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { z } from "zod";
import { openDatabase } from "@/lib/db/open-database";
import { demoTenantPath } from "@/lib/emulator/demo/index";
import { mutateTenantDocument } from "@/lib/emulator/generate/mutate-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";
import { runScan } from "@/lib/scan/run-scan";

const argsSchema = z.object({
  tenantFile: z.string().default(demoTenantPath),
  history: z.coerce.number().int().min(0).max(20).default(3),
  groupStorage: z
    .enum(["true", "false"], { message: "--group-storage is true or false" })
    .default("true")
    .transform((value) => value === "true"),
  stepDictionary: z
    .enum(["true", "false"], { message: "--step-dictionary is true or false" })
    .default("true")
    .transform((value) => value === "true"),
});

type SeedOptions = { tenantFile?: string; groupStorage?: boolean; stepDictionary?: boolean };

/** One scan of a tenant document (JSON-decoded tenant file) through runScan. */
export async function seedScan(pool: pg.Pool, document: unknown, label: string, options: SeedOptions = {}) {
  const tenant = parseTenantFile(document, label);
  const outcome = await runScan({
    pool,
    tenant: {
      id: tenant.tenantId.toLowerCase(),
      displayName: tenant.displayName ?? tenant.tenantId,
      source: "import",
      tenantFile: options.tenantFile,
    },
    trigger: "cli",
    groupStorage: options.groupStorage,
    stepDictionary: options.stepDictionary,
    collect: async (onProgress) => {
      const model = modelFromTenantFile(tenant);
      onProgress({ done: 1, total: 1 });
      return { model, errors: [], apiCalls: {}, counts: { cluster: model.clusters.length } };
    },
  });
  console.log(
    `scan ${outcome.scanId} (${label}): ${outcome.status}, ${outcome.rowsInserted} rows inserted, ` +
      `${outcome.rowsClosed} closed, ${outcome.durationMs} ms`,
  );
  return outcome;
}

/** `history` drifted scans (heavier drift further back), then the tenant file as it is. */
export async function seedHistory(pool: pg.Pool, text: string, history: number, options: SeedOptions = {}) {
  for (let step = history; step >= 1; step--) {
    const drifted = JSON.parse(text) as Record<string, unknown>;
    mutateTenantDocument(drifted, { seed: step, share: Math.min(0.5, 0.1 * step) });
    await seedScan(pool, drifted, `drifted copy ${step}`, options);
  }
  return seedScan(pool, JSON.parse(text), "tenant file", options);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      "tenant-file": { type: "string" },
      history: { type: "string" },
      "group-storage": { type: "string" },
      "step-dictionary": { type: "string" },
    },
  });
  const args = argsSchema.parse({
    tenantFile: values["tenant-file"],
    history: values.history,
    groupStorage: values["group-storage"],
    stepDictionary: values["step-dictionary"],
  });
  const db = await openDatabase({ attach: true });
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  try {
    await seedHistory(pool, await readFile(args.tenantFile, "utf8"), args.history, {
      tenantFile: args.tenantFile,
      groupStorage: args.groupStorage,
      stepDictionary: args.stepDictionary,
    });
  } finally {
    await pool.end();
    await db.close();
  }
}
