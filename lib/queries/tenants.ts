import { prisma } from "@/lib/db/prisma";

export async function listTenantsWithLatestScan() {
  const tenants = await prisma().tenant.findMany({
    orderBy: { displayName: "asc" },
    include: { scans: { orderBy: { id: "desc" }, take: 1 } },
  });
  return tenants.map((t) => ({
    id: t.id,
    displayName: t.displayName,
    source: t.source,
    latestScan: t.scans[0]
      ? {
          id: t.scans[0].id.toString(),
          status: t.scans[0].status,
          startedAt: t.scans[0].startedAt.toISOString(),
          finishedAt: t.scans[0].finishedAt?.toISOString() ?? null,
        }
      : null,
  }));
}

export type TenantSummary = Awaited<ReturnType<typeof listTenantsWithLatestScan>>[number];
