import { ATTACK_PATH_KEY_SUFFIX } from "@/lib/access/group-storage";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { accessLevelRankSql, accessLevelSql, accessPrincipalSql } from "@/lib/queries/access-keys";
import { asOfCondition } from "@/lib/queries/snapshot";

// Group-level storage, read side (docs/scanner.md, "Group-level storage"). Access reached through a group
// is stored once, on the group, with each transitive membership as an `access.membership` record
// (lib/access/group-storage.ts). Every reader of access rows reads this relation in place of
// `snapshot_records`: the stored rows, plus each group row expanded to each of its members —
// the member in place of the group, the membership's prefix in place of each path's first step — unless
// the member has a row of that key stored (a stored row is authoritative: it is what the engine said) or
// an `access.absent` marker says the engine gave it none. Scans written before group-level storage hold
// every member's row and no membership, so they read exactly as stored.
//
// The relation has the columns of snapshot_records that readers use, and holds only rows valid as of
// `scanId` (derived rows are valid where both their group row and their membership are, which contains
// `scanId`), so a reader's own as-of condition still holds.

export type ExpandedAccessFilter = {
  tenantId: string;
  scanId: bigint;
  /** default both */
  kinds?: readonly ("access.grant" | "access.escalation")[];
  /** only these clusters' rows */
  clusterIds?: readonly string[];
  /** only this principal's rows (its own, and those its groups give it) */
  principalId?: string;
  /** only these principals' rows */
  principalIds?: readonly string[];
  /** only rows with these natural keys (derived rows are then found from the keys, through indexes) */
  naturalKeys?: readonly string[];
  /**
   * The database compares text bytewise (keysAreBytewise, lib/queries/access-keys.ts): a principal's expanded
   * rows are then read by key range, group by group and cluster by cluster, not by joining every group row.
   */
  keyRanges?: boolean;
  /**
   * With `keyRanges`: the (group, cluster) pairs on which the groups have stored rows (groupClustersOf,
   * lib/queries/get-principal.ts). Only those key ranges are read; without it, every group of the principal ×
   * every cluster of the tenant is probed (5,000 ranges, most of them empty, for a user in 10 groups on a
   * 500-cluster tenant).
   */
  groupClusters?: readonly { groupId: string; clusterId: string }[];
  /** an extra condition on derived rows, over their group row `g` and membership `m` (drift: changed ones) */
  derivedWhere?: Prisma.Sql;
};

const asOf = (alias: string, scanId: bigint) => asOfCondition(scanId, alias);

/**
 * The access rows as of one scan, stored and expanded, as a parenthesised subquery to use in FROM:
 * `FROM ${expandedAccessSql(filter)} AS r`. Columns: tenant_id, kind, natural_key, source, cluster_id,
 * content_hash, data, valid_from_scan, valid_to_scan, expanded (true for a row derived from a group's), and
 * attrs: a document whose fields other than `principal` and `paths` are the row's (the group row's own for an
 * expanded row) — aggregates that read a flag (eligible, hops, namespace) read it there, so the expanded
 * document, whose paths are rebuilt, is never built for them (PostgreSQL drops unused subquery outputs).
 */
export function expandedAccessSql(filter: ExpandedAccessFilter): Prisma.Sql {
  const { tenantId, scanId } = filter;
  const kinds = Prisma.join([...(filter.kinds ?? ["access.grant", "access.escalation"])]);
  const clusters = (alias: string) =>
    filter.clusterIds
      ? Prisma.sql`AND ${Prisma.raw(alias)}.cluster_id = ANY(${[...filter.clusterIds]}::text[])`
      : Prisma.empty;
  const principals =
    filter.principalIds ?? (filter.principalId === undefined ? undefined : [filter.principalId]);
  const storedPrincipal = principals
    ? Prisma.sql`AND s.data->'principal'->>'id' = ANY(${[...principals]}::text[])`
    : Prisma.empty;
  // a membership's key is `<group>|<member>` (lib/access/group-storage.ts): filtered on the key, not its
  // document, so the tenant's thousands of memberships are not each parsed as JSON to find one member's
  const memberPrincipal = principals
    ? Prisma.sql`AND split_part(m.natural_key, '|', 2) = ANY(${[...principals]}::text[])`
    : Prisma.empty;
  const storedKeys = filter.naturalKeys
    ? Prisma.sql`AND s.natural_key = ANY(${[...filter.naturalKeys]}::text[])`
    : Prisma.empty;
  const derivedColumns = Prisma.sql`g.tenant_id, g.kind, d.natural_key, g.source, g.cluster_id,
      g.content_hash || '+' || m.content_hash AS content_hash,
      jsonb_set(jsonb_set(g.data, '{principal}', m.data->'member'), '{paths}',
        (SELECT coalesce(jsonb_agg((m.data->'prefix') || (p.path - 0) ORDER BY p.ord), '[]'::jsonb)
         FROM jsonb_array_elements(g.data->'paths') WITH ORDINALITY AS p(path, ord))) AS data,
      greatest(g.valid_from_scan, m.valid_from_scan) AS valid_from_scan,
      -- least() skips NULLs, and a NULL end is "still valid": the earlier end, or none
      least(g.valid_to_scan, m.valid_to_scan) AS valid_to_scan, true AS expanded, g.data AS attrs`;
  const derivedWhere = filter.derivedWhere ? Prisma.sql`AND (${filter.derivedWhere})` : Prisma.empty;
  const derivedFrom = filter.naturalKeys
    ? // From each wanted key to its member's memberships, then to the group's row by key: a derived key is
      // `<cluster>|<member GUID>|<rest>` and its group's row `<cluster>|<group GUID>|<rest>`.
      Prisma.sql`FROM unnest(${[...filter.naturalKeys]}::text[]) AS k(key)
    CROSS JOIN LATERAL (SELECT split_part(k.key, '|', 1) AS cluster_id) AS c
    CROSS JOIN LATERAL (SELECT k.key AS natural_key, substr(k.key, length(c.cluster_id) + 2, 36) AS member_id,
                               substr(k.key, length(c.cluster_id) + 38) AS rest) AS d
    JOIN key_memberships m ON substr(m.natural_key, 38) = d.member_id
    JOIN snapshot_records g
      ON g.tenant_id = ${tenantId} AND g.kind IN (${kinds}) AND ${asOf("g", scanId)}
     AND g.natural_key = c.cluster_id || '|' || split_part(m.natural_key, '|', 1) || d.rest ${clusters("g")}
    WHERE substr(d.rest, 1, 1) = '|' ${derivedWhere}`
    : principals && filter.keyRanges
      ? // A few principals: their memberships, then each group's rows cluster by cluster, one key-index range
        // each (`<cluster>|<group>|` up to `<cluster>|<group>}`: exact only where text compares bytewise).
        Prisma.sql`FROM snapshot_records m
    CROSS JOIN LATERAL (SELECT split_part(m.natural_key, '|', 1) AS group_id,
                               m.data->'member'->>'id' AS member_id) AS ms
    ${
      filter.groupClusters
        ? Prisma.sql`JOIN unnest(${filter.groupClusters.map((pair) => pair.groupId)}::text[],
                                 ${filter.groupClusters.map((pair) => pair.clusterId)}::text[]) AS c(group_id, id)
      ON c.group_id = ms.group_id
        ${filter.clusterIds ? Prisma.sql`AND c.id = ANY(${[...filter.clusterIds]}::text[])` : Prisma.empty}`
        : Prisma.sql`CROSS JOIN (SELECT natural_key AS id FROM snapshot_records
                WHERE tenant_id = ${tenantId} AND kind = 'cluster' AND ${asOf("snapshot_records", scanId)}
                  ${filter.clusterIds ? Prisma.sql`AND natural_key = ANY(${[...filter.clusterIds]}::text[])` : Prisma.empty}) AS c`
    }
    CROSS JOIN LATERAL (
      SELECT * FROM snapshot_records g
      WHERE g.tenant_id = ${tenantId} AND g.kind IN (${kinds}) AND ${asOf("g", scanId)}
        AND g.natural_key >= c.id || '|' || ms.group_id || '|'
        AND g.natural_key < c.id || '|' || ms.group_id || '}'
      OFFSET 0 -- a fence: one index range per cluster and group
    ) AS g
    CROSS JOIN LATERAL (SELECT g.cluster_id || '|' || ms.member_id
                          || substr(g.natural_key, length(g.cluster_id) + length(ms.group_id) + 2) AS natural_key) AS d
    WHERE m.tenant_id = ${tenantId} AND m.kind = 'access.membership' AND ${asOf("m", scanId)} ${memberPrincipal}
      ${derivedWhere}`
      : Prisma.sql`FROM snapshot_records m
    CROSS JOIN LATERAL (SELECT split_part(m.natural_key, '|', 1) AS group_id,
                               m.data->'member'->>'id' AS member_id) AS ms
    JOIN snapshot_records g
      ON g.tenant_id = ${tenantId} AND g.kind IN (${kinds}) AND ${asOf("g", scanId)} ${clusters("g")}
     -- group ids are GUIDs: an equality on the key's 36 characters after the cluster id lets the planner
     -- hash-join, and the '|' after them makes it exact
     AND substr(g.natural_key, length(g.cluster_id) + 2, 36) = ms.group_id
     AND substr(g.natural_key, length(g.cluster_id) + 38, 1) = '|'
    CROSS JOIN LATERAL (SELECT g.cluster_id || '|' || ms.member_id
                          || substr(g.natural_key, length(g.cluster_id) + length(ms.group_id) + 2) AS natural_key) AS d
    WHERE m.tenant_id = ${tenantId} AND m.kind = 'access.membership' AND ${asOf("m", scanId)} ${memberPrincipal}
      ${derivedWhere}`;
  const stored = Prisma.sql`SELECT 1 FROM snapshot_records x
    WHERE x.tenant_id = ${tenantId} AND x.kind = g.kind AND x.natural_key = d.natural_key AND ${asOf("x", scanId)}`;
  const absent = Prisma.sql`SELECT 1 FROM snapshot_records a
    WHERE a.tenant_id = ${tenantId} AND a.kind = 'access.absent'
      AND a.natural_key = g.kind || '|' || d.natural_key AND ${asOf("a", scanId)}`;
  // A few derived rows (by key, by principal): one index probe each, as scalar subqueries — as NOT EXISTS the
  // planner, misjudging how few there are, hashes every stored access row instead. All of them: anti-joins.
  const notShadowed =
    filter.naturalKeys || (principals && filter.keyRanges)
      ? Prisma.sql`AND (${stored} LIMIT 1) IS NULL AND (${absent} LIMIT 1) IS NULL`
      : Prisma.sql`AND NOT EXISTS (${stored}) AND NOT EXISTS (${absent})`;
  // A key several group rows expand to: stored, unless it is an attack path the preferred group row gives
  // (isRankedDerivation, lib/access/group-storage.ts) — then only that one is read, the others being left
  // out here. Ranking sorts, so it is done on attack-path rows only; the others cannot compete.
  const groupId = filter.naturalKeys
    ? Prisma.sql`split_part(m.natural_key, '|', 1)`
    : Prisma.sql`ms.group_id`;
  const rankedRow = Prisma.sql`g.kind = 'access.escalation' AND g.natural_key LIKE ${`%${ATTACK_PATH_KEY_SUFFIX}`}`;
  const wantsEscalations = !filter.kinds || filter.kinds.includes("access.escalation");
  const derived = Prisma.sql`SELECT ${derivedColumns} ${derivedFrom} ${notShadowed}
      ${wantsEscalations ? Prisma.sql`AND NOT (${rankedRow})` : Prisma.empty}
    ${
      wantsEscalations
        ? Prisma.sql`UNION ALL
    (SELECT DISTINCT ON (d.natural_key) ${derivedColumns} ${derivedFrom} ${notShadowed} AND ${rankedRow}
     ORDER BY d.natural_key, coalesce((g.data->>'hops')::int, 0), ${groupId} COLLATE "C")`
        : Prisma.empty
    }`;
  // By key, the memberships are read once (a CTE the planner may not inline): joined directly, it probed them
  // once per wanted key, each probe filtering every membership of the tenant (0.3 s for the principal page's
  // 39 keys on a 500-cluster tenant with 4,000 memberships; 30 ms read once and hash-joined).
  const keyMemberships = filter.naturalKeys
    ? Prisma.sql`WITH key_memberships AS MATERIALIZED (
      SELECT m.* FROM snapshot_records m
      WHERE m.tenant_id = ${tenantId} AND m.kind = 'access.membership' AND ${asOf("m", scanId)} ${memberPrincipal})`
    : Prisma.empty;
  return Prisma.sql`(${keyMemberships}
    SELECT s.tenant_id, s.kind, s.natural_key, s.source, s.cluster_id, s.content_hash, s.data,
      s.valid_from_scan, s.valid_to_scan, false AS expanded, s.data AS attrs
    FROM snapshot_records s
    WHERE s.tenant_id = ${tenantId} AND s.kind IN (${kinds}) AND ${asOf("s", scanId)}
      ${clusters("s")} ${storedPrincipal} ${storedKeys}
    UNION ALL
    ${derived}
  )`;
}

/**
 * The (principal, cluster) pairs with at least one access row of `kind` as of `scanId`, stored or derived, with
 * the strongest level held there standing and the strongest held eligibly (grants; null when none, always null
 * for escalations) — what `expandedAccessSql` gives when a reader asks only *which clusters* and *how strong*,
 * worked out per group rather than per derived row. A subquery with the columns `principal_id, cluster_id,
 * standing_rank, eligible_rank` (ranks: accessLevelRankSql), one row per pair.
 *
 * A derived row's level and eligibility are its group row's, so a group's member is given, on each cluster the
 * group has rows on, the group's strongest levels there — unless the member's pair is one the expansion may
 * change: an `access.absent` marker names the member there (it removes a derived row), or, for grants, the
 * member has stored rows there (a stored row of a derived key replaces it, and its eligibility may differ; for
 * escalations that cannot change a pair: the stored row is on the same pair). Those pairs, a few, are decided row
 * by row, each derived key looked up among the markers and the stored rows. On a 500-cluster tenant this joins
 * each group's clusters to its members instead of building 1.3 M derived escalation rows (docs/performance.md,
 * "The first visit after a scan").
 */
export function expandedClusterPairsSql(filter: {
  tenantId: string;
  scanId: bigint;
  kind: "access.grant" | "access.escalation";
  /**
   * only rows of this level (grants) or target (escalations): a key names it, and a derived row, its marker and
   * a stored row that replaces it share their key, so filtering the stored rows first filters the expansion
   */
  level?: string;
}): Prisma.Sql {
  const { tenantId, scanId, kind } = filter;
  const grants = kind === "access.grant";
  const ofLevel = filter.level ? Prisma.sql`AND ${accessLevelSql("r")} = ${filter.level}` : Prisma.empty;
  const tenantRows = (alias: string, recordKind: string) =>
    Prisma.sql`${Prisma.raw(alias)}.tenant_id = ${tenantId} AND ${Prisma.raw(alias)}.kind = ${recordKind} AND ${asOf(alias, scanId)}`;
  // a group row's group: the 36 characters after the cluster id, followed by '|' (group ids are GUIDs)
  const isGroupShaped = Prisma.sql`substr(r.natural_key, length(r.cluster_id) + 38, 1) = '|'`;
  // an absent marker's key is `<kind>|<cluster>|<member>|…`: cluster ids and member GUIDs hold no '|'
  const markerPrefix = `${kind}|`;
  // eligibility is a flag of the (stored) row's document; escalations' pairs do not read it
  const eligible = grants ? Prisma.sql`coalesce((r.data->>'eligible')::boolean, false)` : Prisma.sql`false`;
  const rank = grants ? accessLevelRankSql("r") : Prisma.sql`0`;
  const strongest = (where: string) =>
    grants ? Prisma.sql`max(rank) FILTER (WHERE ${Prisma.raw(where)})` : Prisma.sql`NULL::int`;
  // a row's standing and eligible rank (one of them null); `from`: the alias of its rank and eligible columns
  const levels = (from: string) => {
    if (!grants) return Prisma.sql`NULL::int, NULL::int`;
    const [rankOf, eligibleOf] = [Prisma.raw(`${from}.rank`), Prisma.raw(`${from}.eligible`)];
    return Prisma.sql`CASE WHEN NOT ${eligibleOf} THEN ${rankOf} END, CASE WHEN ${eligibleOf} THEN ${rankOf} END`;
  };
  // the pairs decided row by row: a marker names them, or (grants) the member's own stored rows may shadow
  const storedOfMembers = grants
    ? Prisma.sql`UNION SELECT r.cluster_id, r.principal_id FROM rows r
        WHERE EXISTS (SELECT 1 FROM memberships ms WHERE ms.member_id = r.principal_id)`
    : Prisma.empty;
  return Prisma.sql`(WITH rows AS MATERIALIZED (
      SELECT r.natural_key, r.cluster_id, ${accessPrincipalSql("r")} AS principal_id, ${rank} AS rank,
             ${eligible} AS eligible
      FROM snapshot_records r WHERE ${tenantRows("r", kind)} ${ofLevel}
    ), group_rows AS MATERIALIZED (
      SELECT r.cluster_id, substr(r.natural_key, length(r.cluster_id) + 2, 36) AS group_id,
             substr(r.natural_key, length(r.cluster_id) + 38) AS rest, r.rank, r.eligible
      FROM rows r WHERE ${isGroupShaped}
    ), memberships AS MATERIALIZED (
      SELECT split_part(m.natural_key, '|', 1) AS group_id, m.data->'member'->>'id' AS member_id
      FROM snapshot_records m WHERE ${tenantRows("m", "access.membership")}
    ), markers AS MATERIALIZED (
      SELECT a.natural_key, split_part(a.natural_key, '|', 2) AS cluster_id, split_part(a.natural_key, '|', 3) AS member_id
      FROM snapshot_records a WHERE ${tenantRows("a", "access.absent")} AND starts_with(a.natural_key, ${markerPrefix})
    ), exact AS MATERIALIZED (
      SELECT cluster_id, member_id FROM markers ${storedOfMembers}
    ), exact_groups AS MATERIALIZED (
      -- each pair decided row by row with the member's groups: the group rows to decide it from
      SELECT DISTINCT k.cluster_id, k.member_id, ms.group_id FROM exact k JOIN memberships ms ON ms.member_id = k.member_id
    ), pair_rows (principal_id, cluster_id, standing_rank, eligible_rank) AS (
      SELECT r.principal_id, r.cluster_id, ${levels("r")} FROM rows r
      UNION ALL
      SELECT ms.member_id, gc.cluster_id, gc.standing_rank, gc.eligible_rank
      FROM (SELECT cluster_id, group_id, ${strongest("NOT eligible")} AS standing_rank, ${strongest("eligible")} AS eligible_rank
            FROM group_rows GROUP BY 1, 2) gc
      JOIN memberships ms ON ms.group_id = gc.group_id
      WHERE NOT EXISTS (SELECT 1 FROM exact k WHERE k.cluster_id = gc.cluster_id AND k.member_id = ms.member_id)
      UNION ALL
      SELECT eg.member_id, gr.cluster_id, ${levels("gr")}
      FROM exact_groups eg JOIN group_rows gr ON gr.cluster_id = eg.cluster_id AND gr.group_id = eg.group_id
      WHERE NOT EXISTS (SELECT 1 FROM markers a
                        WHERE a.natural_key = ${markerPrefix} || gr.cluster_id || '|' || eg.member_id || gr.rest)
        AND NOT EXISTS (SELECT 1 FROM rows x WHERE x.natural_key = gr.cluster_id || '|' || eg.member_id || gr.rest)
    )
    SELECT principal_id, cluster_id, max(standing_rank) AS standing_rank, max(eligible_rank) AS eligible_rank
    FROM pair_rows GROUP BY 1, 2)`;
}

/**
 * Runs a whole-tenant aggregate over `expandedClusterPairsSql` with nested loops off. The pairs' intermediate
 * sets are filtered by expressions the planner cannot see into (a key's level, a row's group shape), so it
 * estimates them 100× too small and, believing a few rows, rescans one set for each row of another: the
 * clusters table's cluster-admin count took 147 s that way on a 500-cluster tenant (8.4 s for every pair with
 * hash joins). These aggregates are set operations over the tenant; hash and merge joins are always right.
 */
export function queryTenantPairs<Row>(statement: Prisma.Sql): Promise<Row[]> {
  return prisma().$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_nestloop = off");
      return tx.$queryRaw<Row[]>(statement);
    },
    // The setting lives as long as the transaction. Like the plain query it replaces, the query takes what it
    // takes (seconds cold on a large tenant) and waits for a free connection as long as it must (the server
    // warms a scan's aggregates all at once): never cut at Prisma's defaults for transactions (5 s, 2 s).
    { timeout: TENANT_AGGREGATE_TIMEOUT_MS, maxWait: TENANT_AGGREGATE_TIMEOUT_MS },
  );
}

/** How long a whole-tenant aggregate's transaction may stay open: far beyond any measured (14.5 s at 500 clusters). */
const TENANT_AGGREGATE_TIMEOUT_MS = 30 * 60_000;

/** A stored access row as `visitExpandedRows` needs it: its kind, key, cluster and principal. */
export type KeyedAccessRow = { kind: string; naturalKey: string; clusterId: string; principalId: string };

/**
 * Visits each stored row of `rows` with its own principal, and each row a group's row expands to with the member
 * — the rows `expandedAccessSql` gives, for aggregates that read a row's own fields (level, route, hops,
 * eligibility: a derived row's are its group row's), never its paths. `rows` must be every stored row of the
 * scan that a filter on the *key* keeps (kind, level, route): a derived row is left out when a stored row of its
 * key exists or an `access.absent` marker names it, and the one that replaces it has the same key, so the same
 * filter keeps it. Of the attack paths several group rows expand to, every one is visited (the reader keeps the
 * fewest hops; an aggregate taking the minimum gets the same). On a 500-cluster tenant "who can be cluster-admin"
 * read 25.9 s of derived rows in SQL to tally them here; this reads the stored rows, the memberships and the
 * markers, and expands in memory.
 */
export async function visitExpandedRows<Row extends KeyedAccessRow>(
  scope: { tenantId: string; scanId: bigint },
  rows: readonly Row[],
  visit: (principalId: string, row: Row) => void,
): Promise<void> {
  const db = prisma();
  const asOfScan = asOfCondition(scope.scanId);
  const [memberships, markers] = await Promise.all([
    db.$queryRaw<{ groupId: string; memberId: string }[]>(Prisma.sql`
      SELECT split_part(natural_key, '|', 1) AS "groupId", data->'member'->>'id' AS "memberId"
      FROM snapshot_records WHERE tenant_id = ${scope.tenantId} AND kind = 'access.membership' AND ${asOfScan}`),
    db.$queryRaw<{ key: string }[]>(Prisma.sql`
      SELECT natural_key AS key FROM snapshot_records
      WHERE tenant_id = ${scope.tenantId} AND kind = 'access.absent' AND ${asOfScan}`),
  ]);
  const membersOf = new Map<string, string[]>();
  for (const { groupId, memberId } of memberships) {
    const members = membersOf.get(groupId);
    if (members) members.push(memberId);
    else membersOf.set(groupId, [memberId]);
  }
  // an absent marker's key is `<kind>|<derived key>` (absentKey, lib/access/group-storage.ts)
  const absent = new Set(markers.map((marker) => marker.key));
  const stored = new Set(rows.map((row) => `${row.kind}|${row.naturalKey}`));
  for (const row of rows) {
    visit(row.principalId, row);
    // a group row's key: `<cluster>|<group GUID>|<rest>`
    const start = row.clusterId.length + 1;
    if (row.naturalKey[start + 36] !== "|") continue;
    const members = membersOf.get(row.naturalKey.slice(start, start + 36));
    if (!members) continue;
    const rest = row.naturalKey.slice(start + 36);
    for (const member of members) {
      const derived = `${row.kind}|${row.clusterId}|${member}${rest}`;
      if (!stored.has(derived) && !absent.has(derived)) visit(member, row);
    }
  }
}
