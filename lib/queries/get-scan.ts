import { z } from "zod";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { coverageSchema } from "@/lib/model/tenant-model";
import { coverageSummary, scanErrorsSchema } from "@/lib/queries/list-scans";
import { NotFoundError } from "@/lib/queries/query-errors";
import { scanParamSchema } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";

// One scan (/scans/[id]): status, phase and progress, per-source coverage, errors, API calls and
// what the store wrote.

export async function getScan(rawId: string) {
  const parsed = scanParamSchema.safeParse(rawId);
  if (!parsed.success) throw new NotFoundError("scan_not_found", `No scan ${rawId}.`);
  const scan = await prisma().scan.findUnique({
    where: { id: parsed.data },
    include: { tenant: { select: { displayName: true } } },
  });
  if (!scan) throw new NotFoundError("scan_not_found", `No scan ${rawId}.`);
  const coverage = coverageSchema.catch({}).parse(scan.coverage);
  const facts = await sourceFacts(scan.tenantId, scan.id);
  return {
    id: scan.id.toString(),
    tenant: { id: scan.tenantId, displayName: scan.tenant.displayName },
    status: scan.status,
    trigger: scan.trigger,
    phase: scan.phase,
    progress: { done: scan.progressDone, total: scan.progressTotal },
    startedAt: scan.startedAt.toISOString(),
    finishedAt: scan.finishedAt?.toISOString() ?? null,
    durationMs: scan.durationMs,
    coverage: Object.entries(coverage)
      .map(([source, entry]) => ({
        source,
        status: entry.status,
        reason: entry.reason ?? null,
        // what the page needs to say it in words: the cluster's or subscription's name, not its id
        ...sourceName(source, facts),
      }))
      .sort((a, b) => a.status.localeCompare(b.status) || a.source.localeCompare(b.source)),
    coverageSummary: coverageSummary(scan.coverage),
    errors: scanErrorsSchema.parse(scan.errors),
    counts: z.record(z.string(), z.number()).catch({}).parse(scan.counts),
    apiCalls: z.record(z.string(), z.number()).catch({}).parse(scan.apiCalls),
    rowsInserted: scan.rowsInserted,
    rowsClosed: scan.rowsClosed,
    productVersion: scan.productVersion,
  };
}

export type ScanResponse = Awaited<ReturnType<typeof getScan>>;

/** Names of the clusters and subscriptions a scan's coverage names, as of that scan (or the last state before it). */
async function sourceFacts(tenantId: string, scanId: bigint) {
  const rows = await prisma().$queryRaw<
    {
      kind: string;
      key: string;
      name: string | null;
      private: boolean | null;
      subscriptionId: string | null;
    }[]
  >(Prisma.sql`
    SELECT kind, natural_key AS key, coalesce(data->>'name', data->>'displayName') AS name,
           (data->>'privateCluster')::boolean AS private, data->>'subscriptionId' AS "subscriptionId"
    FROM snapshot_records
    WHERE tenant_id = ${tenantId} AND kind IN ('cluster', 'subscription') AND ${asOfCondition(scanId)}`);
  const clusters = new Map<string, { name: string; privateCluster: boolean }>();
  const subscriptions = new Map<string, string>();
  for (const row of rows) {
    if (row.kind === "cluster")
      clusters.set(row.key.toLowerCase(), {
        name: row.name ?? row.key,
        privateCluster: row.private === true,
      });
    else if (row.subscriptionId && row.name) subscriptions.set(row.subscriptionId.toLowerCase(), row.name);
  }
  return { clusters, subscriptions };
}

function sourceName(
  source: string,
  facts: Awaited<ReturnType<typeof sourceFacts>>,
): { name: string | null; privateCluster: boolean } {
  if (source.startsWith("cluster:")) {
    const cluster = facts.clusters.get(source.slice("cluster:".length).toLowerCase());
    return { name: cluster?.name ?? null, privateCluster: cluster?.privateCluster ?? false };
  }
  if (source.startsWith("sub:"))
    return {
      name: facts.subscriptions.get(source.slice("sub:".length).toLowerCase()) ?? null,
      privateCluster: false,
    };
  return { name: null, privateCluster: false };
}
