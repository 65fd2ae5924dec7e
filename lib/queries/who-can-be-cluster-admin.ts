import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import {
  accessLevelSql,
  accessPrincipalSql,
  accessRouteSql,
  nonDirectoryDisplayName,
  nonDirectoryKind,
} from "@/lib/queries/access-keys";
import { type KeyedAccessRow, visitExpandedRows } from "@/lib/queries/expanded-access";
import { keptAcrossRestarts } from "@/lib/queries/scan-aggregates";
import { memoByScan } from "@/lib/queries/scan-memo";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { signInGroupOf } from "@/lib/queries/sign-in-group";
import { asOfCondition } from "@/lib/queries/snapshot";

// The overview's "Who can be cluster-admin" (issue 16, "who first"): every principal that holds
// cluster-admin somewhere, could hold it after a PIM activation, or can make itself cluster-admin, each
// once, with how, the widest reach first. The three kinds use the definitions every other page uses:
//   standing   — a cluster-admin grant that needs no activation (the principals list's `clusterAdminClusters`)
//   eligible   — a cluster-admin grant marked eligible, where nothing standing gives it
//                (the list's `eligibleClusterAdminClusters`, minus clusters it holds standing anyway)
//   can become — a cluster-wide attack path to cluster-admin, or managedClusters/write (`cluster-write`),
//                where it does not hold it standing (the principal page's `becomeClusterAdmin`)
// lib/queries/who-can-be-cluster-admin.int.test.ts checks each figure against those pages' queries.

export type ClusterAdminCandidate = {
  id: string;
  kind: string;
  displayName: string;
  /** clusters it is cluster-admin on, standing */
  standing: number;
  /** the routes of those standing grants, distinct, sorted */
  routes: string[];
  /** clusters where only a PIM activation would make it cluster-admin */
  eligible: number;
  /** clusters where it can make itself cluster-admin (not held standing there) */
  canBecome: number;
  /** the fewest hops of those can-become paths; null when unknown (one-step rows stored before hop counts) */
  fewestHops: number | null;
  /** clusters reached in any of the three ways */
  clusters: number;
};

type Row = KeyedAccessRow & {
  level: string;
  route: string;
  eligible: boolean | null;
  hops: number | null;
  namespace: string | null;
};

const candidatesOf = memoByScan<ClusterAdminCandidate[]>("cluster-admin-candidates");

/** Every principal that is, may be, or can become cluster-admin somewhere; widest reach first. */
export function clusterAdminCandidates(scope: ScanScope): Promise<ClusterAdminCandidate[]> {
  return candidatesOf(`${scope.tenantId}:${scope.scanId}`, () =>
    keptAcrossRestarts("cluster-admin-candidates", scope, () => readCandidates(scope)),
  );
}

async function readCandidates(scope: ScanScope): Promise<ClusterAdminCandidate[]> {
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;
  const attackPath = Prisma.sql`kind = 'access.escalation' AND ${accessRouteSql()} = 'attack-path'`;
  // the stored rows; the rows groups give their members are expanded in memory (visitExpandedRows)
  const rows = await prisma().$queryRaw<Row[]>(Prisma.sql`
    SELECT cluster_id AS "clusterId", kind, natural_key AS "naturalKey", ${accessPrincipalSql()} AS "principalId",
           ${accessLevelSql()} AS level, ${accessRouteSql()} AS route,
           -- every route's flag: a Kubernetes RBAC grant is eligible too when a part of it needs a PIM activation
           -- (an eligible group membership beside a standing binding: lib/access/evaluate-cluster.ts, combine)
           CASE WHEN kind = 'access.grant' THEN coalesce((data->>'eligible')::boolean, false) END AS eligible,
           CASE WHEN ${attackPath} THEN (data->>'hops')::int END AS hops,
           CASE WHEN ${attackPath} THEN data->>'namespace' END AS namespace
    FROM snapshot_records
    WHERE ${tenant} AND (
      (kind = 'access.grant' AND ${accessLevelSql()} = 'cluster-admin')
      OR (kind = 'access.escalation' AND ${accessLevelSql()} = 'cluster-admin' AND ${accessRouteSql()} = 'attack-path')
      OR (kind = 'access.escalation' AND ${accessLevelSql()} = 'cluster-write'))`);

  type Tally = {
    standing: Set<string>;
    routes: Set<string>;
    eligible: Set<string>;
    become: Map<string, number | null>;
  };
  const byPrincipal = new Map<string, Tally>();
  await visitExpandedRows(scope, rows, (id, row) => {
    const tally = byPrincipal.get(id) ?? {
      standing: new Set<string>(),
      routes: new Set<string>(),
      eligible: new Set<string>(),
      become: new Map<string, number | null>(),
    };
    byPrincipal.set(id, tally);
    if (row.kind === "access.grant") {
      if (row.eligible === true) tally.eligible.add(row.clusterId);
      else {
        tally.standing.add(row.clusterId);
        tally.routes.add(row.route);
      }
      return;
    }
    // a namespace-bounded attack path is admin of that namespace in effect, not cluster-admin
    if (row.route === "attack-path" && row.namespace) return;
    const hops = row.route === "attack-path" ? (row.hops ?? null) : 1;
    const known = tally.become.get(row.clusterId);
    if (known === undefined || (hops !== null && (known === null || hops < known))) {
      tally.become.set(row.clusterId, hops);
    }
  });

  const ids = [...byPrincipal.keys()];
  const directory = ids.length
    ? await prisma().$queryRaw<{ id: string; kind: string; displayName: string; deleted: boolean | null }[]>(
        Prisma.sql`
        SELECT natural_key AS id, data->>'kind' AS kind, data->>'displayName' AS "displayName",
               (data->>'deleted')::boolean AS deleted
        FROM snapshot_records WHERE ${tenant} AND kind = 'principal' AND natural_key IN (${Prisma.join(ids)})`,
      )
    : [];
  const known = new Map(directory.map((row) => [row.id, row]));
  const signIn = await signInGroupOf(scope);
  known.set(signIn.id, { ...signIn, deleted: null });

  const candidates: ClusterAdminCandidate[] = [];
  for (const [id, tally] of byPrincipal) {
    const eligible = [...tally.eligible].filter((cluster) => !tally.standing.has(cluster));
    const become = [...tally.become.entries()].filter(([cluster]) => !tally.standing.has(cluster));
    if (tally.standing.size + eligible.length + become.length === 0) continue;
    const hops = become.map(([, n]) => n).filter((n): n is number => n !== null);
    const record = known.get(id);
    candidates.push({
      id,
      kind: record?.kind ?? nonDirectoryKind(id),
      displayName: record
        ? record.deleted
          ? `${record.displayName} (deleted)`
          : record.displayName
        : nonDirectoryDisplayName(id),
      standing: tally.standing.size,
      routes: [...tally.routes].sort(),
      eligible: eligible.length,
      canBecome: become.length,
      fewestHops: hops.length > 0 ? Math.min(...hops) : null,
      clusters: new Set([...tally.standing, ...eligible, ...become.map(([cluster]) => cluster)]).size,
    });
  }
  return candidates.sort(
    (a, b) =>
      b.clusters - a.clusters ||
      b.standing - a.standing ||
      b.eligible - a.eligible ||
      a.displayName.toLowerCase().localeCompare(b.displayName.toLowerCase()) ||
      a.id.localeCompare(b.id),
  );
}

export const WHO_CAN_BE_CLUSTER_ADMIN_ROWS = 10;

/** The overview's section: the first rows, and how many principals there are of each kind. */
export async function whoCanBeClusterAdmin(scope: ScanScope, rows = WHO_CAN_BE_CLUSTER_ADMIN_ROWS) {
  const all = await clusterAdminCandidates(scope);
  return {
    total: all.length,
    standing: all.filter((c) => c.standing > 0).length,
    eligible: all.filter((c) => c.eligible > 0).length,
    /** principals eligible somewhere that hold it standing nowhere: the ones "more through PIM" than `standing` */
    eligibleOnly: all.filter((c) => c.standing === 0 && c.eligible > 0).length,
    canBecome: all.filter((c) => c.canBecome > 0).length,
    /** principals that hold cluster-admin nowhere standing and yet can reach it: the ones that look clean */
    onlyCanBecome: all.filter((c) => c.standing === 0 && c.eligible === 0 && c.canBecome > 0).length,
    top: all.slice(0, rows),
  };
}

export type WhoCanBeClusterAdmin = Awaited<ReturnType<typeof whoCanBeClusterAdmin>>;
