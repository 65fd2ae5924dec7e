import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { clusterSchema, subscriptionSchema } from "@/lib/model/azure";
import { asOfCondition, COMPLETED_STATUSES } from "@/lib/queries/snapshot";
import { readReportConfig } from "@/lib/reports/config";
import { DEFAULT_REPORT_FRAMEWORKS, REPORT_FRAMEWORKS } from "@/lib/reports/frameworks";

// What the "new report" form offers: recent completed scans, and the subscriptions and clusters of the
// latest one (the scope a report is usually about). Server-only.

export async function reportFormOptions() {
  const db = prisma();
  const scans = await db.scan.findMany({
    where: { status: { in: [...COMPLETED_STATUSES] } },
    orderBy: { id: "desc" },
    take: 20,
    include: { tenant: { select: { displayName: true } } },
  });
  const latest = scans[0];
  let clusters: { id: string; name: string; subscriptionId: string; resourceGroup: string }[] = [];
  let subscriptions: { subscriptionId: string; displayName: string }[] = [];
  if (latest) {
    const rows = await db.$queryRaw<{ kind: string; data: unknown }[]>(Prisma.sql`
      SELECT kind, data FROM snapshot_records
      WHERE tenant_id = ${latest.tenantId} AND ${asOfCondition(latest.id)} AND kind IN ('cluster', 'subscription')`);
    clusters = rows
      .filter((r) => r.kind === "cluster")
      .flatMap((r) => {
        const parsed = clusterSchema.safeParse(r.data);
        return parsed.success ? [parsed.data] : [];
      })
      .map((c) => ({
        id: c.id,
        name: c.name,
        subscriptionId: c.subscriptionId,
        resourceGroup: c.resourceGroup,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    subscriptions = rows
      .filter((r) => r.kind === "subscription")
      .flatMap((r) => {
        const parsed = subscriptionSchema.safeParse(r.data);
        return parsed.success
          ? [{ subscriptionId: parsed.data.subscriptionId, displayName: parsed.data.displayName }]
          : [];
      })
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
  }
  return {
    scans: scans.map((s) => ({
      id: s.id.toString(),
      tenant: s.tenant.displayName,
      status: s.status,
      finishedAt: s.finishedAt?.toISOString() ?? null,
    })),
    clusters,
    subscriptions,
    frameworks: REPORT_FRAMEWORKS.map((f) => ({
      ...f,
      selected: DEFAULT_REPORT_FRAMEWORKS.includes(f.id),
    })),
    shareMaxDays: readReportConfig().shareMaxDays,
    shareDefaultDays: readReportConfig().shareDefaultDays,
  };
}
export type ReportFormOptions = Awaited<ReturnType<typeof reportFormOptions>>;
