// Same answers before and after a change to the principal page's use cases: a checksum of getPrincipal (all
// paths, and the page's first page of ten) and getClusterDifferences for a sample of principals of the bench
// tenant (every kind, the widest first), against the same database as bench/pages/profile.ts:
//
//   DATABASE_URL=postgresql://atlas:<password>@127.0.0.1:<port>/atlas \
//     tsx bench/pages/checksum.ts [--sample 40] [--principal <id> …]
//
// Run it on the commit before the change and after it: the totals must be equal.
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { getCluster } from "@/lib/queries/get-cluster";
import { getClusterDifferences } from "@/lib/queries/get-cluster-differences";
import { getPrincipal } from "@/lib/queries/get-principal";
import { requireScanScope } from "@/lib/queries/scan-scope";

const { values } = parseArgs({
  options: {
    sample: { type: "string", default: "40" },
    principal: { type: "string", multiple: true, default: [] },
    /** and getCluster (the cluster page's planes) of this many clusters, in id order */
    clusters: { type: "string", default: "100" },
  },
});
const scope = await requireScanScope();
// the principals with the most access rows of each kind (users, groups, service principals, Kubernetes
// subjects): read from keys, `<cluster>|<principal>|…`
const perKind = Math.max(1, Math.ceil(Number(values.sample) / 4));
const sampled = await prisma().$queryRaw<{ id: string }[]>(Prisma.sql`
  WITH counted AS (
    SELECT split_part(substr(natural_key, length(cluster_id) + 2), '|', 1) AS id, count(*) AS rows
    FROM snapshot_records
    WHERE tenant_id = ${scope.tenantId} AND kind IN ('access.grant', 'access.escalation')
      AND valid_from_scan <= ${scope.scanId} AND (valid_to_scan IS NULL OR valid_to_scan > ${scope.scanId})
    GROUP BY 1),
  kinded AS (
    SELECT c.id, c.rows, coalesce(p.data->>'kind', 'kubernetes') AS kind FROM counted c
    LEFT JOIN snapshot_records p ON p.tenant_id = ${scope.tenantId} AND p.kind = 'principal' AND p.natural_key = c.id
      AND p.valid_from_scan <= ${scope.scanId} AND (p.valid_to_scan IS NULL OR p.valid_to_scan > ${scope.scanId}))
  SELECT id FROM (SELECT id, rows, row_number() OVER (PARTITION BY kind ORDER BY rows DESC, id) AS n FROM kinded) x
  WHERE n <= ${perKind} ORDER BY id`);
const ids = [...new Set([...(values.principal ?? []), ...sampled.map((row) => row.id)])];
const total = createHash("sha256");
for (const id of ids) {
  const started = performance.now();
  const [all, page, differences] = await Promise.all([
    getPrincipal(scope, id, "all"),
    getPrincipal(scope, id, { page: 1, perPage: 10 }),
    getClusterDifferences(scope, id),
  ]);
  const text = JSON.stringify({ all, page, differences });
  const sum = createHash("sha256").update(text).digest("hex").slice(0, 16);
  total.update(sum);
  console.log(
    `${id.padEnd(50)} ${sum} ${String(all.summary.length).padStart(4)} clusters ${String(differences.length).padStart(3)} differences ${Math.round(performance.now() - started)} ms`,
  );
}
const clusterIds = await prisma().$queryRaw<{ id: string }[]>(Prisma.sql`
  SELECT natural_key AS id FROM snapshot_records
  WHERE tenant_id = ${scope.tenantId} AND kind = 'cluster'
    AND valid_from_scan <= ${scope.scanId} AND (valid_to_scan IS NULL OR valid_to_scan > ${scope.scanId})
  ORDER BY natural_key LIMIT ${Number(values.clusters)}`);
const clusterSums = createHash("sha256");
for (const { id } of clusterIds)
  clusterSums.update(
    createHash("sha256")
      .update(JSON.stringify(await getCluster(scope, id)))
      .digest("hex"),
  );
console.log(`${ids.length} principals, scan ${scope.scanId}: ${total.digest("hex")}`);
console.log(`${clusterIds.length} clusters (getCluster), scan ${scope.scanId}: ${clusterSums.digest("hex")}`);
await prisma().$disconnect();
