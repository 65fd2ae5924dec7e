// scripts/dev-seed.ts with the storage layout chosen: `--group-storage false` stores every member's access
// rows (the layout before issue 15), so bench/pages can measure the same pages over both layouts of the
// same tenant. Same scans as dev-seed (`history` drifted copies, then the tenant file), same database rules
// (ATLAS_DATA_DIR or DATABASE_URL).
//
//   ATLAS_DATA_DIR=.data/bench-pages/every-member-db tsx bench/pages/seed-layout.ts \
//     --tenant-file .data/bench-pages/tenant.json --history 2 --group-storage false
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { z } from "zod";
import { openDatabase } from "@/lib/db/open-database";
import { mutateTenantDocument } from "@/lib/emulator/generate/mutate-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";
import { runScan } from "@/lib/scan/run-scan";

const { values } = parseArgs({
  options: {
    "tenant-file": { type: "string" },
    history: { type: "string", default: "2" },
    "group-storage": { type: "string", default: "true" },
  },
});
const args = z
  .object({
    tenantFile: z.string({ message: "--tenant-file is required" }),
    history: z.coerce.number().int().min(0).max(20),
    groupStorage: z.enum(["true", "false"]).transform((value) => value === "true"),
  })
  .parse({
    tenantFile: values["tenant-file"],
    history: values.history,
    groupStorage: values["group-storage"],
  });

async function seedScan(pool: pg.Pool, document: unknown, label: string) {
  const tenant = parseTenantFile(document, label);
  const outcome = await runScan({
    pool,
    tenant: {
      id: tenant.tenantId.toLowerCase(),
      displayName: tenant.displayName ?? tenant.tenantId,
      source: "import",
      tenantFile: args.tenantFile,
    },
    trigger: "cli",
    groupStorage: args.groupStorage,
    collect: async (onProgress) => {
      const model = modelFromTenantFile(tenant);
      onProgress({ done: 1, total: 1 });
      return { model, errors: [], apiCalls: {}, counts: { cluster: model.clusters.length } };
    },
  });
  console.log(
    `scan ${outcome.scanId} (${label}, group storage ${args.groupStorage}): ${outcome.status}, ` +
      `${outcome.rowsInserted} rows inserted, ${outcome.rowsClosed} closed, ${outcome.durationMs} ms`,
  );
}

const text = await readFile(args.tenantFile, "utf8");
const db = await openDatabase({ attach: true });
const pool = new pg.Pool({ connectionString: db.url, max: 4 });
try {
  // the drifts dev-seed makes (heavier further back), then the tenant file as it is
  for (let step = args.history; step >= 1; step--) {
    const drifted = JSON.parse(text) as Record<string, unknown>;
    mutateTenantDocument(drifted, { seed: step, share: Math.min(0.5, 0.1 * step) });
    await seedScan(pool, drifted, `drifted copy ${step}`);
  }
  await seedScan(pool, JSON.parse(text), "tenant file");
} finally {
  await pool.end();
  await db.close();
}
