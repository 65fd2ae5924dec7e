import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { NotFoundError } from "@/lib/queries/query-errors";
import { scanParamSchema } from "@/lib/queries/scan-scope";
import { coverageSummary, getScan, scanResponse } from "@/lib/queries/scans";
import { asOfCondition } from "@/lib/queries/snapshot";

// One scan (/scans/[id]): status, phase and progress, per-source coverage, errors, API calls and
// what the store wrote.

export async function getScanPage(rawId: string) {
  const parsed = scanParamSchema.safeParse(rawId);
  if (!parsed.success) throw new NotFoundError("scan_not_found", `No scan ${rawId}.`);
  const scan = await getScan(parsed.data);
  if (!scan) throw new NotFoundError("scan_not_found", `No scan ${rawId}.`);
  const facts = await sourceFacts(scan.tenant.id, scan.id);
  // The API's scan (one owner of the scan's JSON), with what the page adds: the tenant's name, each
  // source's coverage in words, and the coverage counted.
  return {
    ...scanResponse(scan),
    tenant: scan.tenant,
    coverage: Object.entries(scan.coverage)
      .map(([source, entry]) => ({
        source,
        status: entry.status,
        reason: entry.reason ?? null,
        // what the page needs to say it in words: the cluster's or subscription's name, not its id
        ...sourceName(source, facts),
      }))
      .sort((a, b) => a.status.localeCompare(b.status) || a.source.localeCompare(b.source)),
    coverageSummary: coverageSummary(scan.coverage),
  };
}

export type ScanPage = Awaited<ReturnType<typeof getScanPage>>;

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
