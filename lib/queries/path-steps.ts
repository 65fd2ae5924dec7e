import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { collectStepRefs, withStepsBack } from "@/lib/model/path-step-refs";

/**
 * Rows of access and findings as the engine produced them: the steps their stored paths reference
 * (docs/scanner.md, "Path steps stored once") read in one query and put back. For readers of many rows —
 * about 20× faster than `atlas_record_data(tenant_id, kind, data)` row by row in SQL on a cluster's 4,000
 * access rows — which serves the readers of a few. `kindOf` defaults to the row's own `kind` column.
 */
export async function withPathSteps<Row extends { data: unknown }>(
  tenantId: string,
  rows: readonly Row[],
  options: { kindOf?: (row: Row) => string; db?: Pick<PrismaClient, "$queryRaw"> } = {},
): Promise<Row[]> {
  const kindOf = options.kindOf ?? ((row: Row) => (row as Row & { kind: string }).kind);
  const refs = new Set<string>();
  for (const row of rows) collectStepRefs(kindOf(row), row.data, refs);
  if (refs.size === 0) return [...rows];
  const found = await (options.db ?? prisma()).$queryRaw<{ ref: string; step: unknown }[]>(Prisma.sql`
    SELECT ref, step FROM path_steps WHERE tenant_id = ${tenantId} AND ref = ANY(${[...refs]}::text[])`);
  const steps = new Map(found.map((row) => [row.ref, row.step]));
  return rows.map((row) => ({ ...row, data: withStepsBack(kindOf(row), row.data, steps) }));
}
