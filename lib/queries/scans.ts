import { prisma } from "@/lib/db/prisma";

type ScanRow = NonNullable<Awaited<ReturnType<ReturnType<typeof prisma>["scan"]["findUnique"]>>>;

export function serializeScan(scan: ScanRow) {
  return {
    id: scan.id.toString(),
    tenantId: scan.tenantId,
    status: scan.status,
    trigger: scan.trigger,
    phase: scan.phase,
    progress: { done: scan.progressDone, total: scan.progressTotal },
    startedAt: scan.startedAt.toISOString(),
    finishedAt: scan.finishedAt?.toISOString() ?? null,
    durationMs: scan.durationMs,
    counts: scan.counts as Record<string, number>,
    coverage: scan.coverage as Record<string, { status: string; reason?: string }>,
    errors: scan.errors as { source: string; code: string; message: string }[],
    apiCalls: scan.apiCalls as Record<string, number>,
    rowsInserted: scan.rowsInserted,
    rowsClosed: scan.rowsClosed,
    productVersion: scan.productVersion,
  };
}

export type ScanResponse = ReturnType<typeof serializeScan>;

export async function getScan(id: bigint): Promise<ScanResponse | null> {
  const scan = await prisma().scan.findUnique({ where: { id } });
  return scan ? serializeScan(scan) : null;
}

export async function listScans(query: { tenantId?: string; limit: number; before?: bigint }) {
  const scans = await prisma().scan.findMany({
    where: {
      ...(query.tenantId ? { tenantId: query.tenantId } : {}),
      ...(query.before ? { id: { lt: query.before } } : {}),
    },
    orderBy: { id: "desc" },
    take: query.limit,
  });
  return scans.map(serializeScan);
}

export type ScanListResponse = Awaited<ReturnType<typeof listScans>>;
